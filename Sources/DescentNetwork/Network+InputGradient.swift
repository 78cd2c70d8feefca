import DescentLinearAlgebra

/// The quantity whose gradient with respect to the input pixels `Network.inputGradient` finds.
public enum InputGradientTarget: Equatable, Sendable {
    /// Output neuron `index` (a digit's output).
    case output(Int)
    /// Neuron `index` of `layer`, counted as in `Network.layers` (0 is the first hidden layer).
    case neuron(layer: Int, index: Int)

    /// The layer and neuron meant, in `network`.
    func location<Scalar>(in network: Network<Scalar>) -> (layer: Int, index: Int) {
        switch self {
        case .output(let index): return (network.layers.count - 1, index)
        case .neuron(let layer, let index): return (layer, index)
        }
    }
}

extension Network {
    /// One neuron's activation for `input`, and its gradient with respect to every input number:
    /// the same backpropagation as training (Nielsen, chapter 2, BP2), started from that neuron
    /// instead of the cost and carried one layer further down, to the inputs:
    /// δ = ∂a/∂z at the target's layer (nonzero only at the target, except through softmax, where
    /// ∂a_j/∂z_k = a_j (1[j = k] − a_k)), δ of the layer below = (Wᵀ·δ) ⊙ f′, and ∂a/∂x = W₁ᵀ·δ₁.
    /// - Parameters:
    ///   - target: The neuron whose activation is differentiated.
    ///   - input: `inputCount` numbers.
    /// - Returns: The activation and its gradient, `inputCount` numbers.
    /// - Precondition: the target names an existing neuron; the input has `inputCount` numbers.
    /// - Complexity: O(parameterCount).
    public func inputGradient(of target: InputGradientTarget, at input: [Scalar]) -> (value: Scalar, gradient: [Scalar]) {
        let (layer, index) = target.location(in: self)
        precondition(layers.indices.contains(layer) && index >= 0 && index < layers[layer].outputCount,
                     "inputGradient: no neuron \(index) in layer \(layer) of \(sizes)")
        precondition(input.count == inputCount, "inputGradient: \(input.count) inputs for a network of \(inputCount)")
        var workspace = Workspace(for: self, capacity: 1)
        workspace.inputs.elements = input
        forward(&workspace, count: 1)
        let activations = workspace.activations.map(\.elements)
        var delta = targetDelta(activations[layer], index: index, activation: layers[layer].activation)
        for below in stride(from: layer, to: 0, by: -1) {
            let backward = weightsTransposedTimes(delta, layer: below)
            let slope = layers[below - 1].activation
            delta = zip(backward, activations[below - 1]).map { $0 * slope.derivative(fromOutput: $1) }
        }
        return (activations[layer][index], weightsTransposedTimes(delta, layer: 0))
    }

    /// ∂a_index/∂z over the layer whose activations are `a`.
    private func targetDelta(_ a: [Scalar], index: Int, activation: Activation) -> [Scalar] {
        guard activation == .softmax else {
            var delta = [Scalar](repeating: 0, count: a.count)
            delta[index] = activation.derivative(fromOutput: a[index])
            return delta
        }
        return a.indices.map { k in a[index] * ((k == index ? 1 : 0) - a[k]) }
    }

    /// W_layerᵀ · delta: from one δ per neuron of `layer` to one number per input of it.
    func weightsTransposedTimes(_ delta: [Scalar], layer: Int) -> [Scalar] {
        let weights = layers[layer].weights
        var result = [Scalar](repeating: 0, count: weights.columns)
        for (neuron, d) in delta.enumerated() where d != 0 {
            for column in 0..<weights.columns { result[column] += d * weights[neuron, column] }
        }
        return result
    }
}
