import DescentLinearAlgebra

// Dropout (Srivastava, Hinton, Krizhevsky, Sutskever & Salakhutdinov 2014, "Dropout: a simple way to
// prevent neural networks from overfitting"), in its inverted form: during training each hidden
// activation is kept with probability p = 1 − rate and then divided by p, so that its expected value
// is unchanged and the network needs no rescaling when it is evaluated without dropout.
//
// The masks live in the workspace that trains: a workspace made for evaluation has none, so dropout is
// off there by construction. The forward pass multiplies each hidden layer's activations by its mask,
// and the backward pass multiplies that layer's δ by the same mask (Network+Backpropagation.swift).

extension Workspace {
    /// Whether the forward and backward passes apply dropout masks to the hidden layers.
    package var hasDropout: Bool { !dropoutMasks.isEmpty }

    /// Switches dropout on for this workspace's hidden layers, allocating one mask per hidden layer
    /// (capacity x width) once, so that drawing masks batch by batch allocates nothing.
    /// - Parameter rate: The probability of dropping a hidden unit, in 0..<1; 0 switches dropout off.
    package mutating func enableDropout(rate: Double) {
        precondition(rate >= 0 && rate < 1, "enableDropout: rate \(rate) not in 0..<1")
        dropoutRate = rate
        dropoutMasks = rate == 0 ? [] : activations.dropLast().map { Matrix(rows: capacity, columns: $0.columns) }
    }

    /// Draws a fresh mask for the first `count` examples of every hidden layer: each entry is 0 with
    /// probability `rate`, else 1/(1 − rate). One draw from `generator` per two entries.
    /// - Complexity: O(count · hidden units).
    @_specialize(exported: true, where Scalar == Float, Generator == SplitMix64)
    package mutating func drawDropoutMasks<Generator: RandomNumberGenerator>(count: Int, using generator: inout Generator) {
        precondition(count <= capacity, "drawDropoutMasks: batch \(count) > workspace \(capacity)")
        let keep = 1 - dropoutRate
        // A unit is kept when its 32 random bits fall below keep · 2³²; each 64-bit draw serves two
        // units, the high half first.
        let threshold = UInt64((keep * 4_294_967_296).rounded(.down))
        let kept = 1 / Scalar(keep)
        if Generator.self == SplitMix64.self {
            withUnsafeMutablePointer(to: &generator) { pointer in
                pointer.withMemoryRebound(to: SplitMix64.self, capacity: 1) { splitMix in
                    drawDropoutMasks(count: count, threshold: threshold, kept: kept, state: &splitMix.pointee.state)
                }
            }
            return
        }
        for layer in dropoutMasks.indices {
            let width = dropoutMasks[layer].columns
            dropoutMasks[layer].elements.withUnsafeMutableBufferPointer { mask in
                var index = 0
                let end = count * width
                while index < end {
                    let bits = generator.next()
                    mask[index] = bits >> 32 < threshold ? kept : 0
                    if index + 1 < end { mask[index + 1] = bits & 0xFFFF_FFFF < threshold ? kept : 0 }
                    index += 2
                }
            }
        }
    }

    /// The same masks from SplitMix64's `state`, each draw made from its own position in the stream
    /// (`SplitMix64.mixed`) rather than from the one before, and without a branch on it
    /// (`MatrixScalar.dropoutMasks`); `state` ends where `next()` would have left it.
    private mutating func drawDropoutMasks(count: Int, threshold: UInt64, kept: Scalar, state: inout UInt64) {
        for layer in dropoutMasks.indices {
            let end = count * dropoutMasks[layer].columns
            dropoutMasks[layer].elements.withUnsafeMutableBufferPointer { mask in
                Scalar.dropoutMasks(UnsafeMutableBufferPointer(rebasing: mask[0..<end]), state: &state, threshold: threshold, kept: kept)
            }
        }
    }

    /// a ← a ⊙ mask for hidden layer `index`'s first `count` rows, after its activation.
    mutating func applyDropout(layer index: Int, count: Int) {
        let width = activations[index].columns
        dropoutMasks[index].elements.withUnsafeBufferPointer { mask in
            activations[index].elements.withUnsafeMutableBufferPointer { a in
                for position in 0..<(count * width) { a[position] *= mask[position] }
            }
        }
    }
}
