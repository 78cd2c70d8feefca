import DescentLinearAlgebra
import DescentNetwork
import Testing

@Suite("Network")
struct NetworkTests {
    @Test("forward pass of a hand-computed network")
    func handComputed() throws {
        // One sigmoid neuron with weights (1, -1) and bias 0.5 on input (0.25, 0.75): z = 0, a = 0.5.
        let layer = Layer<Double>(weights: Matrix(rows: 1, columns: 2, elements: [1, -1]), biases: [0.5], activation: .sigmoid)
        let network = try Network(layers: [layer], cost: .quadratic)
        #expect(network.prediction(for: [0.25, 0.75]).outputs == [0.5])
        // Softmax of equal z is uniform.
        let softmax = Layer<Double>(weights: Matrix(rows: 3, columns: 1, elements: [2, 2, 2]), biases: [0, 0, 0], activation: .softmax)
        let outputs = try Network(layers: [softmax], cost: .crossEntropy).prediction(for: [1]).outputs
        for value in outputs { #expect(abs(value - 1.0 / 3) < 1e-12) }
    }

    @Test("relu and tanh apply as defined")
    func activations() throws {
        let weights = Matrix<Double>(rows: 2, columns: 2, elements: [1, 0, 0, 1])
        let hidden = Layer(weights: weights, biases: [0, 0], activation: .relu)
        let tanh = Layer(weights: weights, biases: [0, 0], activation: .tanh)
        let output = Layer(weights: weights, biases: [0, 0], activation: .sigmoid)
        let network = try Network(layers: [hidden, tanh, output], cost: .quadratic)
        let prediction = network.prediction(for: [-1, 2])
        #expect(prediction.activations[0] == [0, 2])
        #expect(abs(prediction.activations[1][1] - 0.964_027_580_075_817) < 1e-12)
    }

    @Test("invalid shapes are refused with a reason")
    func invalidShapes() {
        var generator = SplitMix64(seed: 0)
        #expect(throws: NetworkError.noLayers) { try Network<Float>(sizes: [784], using: &generator) }
        #expect(throws: NetworkError.badSize(index: 1, size: 0)) { try Network<Float>(sizes: [784, 0, 10], using: &generator) }
        #expect(throws: NetworkError.self) { try Network<Float>(sizes: [4, 3, 2], hidden: .softmax, using: &generator) }
        #expect(throws: NetworkError.self) { try Network<Float>(sizes: [4, 3, 2], output: .relu, using: &generator) }
        let a = Layer<Float>(weights: Matrix(rows: 3, columns: 4), biases: [0, 0, 0], activation: .sigmoid)
        let b = Layer<Float>(weights: Matrix(rows: 2, columns: 5), biases: [0, 0], activation: .sigmoid)
        #expect(throws: NetworkError.sizeMismatch(layer: 1, expected: 3, found: 5)) { try Network(layers: [a, b], cost: .quadratic) }
    }

    @Test("the same seed draws the same network", arguments: Initialization.allCases)
    func seeded(initialization: Initialization) throws {
        var first = SplitMix64(seed: 11), second = SplitMix64(seed: 11), third = SplitMix64(seed: 12)
        let a = try Network<Float>(sizes: [784, 16, 10], initialization: initialization, using: &first)
        let b = try Network<Float>(sizes: [784, 16, 10], initialization: initialization, using: &second)
        let c = try Network<Float>(sizes: [784, 16, 10], initialization: initialization, using: &third)
        #expect(a == b)
        #expect(a != c)
        #expect(a.parameterCount == 784 * 16 + 16 + 16 * 10 + 10)
    }

    @Test("initialisations have the advertised spread")
    func initialSpread() throws {
        var generator = SplitMix64(seed: 2)
        func deviation(_ initialization: Initialization) throws -> Double {
            let network = try Network<Double>(sizes: [400, 300, 10], initialization: initialization, using: &generator)
            let weights = network.layers[0].weights.elements
            return (weights.reduce(0) { $0 + $1 * $1 } / Double(weights.count)).squareRoot()
        }
        #expect(abs(try deviation(.normal) - 1) < 0.02)
        #expect(abs(try deviation(.scaledNormal) - 1 / 20) < 0.002)
        #expect(abs(try deviation(.he) - (2.0 / 400).squareRoot()) < 0.003)
        #expect(abs(try deviation(.glorot) - (6.0 / 700).squareRoot() / 3.0.squareRoot()) < 0.003)
    }
}
