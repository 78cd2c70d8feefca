import DescentExperiments
import DescentLinearAlgebra
import DescentNetwork
import Testing

@Suite("A copy of a network learning from one example")
struct LearningCopyTests {
    static func problem(hidden: Activation = .sigmoid, output: Activation = .sigmoid, cost: Cost = .quadratic,
                        seed: UInt64 = 70) throws -> (Network<Float>, [Float], Int) {
        var generator = SplitMix64(seed: seed)
        let network = try Network<Float>(sizes: [20, 8, 6, 4], hidden: hidden, output: output, cost: cost,
                                         initialization: .glorot, using: &generator)
        return (network, (0..<20).map { _ in Float(generator.uniformDouble()) }, 2)
    }

    @Test("a step is SGD on the example's gradient; small steps lower its cost; the original is untouched")
    func stepsLowerTheCost() throws {
        let (network, input, label) = try Self.problem()
        let original = network
        var copy = LearningCopy(network)
        var expected = network
        var sgd = SGD<Float>(learningRate: 0.5)
        sgd.update(&expected, with: network.exampleGradient(for: input, label: label).gradients)
        let first = try copy.step(on: input, label: label, learningRate: 0.5)
        #expect(copy.network == expected)
        #expect(first.costBefore == network.exampleGradient(for: input, label: label).cost)
        #expect(first.costAfter == expected.exampleGradient(for: input, label: label).cost)
        var costs = [first.costBefore, first.costAfter]
        for _ in 0..<9 { costs.append(try copy.step(on: input, label: label, learningRate: 0.5).costAfter) }
        #expect(zip(costs, costs.dropFirst()).allSatisfy { $0 > $1 }, "\(costs)")
        #expect(network == original)
        #expect(copy.stepCount == 10 && copy.steps.count == 10)
    }

    @Test("undo gives back the network of one step before, bit for bit; reset starts again")
    func undoAndReset() throws {
        let (network, input, label) = try Self.problem()
        var copy = LearningCopy(network)
        try copy.step(on: input, label: label, learningRate: 1)
        let afterOne = copy.network
        try copy.step(on: input, label: 0, learningRate: 2)
        #expect(copy.network != afterOne)
        #expect(copy.undo()?.label == 0)
        #expect(copy.network == afterOne && copy.stepCount == 1)
        #expect(copy.undo() != nil)
        #expect(copy.network == network && copy.stepCount == 0)
        #expect(copy.undo() == nil)
        try copy.step(on: input, label: label, learningRate: 1)
        var other = network
        other.parameters = network.parameters.map { $0 * 0.5 }
        copy.reset(to: other)
        #expect(copy.network == other && copy.start == other && copy.steps.isEmpty && copy.stepCount == 0)
    }

    @Test("past the undo limit the oldest steps fold into the start and can no longer be undone")
    func undoLimit() throws {
        let (network, input, label) = try Self.problem()
        var copy = LearningCopy(network, undoLimit: 3)
        var networks = [network]
        for _ in 0..<5 {
            try copy.step(on: input, label: label, learningRate: 0.3)
            networks.append(copy.network)
        }
        #expect(copy.steps.count == 3 && copy.stepCount == 5)
        #expect(copy.start == networks[2])
        for back in 1...3 {
            #expect(copy.undo() != nil)
            #expect(copy.network == networks[5 - back])
        }
        #expect(copy.undo() == nil && copy.network == networks[2] && copy.stepCount == 2)
    }

    @Test("a step that overflows is refused and leaves the copy as it was")
    func overflowIsRefused() throws {
        // ReLU's activations grow without bound, and softmax's exp(z − max z) is NaN once z is infinite.
        let (network, input, label) = try Self.problem(hidden: .relu, output: .softmax, cost: .crossEntropy, seed: 71)
        var copy = LearningCopy(network)
        try copy.step(on: input, label: label, learningRate: 0.1)
        let before = copy
        #expect(throws: LearningCopyError.notFinite(learningRate: 1e37)) {
            try copy.step(on: input, label: label, learningRate: 1e37)
        }
        #expect(copy.network == before.network && copy.steps == before.steps && copy.stepCount == 1)
    }
}
