import DescentLinearAlgebra
import DescentNetwork
import Testing

/// Every public entry point that takes shapes or counts checks them: a programming mistake stops
/// the process with a precondition that gives the numbers, never a read or write out of bounds.
/// Each exit test runs its body in a child process and expects that process to fail.
@Suite("Public API bounds")
struct PublicBoundsTests {
    @Test("Matrix: elements that do not fill the shape, and an element outside it")
    func matrix() async {
        await #expect(processExitsWith: .failure) {
            _ = Matrix<Float>(rows: 2, columns: 3, elements: [1, 2, 3])
        }
        await #expect(processExitsWith: .failure) {
            let matrix = Matrix<Float>(rows: 2, columns: 3)
            _ = matrix[0, 3]  // within the element count (6) but outside the row
        }
        await #expect(processExitsWith: .failure) {
            var matrix = Matrix<Float>(rows: 2, columns: 3)
            matrix[2, 0] = 1
        }
    }

    @Test("Layer: biases that are not one per neuron")
    func layer() async {
        await #expect(processExitsWith: .failure) {
            _ = Layer<Float>(weights: Matrix(rows: 3, columns: 4), biases: [0, 0], activation: .sigmoid)
        }
    }

    @Test("Network: layers that do not chain are a typed error")
    func networkLayers() throws {
        let first = Layer<Float>(weights: Matrix(rows: 5, columns: 4), biases: [Float](repeating: 0, count: 5), activation: .sigmoid)
        let second = Layer<Float>(weights: Matrix(rows: 3, columns: 6), biases: [0, 0, 0], activation: .sigmoid)
        #expect(throws: NetworkError.sizeMismatch(layer: 1, expected: 5, found: 6)) {
            try Network(layers: [first, second], cost: .quadratic)
        }
    }

    @Test("Network: a prediction, parameters or gradients of the wrong size")
    func networkCounts() async {
        await #expect(processExitsWith: .failure) {
            var generator = SplitMix64(seed: 0)
            let network = try! Network<Float>(sizes: [4, 3, 2], using: &generator)
            _ = network.prediction(for: [0, 0, 0])
        }
        await #expect(processExitsWith: .failure) {
            var generator = SplitMix64(seed: 0)
            var network = try! Network<Float>(sizes: [4, 3, 2], using: &generator)
            network.parameters = [0, 1, 2]
        }
        await #expect(processExitsWith: .failure) {
            var generator = SplitMix64(seed: 0)
            let network = try! Network<Float>(sizes: [4, 3, 2], using: &generator)
            _ = network.costAndGradients(for: Matrix(rows: 2, columns: 5), labels: [0, 1])
        }
        await #expect(processExitsWith: .failure) {
            var generator = SplitMix64(seed: 0)
            let network = try! Network<Float>(sizes: [4, 3, 2], using: &generator)
            _ = network.costAndGradients(for: Matrix(rows: 2, columns: 4), labels: [0])
        }
        await #expect(processExitsWith: .failure) {
            var generator = SplitMix64(seed: 0)
            let network = try! Network<Float>(sizes: [4, 3, 2], using: &generator)
            _ = network.costAndGradients(for: Matrix(rows: 2, columns: 4), labels: [0, 2])  // 2 outputs: labels 0 and 1
        }
    }

    @Test("SGD and Adam: gradients of another network")
    func optimizers() async {
        await #expect(processExitsWith: .failure) {
            var generator = SplitMix64(seed: 0)
            var network = try! Network<Float>(sizes: [4, 3, 2], using: &generator)
            let other = try! Network<Float>(sizes: [4, 5, 2], using: &generator)
            var sgd = SGD<Float>(learningRate: 0.1)
            sgd.update(&network, with: Gradients(zeroLike: other))
        }
        await #expect(processExitsWith: .failure) {
            var generator = SplitMix64(seed: 0)
            var network = try! Network<Float>(sizes: [4, 3, 2], using: &generator)
            let other = try! Network<Float>(sizes: [4, 3, 3], using: &generator)
            var adam = Adam<Float>()
            adam.update(&network, with: Gradients(zeroLike: other))
        }
    }

    @Test("the public gradient is the one that trains: a step along it lowers the cost")
    func gradientStep() throws {
        var generator = SplitMix64(seed: 3)
        var network = try Network<Float>(sizes: [4, 6, 3], hidden: .relu, output: .softmax, cost: .crossEntropy, initialization: .he, using: &generator)
        let inputs = Matrix<Float>(rows: 3, columns: 4, elements: [0.1, 0.9, 0.2, 0.0, 0.8, 0.1, 0.0, 0.3, 0.0, 0.2, 0.9, 0.7])
        let labels = [1, 0, 2]
        let (before, gradients) = network.costAndGradients(for: inputs, labels: labels)
        #expect(gradients.isShaped(like: network))
        var sgd = SGD<Float>(learningRate: 0.1)
        sgd.update(&network, with: gradients)
        let (after, _) = network.costAndGradients(for: inputs, labels: labels)
        #expect(after < before)
    }
}
