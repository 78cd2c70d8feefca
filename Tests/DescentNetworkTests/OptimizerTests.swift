import DescentLinearAlgebra
import DescentNetwork
import Testing

@Suite("Optimizers")
struct OptimizerTests {
    func problem(seed: UInt64) throws -> (Network<Double>, Workspace<Double>) {
        var generator = SplitMix64(seed: seed)
        let network = try Network<Double>(sizes: [5, 6, 3], hidden: .relu, output: .softmax, cost: .crossEntropy, using: &generator)
        var workspace = Workspace(for: network, capacity: 8)
        for index in workspace.inputs.elements.indices { workspace.inputs.elements[index] = generator.uniformDouble() }
        for row in 0..<8 { workspace.labels[row] = row % 3 }
        return (network, workspace)
    }

    @Test("the fused SGD step equals backpropagate followed by SGD.update")
    func fusedEqualsSeparate() throws {
        var (fused, workspace) = try problem(seed: 1)
        var separate = fused
        var gradients = Gradients(zeroLike: fused)
        var sgd = SGD<Double>(learningRate: 0.7, weightDecay: 3, trainingSetSize: 50)
        for _ in 0..<5 {
            _ = sgd.step(&fused, on: &workspace, count: 8, gradients: &gradients)
            separate.backpropagate(&workspace, count: 8, into: &gradients)
            sgd.update(&separate, with: gradients)
        }
        for (a, b) in zip(fused.parameters, separate.parameters) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b))) }
    }

    @Test("Nesterov's step: v ← μv − ηg, w ← w + μv − ηg, checked over two steps with the same gradient")
    func nesterovSteps() throws {
        var (network, workspace) = try problem(seed: 5)
        let start = network.parameters
        var gradients = Gradients(zeroLike: network)
        network.backpropagate(&workspace, count: 8, into: &gradients)
        let g = gradients.flattened
        var sgd = SGD<Double>(learningRate: 0.1, momentum: 0.9, nesterov: true)
        sgd.update(&network, with: gradients)
        // v1 = −ηg, w1 = w0 + μv1 − ηg = w0 − η(1 + μ)g.
        for (index, value) in network.parameters.enumerated() {
            #expect(abs(value - (start[index] - 0.1 * 1.9 * g[index])) <= 1e-12)
        }
        sgd.update(&network, with: gradients)
        // v2 = μv1 − ηg = −η(1 + μ)g, w2 = w1 + μv2 − ηg = w0 − η(1 + μ)g − η(μ(1 + μ) + 1)g.
        for (index, value) in network.parameters.enumerated() {
            let expected = start[index] - 0.1 * 1.9 * g[index] - 0.1 * (0.9 * 1.9 + 1) * g[index]
            #expect(abs(value - expected) <= 1e-12)
        }
        // Classical momentum takes a smaller first step: w1 = w0 − ηg.
        var (classical, _) = try problem(seed: 5)
        var plain = SGD<Double>(learningRate: 0.1, momentum: 0.9)
        plain.update(&classical, with: gradients)
        for (index, value) in classical.parameters.enumerated() { #expect(abs(value - (start[index] - 0.1 * g[index])) <= 1e-12) }
    }

    @Test("Adam's first step moves every weight by about the learning rate, against its gradient")
    func adamFirstStep() throws {
        var (network, workspace) = try problem(seed: 2)
        let before = network.parameters
        var gradients = Gradients(zeroLike: network)
        network.backpropagate(&workspace, count: 8, into: &gradients)
        var adam = Adam<Double>(learningRate: 0.01)
        adam.update(&network, with: gradients)
        for (index, (old, new)) in zip(before, network.parameters).enumerated() {
            let g = gradients.flattened[index]
            guard abs(g) > 1e-6 else { continue }
            // m̂ = g and v̂ = g² after one step, so the step is η·g/(|g| + ε) ≈ η·sign(g).
            #expect(abs((old - new) - 0.01 * (g > 0 ? 1 : -1)) < 1e-4)
        }
        #expect(adam.steps == 1)
    }

    @Test("Adam lowers the cost")
    func adamDescends() throws {
        var (network, workspace) = try problem(seed: 3)
        var gradients = Gradients(zeroLike: network)
        var adam = Adam<Double>(learningRate: 0.05)
        let before = network.cost(&workspace, count: 8)
        for _ in 0..<40 { _ = adam.step(&network, on: &workspace, count: 8, gradients: &gradients) }
        #expect(network.cost(&workspace, count: 8) < before * 0.5)
    }

    @Test("threads do not change the result of a product")
    func threadsDoNotChangeResults() {
        var generator = SplitMix64(seed: 4)
        let a = Matrix<Float>(rows: 128, columns: 784, elements: (0..<(128 * 784)).map { _ in Float(generator.uniformDouble()) })
        let b = Matrix<Float>(rows: 256, columns: 784, elements: (0..<(256 * 784)).map { _ in Float(generator.uniformDouble()) })
        var one = Matrix<Float>(rows: 128, columns: 256), two = one
        Matrix.multiply(a, .none, b, .transposed, into: &one, threads: 1)
        Matrix.multiply(a, .none, b, .transposed, into: &two, threads: 2)
        #expect(one == two)
        var gradientOne = Matrix<Float>(rows: 256, columns: 784), gradientTwo = gradientOne
        let delta = Matrix<Float>(rows: 128, columns: 256, elements: (0..<(128 * 256)).map { _ in Float(generator.uniformDouble()) })
        Matrix.multiply(delta, .transposed, a, .none, into: &gradientOne, threads: 1)
        Matrix.multiply(delta, .transposed, a, .none, into: &gradientTwo, threads: 3)
        #expect(gradientOne == gradientTwo)
    }
}
