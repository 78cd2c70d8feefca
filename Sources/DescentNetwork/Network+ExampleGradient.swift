public import DescentLinearAlgebra

/// Backpropagation on one labelled example, with what the video shows along the way: the cost output
/// by output, how much the cost changes with each neuron's activation, and the gradient.
public struct ExampleGradient<Scalar: MatrixScalar>: Equatable, Sendable {
    /// Every layer's activations, the input excluded: the first hidden layer first, the outputs last.
    public let activations: [[Scalar]]
    /// The example's cost Cx, as training measures it (no regularisation term).
    public let cost: Scalar
    /// Cx output by output; they add up to `cost`. Quadratic: ½(aj − yj)². Cross-entropy with a
    /// sigmoid output: −[yj ln aj + (1 − yj) ln(1 − aj)]. Log-likelihood with softmax: −yj ln aj,
    /// zero but for the label's.
    public let costTerms: [Scalar]
    /// ∂Cx/∂a for every layer's activations, shaped like `activations`: how much the cost changes per
    /// unit change of each neuron's activation. Their negatives are the video's "desires": the output
    /// layer's come from the cost, each hidden layer's add up backwards, ∂C/∂a(l) = W(l+1)ᵀ·δ(l+1),
    /// with δ = ∂C/∂z of the layer above (Nielsen, chapter 2, BP2 before the ⊙ f′).
    public let activationGradients: [[Scalar]]
    /// ∂Cx/∂w and ∂Cx/∂b for every weight and bias.
    public let gradients: Gradients<Scalar>

    /// The class with the largest output.
    public var predictedClass: Int {
        let outputs = activations[activations.count - 1]
        return outputs.indices.max { outputs[$0] < outputs[$1] } ?? 0
    }
}

extension Network {
    /// Backpropagates the cost of one example, by the same code that trains (`backpropagate`), and
    /// keeps what a mini-batch's training throws away: every activation, the cost's terms and ∂C/∂a.
    ///
    /// ```swift
    /// let example = network.exampleGradient(for: pixels, label: 3)
    /// example.costTerms                      // one number an output, adding up to example.cost
    /// example.activationGradients[0]         // −these: what the first hidden layer "wants"
    /// var sgd = SGD<Float>(learningRate: 1)
    /// sgd.update(&network, with: example.gradients)   // one step on this example
    /// ```
    /// - Parameters:
    ///   - input: `inputCount` numbers, usually in 0...1.
    ///   - label: The example's class, in `0..<outputCount`.
    /// - Precondition: `input.count == inputCount` and `label` in `0..<outputCount`; the message gives the numbers.
    /// - Complexity: O(parameterCount).
    // Specialized for Float: called from other modules (the explorer's gradient and step), it would
    // otherwise do every product through Numeric's witness table, several times slower.
    @_specialize(where Scalar == Float)
    public func exampleGradient(for input: [Scalar], label: Int) -> ExampleGradient<Scalar> {
        precondition(input.count == inputCount, "exampleGradient: \(input.count) inputs for a network of \(inputCount)")
        precondition((0..<outputCount).contains(label), "exampleGradient: label \(label); expected 0..<\(outputCount)")
        var workspace = Workspace(for: self, capacity: 1)
        workspace.inputs.elements = input
        workspace.labels[0] = label
        var gradients = Gradients(zeroLike: self)
        let result = backpropagate(&workspace, count: 1, into: &gradients)
        let activations = workspace.activations.map(\.elements)
        let last = layers.count - 1
        let terms = activations[last].withUnsafeBufferPointer { a in
            a.indices.map { cost.term($0, output: a, label: label, activation: layers[last].activation) }
        }
        var activationGradients = [cost.outputGradient(output: activations[last], label: label, activation: layers[last].activation)]
        for above in stride(from: last, to: 0, by: -1) {
            activationGradients.insert(weightsTransposedTimes(workspace.deltas[above].elements, layer: above), at: 0)
        }
        return ExampleGradient(activations: activations, cost: result.cost, costTerms: terms,
                               activationGradients: activationGradients, gradients: gradients)
    }
}
