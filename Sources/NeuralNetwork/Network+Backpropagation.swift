public import LinearAlgebra

/// What one mini-batch's forward and backward pass found.
public struct BatchResult<Scalar: MatrixScalar>: Sendable {
    /// The mean cost over the batch, without any regularisation term.
    public var cost: Scalar
    /// How many examples the network got right before the update.
    public var correct: Int
}

extension Network {
    /// The forward pass over the first `count` examples of `workspace.inputs`: each layer's
    /// z = x·Wᵀ + b, a = f(z), one example a row, cached in `workspace.activations`.
    /// - Complexity: O(count · parameterCount).
    public func forward(_ workspace: inout Workspace<Scalar>, count: Int) {
        precondition(count <= workspace.capacity, "forward: batch \(count) > workspace \(workspace.capacity)")
        for (index, layer) in layers.enumerated() {
            let input = index == 0 ? workspace.inputs : workspace.activations[index - 1]
            // z (count x out) = input (count x in) · Wᵀ (in x out), then + b on every row.
            Matrix.multiply(input, .none, layer.weights, .transposed, into: &workspace.activations[index], m: count)
            let width = layer.outputCount
            workspace.activations[index].elements.withUnsafeMutableBufferPointer { z in
                for row in 0..<count {
                    for j in 0..<width { z[row * width + j] += layer.biases[j] }
                }
            }
            layer.activation.apply(to: &workspace.activations[index], rows: count)
        }
    }

    /// Backpropagation over a whole mini-batch in matrix form (Nielsen, chapter 2, equations BP1-BP4):
    /// δL = ∇aC ⊙ σ'(zL) for the output layer; δl = (δl+1 · Wl+1) ⊙ σ'(zl) going back;
    /// ∂C/∂Wl = δlᵀ · al−1 / n and ∂C/∂bl = Σ rows of δl / n, for the mean cost over the n examples.
    ///
    /// Runs the forward pass first, then overwrites `gradients` (not accumulates).
    /// - Returns: The batch's mean cost and how many it classified right.
    /// - Complexity: O(count · parameterCount).
    @discardableResult
    public func backpropagate(
        _ workspace: inout Workspace<Scalar>, count: Int, into gradients: inout Gradients<Scalar>
    ) -> BatchResult<Scalar> {
        forward(&workspace, count: count)
        let result = outputDeltas(&workspace, count: count)
        let scale = 1 / Scalar(count)
        for index in layers.indices.reversed() {
            let input = index == 0 ? workspace.inputs : workspace.activations[index - 1]
            // ∂C/∂W (out x in) = δᵀ (out x count) · input (count x in) / count.
            Matrix.multiply(workspace.deltas[index], .transposed, input, .none,
                            into: &gradients.weights[index], k: count, alpha: scale)
            columnSums(of: workspace.deltas[index], rows: count, scale: scale, into: &gradients.biases[index])
            guard index > 0 else { break }
            // δ of the layer below (count x in) = δ (count x out) · W (out x in), times σ' there.
            Matrix.multiply(workspace.deltas[index], .none, layers[index].weights, .none,
                            into: &workspace.deltas[index - 1], m: count)
            let below = layers[index - 1].activation
            let width = layers[index - 1].outputCount
            workspace.deltas[index - 1].elements.withUnsafeMutableBufferPointer { delta in
                workspace.activations[index - 1].elements.withUnsafeBufferPointer { a in
                    for position in 0..<(count * width) { delta[position] *= below.derivative(fromOutput: a[position]) }
                }
            }
        }
        return result
    }

    /// Fills the output layer's δ for each example from the cost, and returns the batch's mean cost.
    private func outputDeltas(_ workspace: inout Workspace<Scalar>, count: Int) -> BatchResult<Scalar> {
        let last = layers.count - 1
        let width = outputCount
        let activation = layers[last].activation
        var total: Scalar = 0
        var correct = 0
        for row in 0..<count {
            let label = workspace.labels[row]
            if workspace.predictedClass(row: row) == label { correct += 1 }
            workspace.activations[last].elements.withUnsafeBufferPointer { all in
                let a = UnsafeBufferPointer(rebasing: all[(row * width)..<((row + 1) * width)])
                total += cost.value(output: a, label: label, activation: activation)
                workspace.deltas[last].elements.withUnsafeMutableBufferPointer { deltas in
                    let delta = UnsafeMutableBufferPointer(rebasing: deltas[(row * width)..<((row + 1) * width)])
                    cost.outputDelta(output: a, label: label, activation: activation, into: delta)
                }
            }
        }
        return BatchResult(cost: total / Scalar(count), correct: correct)
    }

    private func columnSums(of matrix: Matrix<Scalar>, rows: Int, scale: Scalar, into sums: inout [Scalar]) {
        let width = matrix.columns
        for j in 0..<width { sums[j] = 0 }
        for row in 0..<rows {
            for j in 0..<width { sums[j] += matrix.elements[row * width + j] }
        }
        for j in 0..<width { sums[j] *= scale }
    }

    /// The mean cost of the first `count` examples in `workspace`, by a forward pass only.
    public func cost(_ workspace: inout Workspace<Scalar>, count: Int) -> Scalar {
        forward(&workspace, count: count)
        let last = layers.count - 1
        let width = outputCount
        var total: Scalar = 0
        workspace.activations[last].elements.withUnsafeBufferPointer { all in
            for row in 0..<count {
                let a = UnsafeBufferPointer(rebasing: all[(row * width)..<((row + 1) * width)])
                total += cost.value(output: a, label: workspace.labels[row], activation: layers[last].activation)
            }
        }
        return total / Scalar(count)
    }
}
