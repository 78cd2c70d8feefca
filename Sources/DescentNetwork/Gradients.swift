public import DescentLinearAlgebra

/// ∂C/∂w and ∂C/∂b for every layer: the same shapes as the network's weights and biases.
public struct Gradients<Scalar: MatrixScalar>: Equatable, Sendable {
    /// One (out x in) matrix a layer.
    public package(set) var weights: [Matrix<Scalar>]
    /// One vector a layer.
    public package(set) var biases: [[Scalar]]

    /// Zero gradients shaped like `network`.
    @_specialize(exported: true, where Scalar == Float)
    public init(zeroLike network: Network<Scalar>) {
        weights = network.layers.map { Matrix(rows: $0.weights.rows, columns: $0.weights.columns) }
        biases = network.layers.map { [Scalar](repeating: 0, count: $0.biases.count) }
    }

    /// Every component, weights then biases, layer by layer: the order `Network.parameters` uses.
    public var flattened: [Scalar] {
        var values: [Scalar] = []
        for (weights, biases) in zip(weights, biases) {
            values += weights.elements
            values += biases
        }
        return values
    }
}

extension Network {
    /// Every weight and bias, weights then biases layer by layer; settable, for the gradient check.
    /// - Precondition: a new value has `parameterCount` numbers.
    public var parameters: [Scalar] {
        get { Gradients(layers: self).flattened }
        set {
            precondition(newValue.count == parameterCount, "parameters: \(newValue.count) numbers for a network of \(parameterCount)")
            var offset = 0
            for index in layers.indices {
                let weightCount = layers[index].weights.elements.count
                layers[index].weights.elements = Array(newValue[offset..<(offset + weightCount)])
                offset += weightCount
                let biasCount = layers[index].biases.count
                layers[index].biases = Array(newValue[offset..<(offset + biasCount)])
                offset += biasCount
            }
        }
    }
}

extension Gradients {
    /// Whether these gradients have one matrix and one vector per layer of `network`, of its sizes.
    public func isShaped(like network: Network<Scalar>) -> Bool {
        weights.count == network.layers.count && biases.count == network.layers.count
            && zip(weights, network.layers).allSatisfy { $0.rows == $1.weights.rows && $0.columns == $1.weights.columns }
            && zip(biases, network.layers).allSatisfy { $0.count == $1.biases.count }
    }

    /// The layer sizes these gradients are for, input first, as a network's `sizes` reads.
    var sizes: [Int] { (weights.first.map { [$0.columns] } ?? []) + weights.map(\.rows) }

    /// The network's own parameters, viewed as a gradient-shaped value.
    init(layers network: Network<Scalar>) {
        weights = network.layers.map(\.weights)
        biases = network.layers.map(\.biases)
    }
}
