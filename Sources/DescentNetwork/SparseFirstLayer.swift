import CDescentKernels
import DescentLinearAlgebra

/// The first layer of a network being trained by plain SGD or Adam, held for sparse inputs: its weights
/// transposed (inputs x neurons, one input's weights in one contiguous row) and each example of the
/// batch as a list of its non-zero inputs. An MNIST digit lights about 19% of its pixels, so the
/// first layer's product and update, most of a small network's work, shrink about fivefold.
///
/// While it is in use the network's own first-layer weights are stale: `write(into:)` puts the
/// trained weights back, and the trainer calls it before anyone reads the network.
package struct SparseFirstLayer: Sendable {
    /// inputs x `weightStride`, row-major: row p holds input p's weights to every neuron, padded
    /// with zeros to a multiple of 16 so the kernels always move whole vectors, and aligned to 64
    /// bytes so that for 16 neurons one input's weights are one cache line (an Array's elements
    /// start 32 bytes into its allocation, which split each row across two lines).
    var transposedWeights: AlignedFloats
    let inputCount: Int
    let outputCount: Int
    let weightStride: Int
    /// For each example of the batch, how many of its inputs are non-zero, and which (with values).
    var counts: [Int]
    var indices: [UInt16]
    var values: [Float]
    /// For optimizers that need the first layer's gradient (Adam, after `enableAdam`); nil for
    /// plain SGD, whose update never materialises one.
    var adam: SparseAdamState?

    /// Takes `network`'s first layer, for batches of up to `capacity` examples.
    /// - Precondition: the network has at most 65,536 inputs (indices are 16-bit).
    package init(network: Network<Float>, capacity: Int) {
        let weights = network.layers[0].weights
        precondition(weights.columns <= 1 << 16, "SparseFirstLayer: \(weights.columns) inputs; at most 65536")
        inputCount = weights.columns
        outputCount = weights.rows
        weightStride = (weights.rows + 15) / 16 * 16
        let padded = AlignedFloats(count: inputCount * weightStride)
        for input in 0..<inputCount {
            for neuron in 0..<outputCount { padded.pointer[input * weightStride + neuron] = weights[neuron, input] }
        }
        transposedWeights = padded
        counts = Array(repeating: 0, count: capacity)
        indices = Array(repeating: 0, count: capacity * inputCount)
        values = Array(repeating: 0, count: capacity * inputCount)
    }

    /// Records example `row` of the batch from its bytes (scaled to 0...1), keeping non-zero inputs only.
    package mutating func setInput(row: Int, bytes: ArraySlice<UInt8>) {
        precondition(bytes.count == inputCount, "SparseFirstLayer: \(bytes.count) inputs for \(inputCount)")
        let start = row * inputCount
        var count = 0
        bytes.withUnsafeBufferPointer { source in
            indices.withUnsafeMutableBufferPointer { index in
                values.withUnsafeMutableBufferPointer { value in
                    count = descent_sparse_gather(source.baseAddress!, source.count, 1 / 255, index.baseAddress! + start,
                                                  value.baseAddress! + start)
                }
            }
        }
        counts[row] = count
    }

    /// Records example `row` of the batch from an example already encoded in `inputs`: the same as
    /// `setInput(row:bytes:)` on its bytes, without scanning them.
    package mutating func setInput(row: Int, from inputs: SparseInputs, entry: SparseInputs.Entry) {
        precondition(inputs.inputCount == inputCount, "SparseFirstLayer: \(inputs.inputCount) inputs for \(inputCount)")
        let start = row * inputCount
        let count = Int(entry.count)
        if count > 0 {
            inputs.withValues(of: entry) { positions, bytes in
                indices.withUnsafeMutableBufferPointer { index in
                    values.withUnsafeMutableBufferPointer { value in
                        descent_sparse_load(positions, bytes, count, 1 / 255, index.baseAddress! + start, value.baseAddress! + start)
                    }
                }
            }
        }
        counts[row] = count
    }

    /// Columns [start, start + width) of the layer, `columns` of them real neurons (the rest padding).
    struct ColumnBlock {
        var start: Int
        var width: Int
        var columns: Int

        /// Block `index` of `blocks` of a layer `weightStride` wide (a multiple of 16) with
        /// `outputCount` neurons: the columns cut as evenly as whole chunks of 64 allow, the last
        /// block taking the columns past the last whole chunk. The kernels sum a chunk of 64 columns
        /// in another order than the 16-column tail after the chunks, so cutting only at multiples of
        /// 64 leaves every column summed as in one block: the result does not depend on the threads.
        init(_ index: Int, of blocks: Int, weightStride: Int, outputCount: Int) {
            let chunks = weightStride / 64
            start = chunks * index / blocks * 64
            width = index == blocks - 1 ? weightStride - start : chunks * (index + 1) / blocks * 64 - start
            columns = max(0, min(width, outputCount - start))
        }
    }

    /// How many blocks of columns to cut the layer into: one a thread, or one when the batch is
    /// too small for a second thread to pay for its wake-up.
    func columnBlockCount(threads: Int, count: Int) -> Int {
        count * outputCount >= 1 << 13 ? min(max(1, threads), max(1, weightStride / 64)) : 1
    }

    /// Block `index` of `blocks`: the columns cut as evenly as whole vectors of 16 allow.
    func columnBlock(_ index: Int, of blocks: Int) -> ColumnBlock {
        ColumnBlock(index, of: blocks, weightStride: weightStride, outputCount: outputCount)
    }

    /// Copies the weights first if another copy of this layer shares them: value semantics.
    mutating func makeWeightsUnique() {
        if !isKnownUniquelyReferenced(&transposedWeights) { transposedWeights = transposedWeights.copy() }
    }

    /// Copies the trained first-layer weights back into `network`.
    package func write(into network: inout Network<Float>) {
        var weights = Matrix<Float>(rows: outputCount, columns: inputCount)
        for input in 0..<inputCount {
            for neuron in 0..<outputCount { weights[neuron, input] = transposedWeights.pointer[input * weightStride + neuron] }
        }
        network.layers[0].weights = weights
    }
}

extension Network where Scalar == Float {
    /// The forward pass with the first layer computed over `sparse`'s non-zero inputs.
    package func forward(_ workspace: inout Workspace<Float>, sparse: SparseFirstLayer, count: Int) {
        let first = layers[0]
        let blocks = sparse.columnBlockCount(threads: workspace.threads, count: count)
        sparse.counts.withUnsafeBufferPointer { counts in
            first.biases.withUnsafeBufferPointer { biases in
                sparse.indices.withUnsafeBufferPointer { indices in
                    sparse.values.withUnsafeBufferPointer { values in
                        workspace.activations[0].elements.withUnsafeMutableBufferPointer { z in
                            let product = SparseForward(
                                rows: count, counts: counts.baseAddress!, indices: indices.baseAddress!, values: values.baseAddress!,
                                stride: sparse.inputCount, weights: sparse.transposedWeights.pointer, weightStride: sparse.weightStride,
                                biases: biases.baseAddress!, z: z.baseAddress!, ldz: sparse.outputCount)
                            if blocks == 1 {
                                product.run(sparse.columnBlock(0, of: 1))
                            } else {
                                Parallel.forEach(blocks) { product.run(sparse.columnBlock($0, of: blocks)) }
                            }
                        }
                    }
                }
            }
        }
        first.activation.apply(to: &workspace.activations[0], rows: count)
        if workspace.hasDropout && layers.count > 1 { workspace.applyDropout(layer: 0, count: count) }
        forward(&workspace, count: count, from: 1)
    }

    /// `descend` with the first layer computed over `sparse`'s non-zero inputs: the same δs, the
    /// same update W ← shrink·W − (η/n)·δᵀ·x, summed in another order.
    @discardableResult
    package mutating func descend(
        _ workspace: inout Workspace<Float>, sparse: inout SparseFirstLayer, count: Int, learningRate: Float, shrink: Float
    ) -> BatchResult<Float> {
        forward(&workspace, sparse: sparse, count: count)
        let result = backward(&workspace, count: count)
        let rate = learningRate / Float(count)
        updateDenseLayers(&workspace, count: count, rate: rate, shrink: shrink, from: 1)
        sparse.makeWeightsUnique()
        if shrink != 1 {
            let w = sparse.transposedWeights.pointer
            for index in 0..<sparse.transposedWeights.count { w[index] *= shrink }
        }
        sparse.counts.withUnsafeBufferPointer { counts in
            workspace.deltas[0].elements.withUnsafeBufferPointer { delta in
                descent_sparse_update(count, sparse.outputCount, counts.baseAddress!, sparse.indices, sparse.values,
                                      sparse.inputCount, delta.baseAddress!, sparse.outputCount, -rate, sparse.transposedWeights.pointer,
                                      sparse.weightStride)
            }
        }
        updateBiases(&workspace, count: count, rate: rate, layer: 0)
        return result
    }
}

/// One sparse forward product, which threads can run on separate blocks of columns.
private struct SparseForward: @unchecked Sendable {
    // @unchecked: the pointers outlive `run`, and blocks write disjoint columns of z.
    let rows: Int
    let counts: UnsafePointer<Int>, indices: UnsafePointer<UInt16>, values: UnsafePointer<Float>, stride: Int
    let weights: UnsafeMutablePointer<Float>, weightStride: Int
    let biases: UnsafePointer<Float>
    let z: UnsafeMutablePointer<Float>, ldz: Int

    func run(_ block: SparseFirstLayer.ColumnBlock) {
        descent_sparse_forward(rows, block.columns, counts, indices, values, stride, weights + block.start, weightStride,
                               biases + block.start, z + block.start, ldz)
    }
}

/// Floats in one allocation aligned to a cache line, zeroed; freed with the last reference.
/// `SparseFirstLayer` copies it before writing when it is shared, so the layer stays a value.
final class AlignedFloats: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.initializeMemory(as: Float.self, repeating: 0, count: max(1, count))
    }

    func copy() -> AlignedFloats {
        let result = AlignedFloats(count: count)
        result.pointer.update(from: pointer, count: count)
        return result
    }

    deinit { pointer.deallocate() }
}
