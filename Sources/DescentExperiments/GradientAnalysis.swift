package import DescentDatasets
import DescentLinearAlgebra
package import DescentNetwork

/// One component of the cost's gradient: which parameter, and how much the cost changes per unit
/// nudge to it.
package struct GradientComponent: Equatable, Sendable {
    /// The layer, counted as in `Network.layers` (0 is the first hidden layer).
    package let layer: Int
    /// The neuron the weight leads into (or whose bias it is).
    package let neuron: Int
    /// The input the weight comes from: a pixel for layer 0, a neuron of the layer below otherwise;
    /// nil for a bias.
    package let input: Int?
    /// ∂C/∂parameter. Gradient descent nudges the parameter by −learningRate times this.
    package let derivative: Double
}

/// Where the cost's gradient is large: the video's "which changes to which weights matter the most",
/// measured on one image or a batch.
package struct GradientAnalysis: Sendable {
    /// The mean cost over the examples.
    package let cost: Double
    /// ∂C/∂w and ∂C/∂b, shaped like the network.
    package let gradients: Gradients<Float>
    /// Every component, the largest |∂C/∂θ| first.
    package let ranked: [GradientComponent]
    /// Σ(∂C/∂θ)² over every component.
    package let squaredNorm: Double

    /// Backpropagates the mean cost of `images` at `indices` through `network`.
    /// - Precondition: `indices` is not empty and every index is below `images.count`.
    /// - Complexity: O(indices.count · parameterCount + P log P) for P parameters.
    package init(network: Network<Float>, images: LabeledImages, indices: [Int]) {
        precondition(!indices.isEmpty && indices.allSatisfy { $0 >= 0 && $0 < images.count },
                     "GradientAnalysis: indices must be in 0..<\(images.count)")
        var workspace = Workspace(for: network, capacity: indices.count)
        for (row, index) in indices.enumerated() {
            workspace.setInput(row: row, bytes: images.image(index), label: Int(images.labels[index]))
        }
        var gradients = Gradients(zeroLike: network)
        let result = network.backpropagate(&workspace, count: indices.count, into: &gradients)
        self.init(cost: Double(result.cost), gradients: gradients)
    }

    /// Ranks the components of a gradient already computed, for example `Network.exampleGradient`'s.
    /// - Parameters:
    ///   - cost: The cost the gradient is of.
    ///   - gradients: ∂C/∂w and ∂C/∂b, shaped like a network.
    /// - Complexity: O(P log P) for P parameters.
    package init(cost: Double, gradients: Gradients<Float>) {
        var components: [GradientComponent] = []
        components.reserveCapacity(gradients.weights.reduce(0) { $0 + $1.elements.count + $1.rows })
        for (layer, weights) in gradients.weights.enumerated() {
            for neuron in 0..<weights.rows {
                for input in 0..<weights.columns {
                    components.append(GradientComponent(layer: layer, neuron: neuron, input: input, derivative: Double(weights[neuron, input])))
                }
                components.append(GradientComponent(layer: layer, neuron: neuron, input: nil, derivative: Double(gradients.biases[layer][neuron])))
            }
        }
        self.cost = cost
        self.gradients = gradients
        ranked = components.sorted { abs($0.derivative) > abs($1.derivative) }
        squaredNorm = ranked.reduce(0) { $0 + $1.derivative * $1.derivative }
    }

    /// The share of the gradient's squared norm held by one component: (∂C/∂θ)² / Σ(∂C/∂θ)², 0 when
    /// the gradient is zero. What a step along the gradient spends on this parameter.
    package func share(of component: GradientComponent) -> Double {
        squaredNorm > 0 ? component.derivative * component.derivative / squaredNorm : 0
    }

    /// The gradient's Euclidean norm.
    package var norm: Double { squaredNorm.squareRoot() }

    /// The share of the gradient's squared norm, Σ(∂C/∂θ)², held by the largest `fraction` of its
    /// components (at least one): how concentrated the "bang for the buck" is.
    package func share(ofLargest fraction: Double) -> Double {
        guard squaredNorm > 0 else { return 0 }
        let count = max(1, Int((fraction * Double(ranked.count)).rounded()))
        return ranked.prefix(count).reduce(0) { $0 + $1.derivative * $1.derivative } / squaredNorm
    }
}
