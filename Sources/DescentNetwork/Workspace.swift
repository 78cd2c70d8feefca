package import DescentLinearAlgebra

/// The buffers of one mini-batch: its inputs and labels, and every layer's activations and deltas.
/// Made once for the largest batch and reused, so training allocates nothing batch by batch.
package struct Workspace<Scalar: MatrixScalar>: Sendable {
    /// The most examples a batch may hold.
    package let capacity: Int
    /// capacity x inputs: one example a row. The caller fills the first `count` rows.
    package var inputs: Matrix<Scalar>
    /// The label of each example in `inputs`.
    package var labels: [Int]
    /// capacity x size of each layer: the activations of the last forward pass.
    package internal(set) var activations: [Matrix<Scalar>]
    /// capacity x size of each layer: δ = ∂C/∂z of the last backward pass.
    var deltas: [Matrix<Scalar>]
    /// How many threads a large matrix product may use (1: this thread only).
    package var threads: Int = 1
    /// capacity x size of each hidden layer: 0 for a dropped unit, 1/(1 − rate) for a kept one; empty
    /// when dropout is off (see Workspace+Dropout.swift).
    var dropoutMasks: [Matrix<Scalar>] = []
    /// The probability of dropping a hidden unit.
    package internal(set) var dropoutRate: Double = 0
    /// The teacher's softened outputs and the distillation cost's settings; nil: the network's own
    /// cost against the labels (see Workspace+Distillation.swift).
    package var distillation: DistillationTargets<Scalar>?

    /// Buffers for batches of up to `capacity` examples through `network`.
    @_specialize(exported: true, where Scalar == Float)
    package init(for network: Network<Scalar>, capacity: Int) {
        precondition(capacity > 0, "Workspace: capacity \(capacity)")
        self.capacity = capacity
        inputs = Matrix(rows: capacity, columns: network.inputCount)
        labels = Array(repeating: 0, count: capacity)
        activations = network.layers.map { Matrix(rows: capacity, columns: $0.outputCount) }
        deltas = network.layers.map { Matrix(rows: capacity, columns: $0.outputCount) }
    }

    /// The output layer's activations.
    package var outputs: Matrix<Scalar> { activations[activations.count - 1] }

    /// Writes one example, given as bytes, into row `row` of `inputs`, scaled to 0...1.
    @_specialize(exported: true, where Scalar == Float)
    package mutating func setInput(row: Int, bytes: ArraySlice<UInt8>, label: Int) {
        let width = inputs.columns
        precondition(bytes.count == width, "Workspace: \(bytes.count) inputs for a network of \(width)")
        let scale = 1 / Scalar(255)
        inputs.elements.withUnsafeMutableBufferPointer { values in
            bytes.withUnsafeBufferPointer { source in
                guard let target = values.baseAddress.map({ $0 + row * width }), let from = source.baseAddress else { return }
                for index in 0..<width { target[index] = Scalar(from[index]) * scale }
            }
        }
        labels[row] = label
    }

    /// The index of the largest output of example `row`: the network's answer.
    @_specialize(exported: true, where Scalar == Float)
    package func predictedClass(row: Int) -> Int {
        let outputs = activations[activations.count - 1]
        let start = row * outputs.columns
        var best = 0
        for j in 1..<outputs.columns where outputs.elements[start + j] > outputs.elements[start + best] { best = j }
        return best
    }
}
