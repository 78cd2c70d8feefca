public import DescentLinearAlgebra

/// One fully connected layer: a = f(W·x + b), with W of shape (out x in).
public struct Layer<Scalar: MatrixScalar>: Equatable, Sendable {
    /// out x in: row j holds the weights into neuron j.
    public package(set) var weights: Matrix<Scalar>
    /// One bias per neuron.
    public package(set) var biases: [Scalar]
    /// The function applied to the layer's weighted inputs: a hidden activation or, in the last layer,
    /// sigmoid or softmax.
    public package(set) var activation: Activation

    /// A layer from its weights (out x in) and one bias per neuron.
    /// - Parameters:
    ///   - weights: `out x in`: row j holds the weights into neuron j.
    ///   - biases: `out` numbers, one a neuron.
    ///   - activation: The function applied to W·x + b.
    /// - Precondition: `biases.count == weights.rows`.
    public init(weights: Matrix<Scalar>, biases: [Scalar], activation: Activation) {
        precondition(biases.count == weights.rows, "Layer: \(biases.count) biases for \(weights.rows) neurons")
        self.weights = weights
        self.biases = biases
        self.activation = activation
    }

    /// The number of inputs the layer reads: its weights' columns.
    public var inputCount: Int { weights.columns }
    /// The number of neurons: its weights' rows.
    public var outputCount: Int { weights.rows }
}

/// A multilayer perceptron: layers of any sizes, a hidden activation per layer, an output
/// activation, and the cost it is trained to minimise.
public struct Network<Scalar: MatrixScalar>: Equatable, Sendable {
    /// The layers in order, the first reading the input; at least one.
    public package(set) var layers: [Layer<Scalar>]
    /// The cost the network is trained to minimise; it also decides the output layer's error δ in backpropagation.
    public package(set) var cost: Cost

    /// A network with given layers.
    /// - Throws: `NetworkError` if consecutive layers' sizes disagree, softmax is used in a hidden
    ///   layer, or the output activation is not sigmoid or softmax.
    public init(layers: [Layer<Scalar>], cost: Cost) throws(NetworkError) {
        guard !layers.isEmpty else { throw .noLayers }
        for (index, pair) in zip(layers, layers.dropFirst()).enumerated() where pair.0.outputCount != pair.1.inputCount {
            throw .sizeMismatch(layer: index + 1, expected: pair.0.outputCount, found: pair.1.inputCount)
        }
        for (index, layer) in layers.dropLast().enumerated() where !Activation.hidden.contains(layer.activation) {
            throw .activationNotAllowed(layer: index, activation: layer.activation, allowed: Activation.hidden)
        }
        if let last = layers.last, !Activation.output.contains(last.activation) {
            throw .activationNotAllowed(layer: layers.count - 1, activation: last.activation, allowed: Activation.output)
        }
        self.layers = layers
        self.cost = cost
    }

    /// A new network with random weights.
    /// - Parameters:
    ///   - sizes: Neurons per layer, input first: `[784, 16, 16, 10]` is the video's network.
    ///   - hidden: The activation of every hidden layer.
    ///   - output: The activation of the output layer.
    ///   - cost: The cost it is trained on.
    ///   - initialization: How the weights are drawn.
    ///   - generator: The source of every random draw.
    /// - Throws: `NetworkError` for fewer than two sizes, a size below 1, or activations not allowed.
    public init(
        sizes: [Int], hidden: Activation = .sigmoid, output: Activation = .sigmoid, cost: Cost = .quadratic,
        initialization: Initialization = .scaledNormal, using generator: inout some RandomNumberGenerator
    ) throws(NetworkError) {
        guard sizes.count >= 2 else { throw .noLayers }
        if let bad = sizes.firstIndex(where: { $0 < 1 }) { throw .badSize(index: bad, size: sizes[bad]) }
        var layers: [Layer<Scalar>] = []
        for index in 1..<sizes.count {
            let (weights, biases): (Matrix<Scalar>, [Scalar]) = initialization.layer(
                fanIn: sizes[index - 1], fanOut: sizes[index], using: &generator)
            let activation = index == sizes.count - 1 ? output : hidden
            layers.append(Layer(weights: weights, biases: biases, activation: activation))
        }
        try self.init(layers: layers, cost: cost)
    }

    /// Neurons per layer, input first.
    public var sizes: [Int] { [layers[0].inputCount] + layers.map(\.outputCount) }
    /// The number of weights and biases.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.weights.elements.count + $1.biases.count } }
    /// The width of an input: the first layer's input count (784 for MNIST).
    public var inputCount: Int { layers[0].inputCount }
    /// The number of outputs: the last layer's neurons, one a class (10 for the digits).
    public var outputCount: Int { layers[layers.count - 1].outputCount }

    /// The same network in another floating-point type.
    public func converted<Other: MatrixScalar>(to _: Other.Type = Other.self) -> Network<Other> {
        // The layers were valid as they are; converting numbers does not change that.
        Network<Other>(
            validLayers: layers.map {
                Layer<Other>(weights: $0.weights.converted(), biases: $0.biases.map { Other($0) }, activation: $0.activation)
            },
            cost: cost)
    }

    /// For layers already known to be valid.
    init(validLayers: [Layer<Scalar>], cost: Cost) {
        self.layers = validLayers
        self.cost = cost
    }

    /// Σ w² over every weight (not the biases), for L2 regularisation.
    @inlinable
    public var sumOfSquaredWeights: Scalar {
        var total: Scalar = 0
        for layer in layers {
            layer.weights.elements.withUnsafeBufferPointer { weights in
                for weight in weights { total += weight * weight }
            }
        }
        return total
    }
}

/// A network whose shape is not valid.
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The sizes had fewer than two entries: a network needs an input size and an output size.
    case noLayers
    /// Size number `index` is `size`, below 1.
    case badSize(index: Int, size: Int)
    /// Layer `layer` reads `found` inputs where the layer before it has `expected` neurons.
    case sizeMismatch(layer: Int, expected: Int, found: Int)
    /// Layer `layer` uses `activation`, which is not allowed there (softmax in a hidden layer, relu or tanh
    /// as output); `allowed` lists those that are.
    case activationNotAllowed(layer: Int, activation: Activation, allowed: [Activation])

    /// One line for a person: which layer and what is wrong with it.
    public var description: String {
        switch self {
        case .noLayers:
            return "a network needs at least an input size and an output size"
        case .badSize(let index, let size):
            return "layer size \(index) is \(size); every layer needs at least one neuron"
        case .sizeMismatch(let layer, let expected, let found):
            return "layer \(layer) takes \(found) inputs but the layer before it has \(expected) neurons"
        case .activationNotAllowed(let layer, let activation, let allowed):
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            return "layer \(layer) cannot use \(activation.rawValue); allowed there: \(names)"
        }
    }
}
