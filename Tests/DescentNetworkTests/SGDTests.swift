import DescentLinearAlgebra
import DescentNetwork
import Testing

@Suite("SGD")
struct SGDTests {
    func oneWeightNetwork(_ weight: Double, bias: Double = 0) throws -> Network<Double> {
        try Network(layers: [Layer(weights: Matrix(rows: 1, columns: 1, elements: [weight]), biases: [bias], activation: .sigmoid)],
                    cost: .quadratic)
    }

    func gradient(_ weight: Double, _ bias: Double, network: Network<Double>) -> Gradients<Double> {
        var gradients = Gradients(zeroLike: network)
        gradients.weights[0].elements = [weight]
        gradients.biases[0] = [bias]
        return gradients
    }

    @Test("plain step, and weight decay scaled by 1/n as in network2.py")
    func plainAndDecay() throws {
        var network = try oneWeightNetwork(2)
        var plain = SGD<Double>(learningRate: 0.5)
        plain.update(&network, with: gradient(1, 4, network: network))
        #expect(network.layers[0].weights.elements == [1.5])
        #expect(network.layers[0].biases == [-2])

        var decayed = try oneWeightNetwork(2)
        var sgd = SGD<Double>(learningRate: 0.5, weightDecay: 5, trainingSetSize: 10)
        sgd.update(&decayed, with: gradient(1, 4, network: decayed))
        // w ← (1 − ηλ/n)·w − η·g = (1 − 0.25)·2 − 0.5 = 1.0; biases are not decayed.
        #expect(decayed.layers[0].weights.elements == [1.0])
        #expect(decayed.layers[0].biases == [-2])
    }

    @Test("momentum accumulates velocity")
    func momentum() throws {
        var network = try oneWeightNetwork(0)
        var sgd = SGD<Double>(learningRate: 1, momentum: 0.5)
        let g = gradient(1, 0, network: network)
        sgd.update(&network, with: g)  // v = -1, w = -1
        sgd.update(&network, with: g)  // v = -0.5 - 1 = -1.5, w = -2.5
        #expect(network.layers[0].weights.elements == [-2.5])
    }

    @Test("gradient descent lowers the cost of a batch")
    func descends() throws {
        var generator = SplitMix64(seed: 4)
        var network = try Network<Double>(sizes: [5, 6, 3], using: &generator)
        var workspace = Workspace(for: network, capacity: 8)
        for index in workspace.inputs.elements.indices { workspace.inputs.elements[index] = generator.uniformDouble() }
        for row in 0..<8 { workspace.labels[row] = row % 3 }
        var gradients = Gradients(zeroLike: network)
        var sgd = SGD<Double>(learningRate: 1)
        let before = network.cost(&workspace, count: 8)
        for _ in 0..<50 {
            network.backpropagate(&workspace, count: 8, into: &gradients)
            sgd.update(&network, with: gradients)
        }
        #expect(network.cost(&workspace, count: 8) < before * 0.8)
    }
}
