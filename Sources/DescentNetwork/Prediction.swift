import DescentLinearAlgebra

/// The network's answer for one input.
public struct Prediction: Equatable, Sendable {
    /// The class with the largest output.
    public let label: Int
    /// The output layer's activations (probabilities when it is softmax).
    public let outputs: [Double]
    /// Every layer's activations, input layer excluded.
    public let activations: [[Double]]

    /// The largest output: the network's confidence in `label`.
    public var confidence: Double { outputs[label] }
}

extension Network {
    /// The prediction for one input of `inputCount` numbers in 0...1.
    /// - Complexity: O(parameterCount).
    @_specialize(exported: true, where Scalar == Float)
    public func prediction(for input: [Scalar]) -> Prediction {
        precondition(input.count == inputCount, "prediction: \(input.count) inputs for a network of \(inputCount)")
        var workspace = Workspace(for: self, capacity: 1)
        workspace.inputs.elements = input
        forward(&workspace, count: 1)
        let activations = workspace.activations.map { $0.elements.map(Double.init) }
        let outputs = activations[activations.count - 1]
        return Prediction(label: workspace.predictedClass(row: 0), outputs: outputs, activations: activations)
    }

    /// The prediction for one input given as bytes (0 background ... 255 ink), as MNIST stores it.
    @_specialize(exported: true, where Scalar == Float)
    public func prediction(forBytes bytes: [UInt8]) -> Prediction {
        prediction(for: bytes.map { Scalar($0) / 255 })
    }
}
