package import DescentLinearAlgebra

/// What one mini-batch's forward and backward pass found.
package struct BatchResult<Scalar: MatrixScalar>: Sendable {
    /// The mean cost over the batch, without any regularisation term.
    package var cost: Scalar
    /// How many examples the network got right before the update.
    package var correct: Int
}

extension Network {
    /// The forward pass over the first `count` examples of `workspace.inputs`: each layer's
    /// z = x·Wᵀ + b, a = f(z), one example a row, cached in `workspace.activations`.
    /// - Complexity: O(count · parameterCount).
    @_specialize(exported: true, where Scalar == Float)
    package func forward(_ workspace: inout Workspace<Scalar>, count: Int) {
        forward(&workspace, count: count, from: 0)
    }

    /// The forward pass from layer `first` on, the layers below it already computed.
    func forward(_ workspace: inout Workspace<Scalar>, count: Int, from first: Int) {
        precondition(count <= workspace.capacity, "forward: batch \(count) > workspace \(workspace.capacity)")
        for index in first..<layers.count {
            let layer = layers[index]
            let input = index == 0 ? workspace.inputs : workspace.activations[index - 1]
            // z (count x out) = input (count x in) · Wᵀ (in x out), then + b on every row.
            Matrix.multiply(input, .none, layer.weights, .transposed, into: &workspace.activations[index], m: count,
                            threads: workspace.threads)
            let width = layer.outputCount
            workspace.activations[index].elements.withUnsafeMutableBufferPointer { z in
                layer.biases.withUnsafeBufferPointer { b in
                    for row in 0..<count {
                        for j in 0..<width { z[row * width + j] += b[j] }
                    }
                }
            }
            layer.activation.apply(to: &workspace.activations[index], rows: count)
            if workspace.hasDropout && index < layers.count - 1 { workspace.applyDropout(layer: index, count: count) }
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
    @_specialize(exported: true, where Scalar == Float)
    package func backpropagate(
        _ workspace: inout Workspace<Scalar>, count: Int, into gradients: inout Gradients<Scalar>
    ) -> BatchResult<Scalar> {
        let result = deltas(&workspace, count: count)
        writeGradients(workspace, count: count, into: &gradients, from: 0)
        return result
    }

    /// ∂C/∂W and ∂C/∂b of layers `first`... from the δs in `workspace`; the first layer's bias
    /// gradient always (a sparse first layer computes only its weights' gradient itself).
    func writeGradients(_ workspace: Workspace<Scalar>, count: Int, into gradients: inout Gradients<Scalar>, from first: Int) {
        for index in layers.indices {
            // ∂C/∂W = (1/n) δᵀ · input, with β = 0 so the old gradient is overwritten.
            if index >= first {
                weightGradient(index, workspace, count: count, alpha: 1 / Scalar(count), beta: 0, into: &gradients.weights[index])
            }
            columnSums(of: workspace.deltas[index], rows: count, scale: 1 / Scalar(count), into: &gradients.biases[index])
        }
    }

    /// One step of plain SGD fused into backpropagation: the same forward pass and δs as
    /// `backpropagate`, then each weight matrix is updated in place by the same matrix product that
    /// would have produced its gradient: W ← shrink·W − (η/n)·δᵀ·input, b ← b − (η/n)·Σ rows of δ.
    /// No gradient buffer is written or read. Every δ is computed with the old weights before any
    /// weight changes, so this is exactly `backpropagate` followed by `SGD.update` without momentum.
    /// - Parameters:
    ///   - learningRate: η.
    ///   - shrink: The weight-decay factor 1 − ηλ/N (1 without decay).
    @discardableResult
    @_specialize(exported: true, where Scalar == Float)
    package mutating func descend(
        _ workspace: inout Workspace<Scalar>, count: Int, learningRate: Scalar, shrink: Scalar
    ) -> BatchResult<Scalar> {
        let result = deltas(&workspace, count: count)
        let rate = learningRate / Scalar(count)
        updateDenseLayers(&workspace, count: count, rate: rate, shrink: shrink, from: 0)
        updateBiases(&workspace, count: count, rate: rate, layer: 0)
        return result
    }

    /// W ← shrink·W − rate·δᵀ·input and b ← b − rate·Σ rows of δ for layers `first`..., in place.
    mutating func updateDenseLayers(_ workspace: inout Workspace<Scalar>, count: Int, rate: Scalar, shrink: Scalar, from first: Int) {
        for index in first..<layers.count {
            let input = index == 0 ? workspace.inputs : workspace.activations[index - 1]
            Matrix.multiply(workspace.deltas[index], .transposed, input, .none, into: &layers[index].weights,
                            k: count, alpha: -rate, beta: shrink, threads: workspace.threads)
            if index > 0 { updateBiases(&workspace, count: count, rate: rate, layer: index) }
        }
    }

    /// b ← b − rate·Σ rows of δ for one layer.
    mutating func updateBiases(_ workspace: inout Workspace<Scalar>, count: Int, rate: Scalar, layer index: Int) {
        let width = layers[index].outputCount
        workspace.deltas[index].elements.withUnsafeBufferPointer { delta in
            layers[index].biases.withUnsafeMutableBufferPointer { biases in
                for row in 0..<count {
                    for j in 0..<width { biases[j] -= rate * delta[row * width + j] }
                }
            }
        }
    }

    /// result = alpha · δᵀ (out x count) · input (count x in) + beta · result, for layer `index`.
    private func weightGradient(
        _ index: Int, _ workspace: Workspace<Scalar>, count: Int, alpha: Scalar, beta: Scalar, into result: inout Matrix<Scalar>
    ) {
        let input = index == 0 ? workspace.inputs : workspace.activations[index - 1]
        Matrix.multiply(workspace.deltas[index], .transposed, input, .none, into: &result, k: count, alpha: alpha, beta: beta,
                        threads: workspace.threads)
    }

    /// The forward pass, then δ for every layer, the output layer's from the cost and each one
    /// below from the one above, all with the current weights.
    private func deltas(_ workspace: inout Workspace<Scalar>, count: Int) -> BatchResult<Scalar> {
        forward(&workspace, count: count)
        return backward(&workspace, count: count)
    }

    /// δ for every layer after a forward pass: the output layer's from the cost, each one below from
    /// the one above, all with the current weights.
    func backward(_ workspace: inout Workspace<Scalar>, count: Int) -> BatchResult<Scalar> {
        let result = outputDeltas(&workspace, count: count)
        for index in layers.indices.reversed() where index > 0 {
            // δ of the layer below (count x in) = δ (count x out) · W (out x in), times σ' there.
            Matrix.multiply(workspace.deltas[index], .none, layers[index].weights, .none,
                            into: &workspace.deltas[index - 1], m: count, threads: workspace.threads)
            let below = layers[index - 1].activation
            let width = layers[index - 1].outputCount
            if workspace.hasDropout {
                droppedOutDerivative(&workspace, layer: index - 1, activation: below, count: count)
                continue
            }
            workspace.deltas[index - 1].elements.withUnsafeMutableBufferPointer { delta in
                workspace.activations[index - 1].elements.withUnsafeBufferPointer { a in
                    below.multiplyByDerivative(delta.baseAddress!, output: a.baseAddress!, count: count * width)
                }
            }
        }
        return result
    }

    /// δ ← δ ⊙ mask ⊙ f'(z) for a hidden layer under dropout. The cached activation is f(z)·mask, so
    /// f(z) is recovered as a / mask where the unit was kept; a dropped unit's δ is 0.
    private func droppedOutDerivative(_ workspace: inout Workspace<Scalar>, layer index: Int, activation: Activation, count: Int) {
        let width = layers[index].outputCount
        let masks = workspace.dropoutMasks[index]
        workspace.deltas[index].elements.withUnsafeMutableBufferPointer { delta in
            workspace.activations[index].elements.withUnsafeBufferPointer { a in
                masks.elements.withUnsafeBufferPointer { mask in
                    let n = count * width
                    if activation == .relu {  // every preset with dropout: in C, without a branch on the random mask
                        Scalar.droppedOutReluBackward(UnsafeMutableBufferPointer(rebasing: delta[0..<n]),
                                                      outputs: UnsafeBufferPointer(rebasing: a[0..<n]),
                                                      mask: UnsafeBufferPointer(rebasing: mask[0..<n]))
                        return
                    }
                    for position in 0..<n {
                        let m = mask[position]
                        delta[position] = m == 0 ? 0 : delta[position] * m * activation.derivative(fromOutput: a[position] / m)
                    }
                }
            }
        }
    }

    /// Fills the output layer's δ for each example from the cost, and returns the batch's mean cost.
    private func outputDeltas(_ workspace: inout Workspace<Scalar>, count: Int) -> BatchResult<Scalar> {
        let last = layers.count - 1
        let width = outputCount
        let activation = layers[last].activation
        let cost = cost
        var total: Scalar = 0
        var correct = 0
        if let distillation = workspace.distillation {
            precondition(activation == .softmax, "distillation: a \(activation.rawValue) output layer; it needs softmax")
            return distilledOutputDeltas(&workspace, distillation: distillation, count: count)
        }
        workspace.labels.withUnsafeBufferPointer { labels in
            workspace.activations[last].elements.withUnsafeBufferPointer { all in
                workspace.deltas[last].elements.withUnsafeMutableBufferPointer { deltas in
                    for row in 0..<count {
                        let label = labels[row]
                        let a = UnsafeBufferPointer(rebasing: all[(row * width)..<((row + 1) * width)])
                        var best = 0
                        for j in 1..<width where a[j] > a[best] { best = j }
                        if best == label { correct += 1 }
                        let delta = UnsafeMutableBufferPointer(rebasing: deltas[(row * width)..<((row + 1) * width)])
                        if cost == .quadratic && activation == .sigmoid {
                            // The video's case, spelled out: the same operations, in the same order, as
                            // `value` and `outputDelta`, without their switches for each output.
                            var sum: Scalar = 0
                            for j in 0..<width {
                                let difference = a[j] - (j == label ? 1 : 0)
                                sum += difference * difference / 2
                                delta[j] = difference * (a[j] * (1 - a[j]))
                            }
                            total += sum
                            continue
                        }
                        total += cost.value(output: a, label: label, activation: activation)
                        cost.outputDelta(output: a, label: label, activation: activation, into: delta)
                    }
                }
            }
        }
        return BatchResult(cost: total / Scalar(count), correct: correct)
    }

    /// The output layer's δ and the batch's mean cost under distillation (`DistillationTargets`).
    private func distilledOutputDeltas(
        _ workspace: inout Workspace<Scalar>, distillation: DistillationTargets<Scalar>, count: Int
    ) -> BatchResult<Scalar> {
        let last = layers.count - 1
        let width = outputCount
        var total: Scalar = 0
        var correct = 0
        var scratch = [Scalar](repeating: 0, count: width)
        workspace.labels.withUnsafeBufferPointer { labels in
            workspace.activations[last].elements.withUnsafeBufferPointer { all in
                workspace.deltas[last].elements.withUnsafeMutableBufferPointer { deltas in
                    distillation.targets.elements.withUnsafeBufferPointer { targets in
                        scratch.withUnsafeMutableBufferPointer { q in
                            for row in 0..<count {
                                let rows = (row * width)..<((row + 1) * width)
                                let a = UnsafeBufferPointer(rebasing: all[rows])
                                var best = 0
                                for j in 1..<width where a[j] > a[best] { best = j }
                                if best == labels[row] { correct += 1 }
                                total += distillation.cost(output: a, label: labels[row], teacher: UnsafeBufferPointer(rebasing: targets[rows]),
                                                           scratch: q, delta: UnsafeMutableBufferPointer(rebasing: deltas[rows]))
                            }
                        }
                    }
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

    /// The cost of each of the first `count` examples in `workspace` (the network's own cost, no
    /// teacher), by a forward pass only.
    package func exampleCosts(_ workspace: inout Workspace<Scalar>, count: Int) -> [Scalar] {
        forward(&workspace, count: count)
        let last = layers.count - 1
        let width = outputCount
        let activation = layers[last].activation
        return workspace.activations[last].elements.withUnsafeBufferPointer { all in
            (0..<count).map { row in
                cost.value(output: UnsafeBufferPointer(rebasing: all[(row * width)..<((row + 1) * width)]),
                           label: workspace.labels[row], activation: activation)
            }
        }
    }

    /// The mean cost of the first `count` examples in `workspace`, by a forward pass only.
    @_specialize(exported: true, where Scalar == Float)
    package func cost(_ workspace: inout Workspace<Scalar>, count: Int) -> Scalar {
        forward(&workspace, count: count)
        let last = layers.count - 1
        let width = outputCount
        var total: Scalar = 0
        var scratch = [Scalar](repeating: 0, count: width)
        workspace.activations[last].elements.withUnsafeBufferPointer { all in
            for row in 0..<count {
                let rows = (row * width)..<((row + 1) * width)
                let a = UnsafeBufferPointer(rebasing: all[rows])
                if let distillation = workspace.distillation {
                    total += distillation.targets.elements.withUnsafeBufferPointer { targets in
                        scratch.withUnsafeMutableBufferPointer { q in
                            distillation.cost(output: a, label: workspace.labels[row], teacher: UnsafeBufferPointer(rebasing: targets[rows]),
                                              scratch: q, delta: nil)
                        }
                    }
                } else {
                    total += cost.value(output: a, label: workspace.labels[row], activation: layers[last].activation)
                }
            }
        }
        return total / Scalar(count)
    }
}
