import CDescentKernels
package import DescentLinearAlgebra

/// What Adam needs of a sparse first layer: the gradient, and the two moments, each laid out as the
/// layer's transposed weights (inputs x `weightStride`), so that the step runs over four parallel
/// buffers; and room to regroup a batch's lit inputs by input.
struct SparseAdamState: Sendable {
    var gradient: AlignedFloats
    var firstMoment: AlignedFloats
    var secondMoment: AlignedFloats
    /// descent_sparse_by_input's workspace: entries of input p are starts[p]..<starts[p + 1].
    var starts: [Int]
    var cursor: [Int]
    var entryRows: [Int32]
    var entryValues: [Float]
}

extension SparseAdamState {
    /// The gradient over a batch of sparse rows (see `SparseFirstLayer.computeGradient`), its
    /// columns cut into `blocks` that threads compute.
    mutating func computeGradient(
        rows: Int, counts: UnsafePointer<Int>, indices: UnsafePointer<UInt16>, values: UnsafePointer<Float>, stride: Int,
        deltas: UnsafePointer<Float>, ldd: Int, scale: Float, gradientStride: Int, outputCount: Int, blocks: Int
    ) {
        let inputs = cursor.count
        let gradient = gradient.pointer
        starts.withUnsafeMutableBufferPointer { starts in
            cursor.withUnsafeMutableBufferPointer { cursor in
                entryRows.withUnsafeMutableBufferPointer { entryRows in
                    entryValues.withUnsafeMutableBufferPointer { entryValues in
                        descent_sparse_by_input(rows, counts, indices, values, stride, inputs, starts.baseAddress!,
                                                cursor.baseAddress!, entryRows.baseAddress!, entryValues.baseAddress!)
                        let product = SparseGradient(
                            inputs: inputs, starts: starts.baseAddress!, entryRows: entryRows.baseAddress!,
                            entryValues: entryValues.baseAddress!, delta: deltas, ldd: ldd, scale: scale,
                            gradient: gradient, gradientStride: gradientStride)
                        let width = gradientStride
                        if blocks == 1 {
                            product.run(SparseFirstLayer.ColumnBlock(0, of: 1, weightStride: width, outputCount: outputCount))
                        } else {
                            Parallel.forEach(blocks) { index in
                                product.run(SparseFirstLayer.ColumnBlock(index, of: blocks, weightStride: width, outputCount: outputCount))
                            }
                        }
                    }
                }
            }
        }
    }
}

extension SparseFirstLayer {
    /// Prepares the layer for Adam, taking its moments (shaped as the network's first-layer weights,
    /// neurons x inputs) from a run so far, or zeros.
    /// - Precondition: the moments, when given, are shaped as the first layer's weights.
    package mutating func enableAdam(firstMoment: Matrix<Float>?, secondMoment: Matrix<Float>?) {
        let capacity = counts.count
        adam = SparseAdamState(
            gradient: AlignedFloats(count: inputCount * weightStride),
            firstMoment: transposed(firstMoment), secondMoment: transposed(secondMoment),
            starts: Array(repeating: 0, count: inputCount + 1), cursor: Array(repeating: 0, count: inputCount),
            entryRows: Array(repeating: 0, count: capacity * inputCount),
            entryValues: Array(repeating: 0, count: capacity * inputCount))
    }

    /// Adam's moments for the first layer, shaped as the network's weights (neurons x inputs);
    /// nil unless `enableAdam` was called.
    package var adamMoments: (first: Matrix<Float>, second: Matrix<Float>)? {
        guard let adam else { return nil }
        return (untransposed(adam.firstMoment), untransposed(adam.secondMoment))
    }

    /// `matrix` (neurons x inputs) transposed and padded into the weights' layout; zeros for nil.
    private func transposed(_ matrix: Matrix<Float>?) -> AlignedFloats {
        let result = AlignedFloats(count: inputCount * weightStride)
        if let matrix {
            precondition(matrix.rows == outputCount && matrix.columns == inputCount,
                         "SparseFirstLayer: moments \(matrix.rows)x\(matrix.columns) for \(outputCount)x\(inputCount)")
            for input in 0..<inputCount {
                for neuron in 0..<outputCount { result.pointer[input * weightStride + neuron] = matrix[neuron, input] }
            }
        }
        return result
    }

    /// The inverse of `transposed`.
    func untransposed(_ values: AlignedFloats) -> Matrix<Float> {
        var matrix = Matrix<Float>(rows: outputCount, columns: inputCount)
        for input in 0..<inputCount {
            for neuron in 0..<outputCount { matrix[neuron, input] = values.pointer[input * weightStride + neuron] }
        }
        return matrix
    }

    /// Copies Adam's buffers first if another copy of this layer shares them: value semantics.
    mutating func makeAdamUnique() {
        guard adam != nil else { return }
        if !isKnownUniquelyReferenced(&adam!.gradient) { adam!.gradient = adam!.gradient.copy() }
        if !isKnownUniquelyReferenced(&adam!.firstMoment) { adam!.firstMoment = adam!.firstMoment.copy() }
        if !isKnownUniquelyReferenced(&adam!.secondMoment) { adam!.secondMoment = adam!.secondMoment.copy() }
    }

    /// gradient ← scale · xᵀ·δ over the batch's lit inputs (transposed: inputs x neurons).
    mutating func computeGradient(deltas delta: UnsafePointer<Float>, count: Int, scale: Float, threads: Int) {
        makeAdamUnique()
        let blocks = columnBlockCount(threads: threads, count: count)
        counts.withUnsafeBufferPointer { counts in
            indices.withUnsafeBufferPointer { indices in
                values.withUnsafeBufferPointer { values in
                    adam!.computeGradient(
                        rows: count, counts: counts.baseAddress!, indices: indices.baseAddress!, values: values.baseAddress!,
                        stride: inputCount, deltas: delta, ldd: outputCount, scale: scale, gradientStride: weightStride,
                        outputCount: outputCount, blocks: blocks)
                }
            }
        }
    }

    /// One Adam step of the first layer's weights from the gradient last computed, with the
    /// coefficients the rest of the network's step used (see `Adam.update`).
    /// With `threads` > 1 the weights are cut into that many runs of inputs, stepped side by side.
    mutating func adamStep(beta1: Float, beta2: Float, epsilon: Float, rate: Float, root2: Float, decay: Float, threads: Int) {
        makeWeightsUnique()
        makeAdamUnique()
        let step = SparseAdamStep(weights: transposedWeights.pointer, gradient: adam!.gradient.pointer,
                                  first: adam!.firstMoment.pointer, second: adam!.secondMoment.pointer,
                                  beta1: beta1, beta2: beta2, epsilon: epsilon, rate: rate, root2: root2, decay: decay)
        let rows = inputCount, stride = weightStride, parts = max(1, min(threads, rows))
        Parallel.forEach(parts) { part in
            let first = rows * part / parts, last = rows * (part + 1) / parts
            step.run(from: first * stride, count: (last - first) * stride)
        }
    }
}

/// One Adam step over the sparse layer's buffers, which threads can run on separate ranges.
private struct SparseAdamStep: @unchecked Sendable {
    // @unchecked: the pointers outlive `run`, and ranges are disjoint.
    let weights: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>
    let first: UnsafeMutablePointer<Float>, second: UnsafeMutablePointer<Float>
    let beta1: Float, beta2: Float, epsilon: Float, rate: Float, root2: Float, decay: Float

    func run(from start: Int, count: Int) {
        Float.adamStep(weights: UnsafeMutableBufferPointer(start: weights + start, count: count),
                       gradients: UnsafeBufferPointer(start: gradient + start, count: count),
                       first: UnsafeMutableBufferPointer(start: first + start, count: count),
                       second: UnsafeMutableBufferPointer(start: second + start, count: count),
                       beta1: beta1, beta2: beta2, epsilon: epsilon, rate: rate, root2: root2, decay: decay)
    }
}

/// One sparse gradient product, which threads can run on separate blocks of columns.
private struct SparseGradient: @unchecked Sendable {
    // @unchecked: the pointers outlive `run`, and blocks write disjoint columns of the gradient.
    let inputs: Int
    let starts: UnsafePointer<Int>, entryRows: UnsafePointer<Int32>, entryValues: UnsafePointer<Float>
    let delta: UnsafePointer<Float>, ldd: Int
    let scale: Float
    let gradient: UnsafeMutablePointer<Float>, gradientStride: Int

    func run(_ block: SparseFirstLayer.ColumnBlock) {
        descent_sparse_gradient(block.columns, block.width, inputs, starts, entryRows, entryValues, delta + block.start, ldd, scale,
                                gradient + block.start, gradientStride)
    }
}

extension Network where Scalar == Float {
    /// `backpropagate` with the first layer over `sparse`'s non-zero inputs: the gradient of every
    /// other layer, and of the first layer's biases, into `gradients`; the first layer's weight
    /// gradient into `sparse` (transposed). Needs `sparse.enableAdam` first.
    @discardableResult
    package func backpropagate(
        _ workspace: inout Workspace<Float>, sparse: inout SparseFirstLayer, count: Int, into gradients: inout Gradients<Float>
    ) -> BatchResult<Float> {
        precondition(sparse.adam != nil, "backpropagate(sparse:): call enableAdam first")
        forward(&workspace, sparse: sparse, count: count)
        let result = backward(&workspace, count: count)
        writeGradients(workspace, count: count, into: &gradients, from: 1)
        workspace.deltas[0].elements.withUnsafeBufferPointer { delta in
            sparse.computeGradient(deltas: delta.baseAddress!, count: count, scale: 1 / Float(count), threads: workspace.threads)
        }
        return result
    }
}

extension Adam where Scalar == Float {
    /// `step` with the first layer held by `sparse` (see `SparseFirstLayer.enableAdam`): the same
    /// update, the first layer's gradient summed in another order.
    package mutating func step(
        _ network: inout Network<Float>, on workspace: inout Workspace<Float>, sparse: inout SparseFirstLayer, count: Int,
        gradients: inout Gradients<Float>
    ) -> BatchResult<Float> {
        let result = network.backpropagate(&workspace, sparse: &sparse, count: count, into: &gradients)
        let coefficients = update(&network, with: gradients, firstWeights: false)
        sparse.adamStep(beta1: beta1, beta2: beta2, epsilon: epsilon, rate: coefficients.rate, root2: coefficients.root2,
                        decay: coefficients.decay, threads: workspace.threads)
        return result
    }
}
