package import DescentNetwork
import DescentLinearAlgebra

/// What one labelled example asks of a network, the video's "nudges": the cost output by output, the
/// change each neuron's activation "wants" (−∂C/∂a, adding up backwards from the outputs), the first
/// layer's weight nudges as pictures, and the weights and biases whose change buys the most.
///
/// Everything comes from one call of `Network.exampleGradient`, the backpropagation that trains.
package struct ExampleNudges: Sendable {
    /// The example's class.
    package let label: Int
    /// The cost the network is trained on, which these nudges are of.
    package let cost: Cost
    /// Backpropagation's findings: the activations, the cost and its terms, ∂C/∂a and the gradient.
    package let example: ExampleGradient<Float>
    /// The gradient's components ranked, each with its share of the squared norm (as `descent gradient`
    /// lists them), computed on each use: `highlights` is what a page needs, without sorting them all.
    /// - Complexity: O(P log P) for P parameters.
    package var analysis: GradientAnalysis { GradientAnalysis(cost: Double(example.cost), gradients: example.gradients) }

    /// The `count` largest components, and the shares of the squared norm held by the largest
    /// `fractions` of them, found without ranking every component.
    /// - Complexity: O(P) on average for P parameters and a small `count`.
    package func highlights(largest count: Int, fractions: [Double]) -> GradientHighlights {
        GradientHighlights(gradients: example.gradients, count: count, fractions: fractions)
    }

    /// Backpropagates the cost of one example through `network`.
    /// - Parameters:
    ///   - network: The network; it is only read.
    ///   - input: `network.inputCount` numbers, usually in 0...1.
    ///   - label: The example's class, in `0..<network.outputCount`.
    /// - Precondition: as `Network.exampleGradient`'s.
    /// - Complexity: O(P) for P parameters (one backpropagation).
    package init(network: Network<Float>, input: [Float], label: Int) {
        let example = network.exampleGradient(for: input, label: label)
        self.label = label
        cost = network.cost
        self.example = example
    }

    /// The network's outputs for the example.
    package var outputs: [Float] { example.activations[example.activations.count - 1] }

    /// Each output's desired change, −∂C/∂a: how gradient descent would like each output to move.
    package var desiredOutputChanges: [Float] { example.activationGradients[example.activationGradients.count - 1].map(Self.negated) }

    /// Each hidden layer's desired changes, −∂C/∂a, the first hidden layer first: the sum, over the
    /// neurons above, of what each wants weighted by the weight between them.
    package var hiddenDesires: [[Float]] { example.activationGradients.dropLast().map { $0.map(Self.negated) } }

    /// The first layer's weight nudges, −∂C/∂w, one picture a neuron (784 numbers, 28x28, for MNIST),
    /// for the `limit` neurons whose incoming weights' gradient is largest, in neuron order. Each
    /// carries its share of the first layer's squared weight gradient, as `descent gradient` captions its tiles.
    /// - Complexity: O(first layer's weights + n log n) for its n neurons.
    package func firstLayerNudges(limit: Int) -> [NeuronNudges] {
        let weights = example.gradients.weights[0]
        let columns = weights.columns
        let sums = weights.elements.withUnsafeBufferPointer { elements in
            (0..<weights.rows).map { neuron in
                elements[(neuron * columns)..<((neuron + 1) * columns)].reduce(0.0) { $0 + Double($1) * Double($1) }
            }
        }
        let total = sums.reduce(0, +)
        let chosen = (0..<weights.rows).sorted { sums[$0] > sums[$1] }.prefix(max(0, limit)).sorted()
        return chosen.map { neuron in
            NeuronNudges(neuron: neuron, nudges: weights.elements[(neuron * columns)..<((neuron + 1) * columns)].map(Self.negated),
                         share: total > 0 ? sums[neuron] / total : 0)
        }
    }
}

extension ExampleNudges {
    /// −x, with 0 for 0 rather than −0 (a pixel with no ink has no nudge, not a negative zero one).
    static func negated(_ x: Float) -> Float { 0 - x }
}

/// One first-layer neuron's weight nudges.
package struct NeuronNudges: Equatable, Sendable {
    /// The neuron, in the first hidden layer.
    package let neuron: Int
    /// −∂C/∂w for each of its incoming weights, in input order.
    package let nudges: [Float]
    /// Its share of the first layer's squared weight gradient, in 0...1.
    package let share: Double
}
