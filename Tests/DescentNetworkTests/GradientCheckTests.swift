import DescentLinearAlgebra
import DescentNetwork
import Testing

@Suite("Backpropagation against finite differences")
struct GradientCheckTests {
    @Test("every cost, hidden activation and output within 1e-6 in Float64", arguments: [0, 1, 2] as [UInt64])
    func allCases(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let check = GradientCheck.run(sizes: [6, 5, 4, 3], batchSize: 5, using: &generator)
        #expect(check.cases.count == Activation.hidden.count * Activation.output.count * Cost.allCases.count)
        for item in check.cases {
            #expect(item.maxRelativeError <= 1e-6, "\(item.hidden) \(item.output) \(item.cost): \(item.maxRelativeError)")
        }
    }

    @Test("the check notices a wrong gradient")
    func detectsAnError() {
        // A network whose cost is measured differently from what backprop differentiates must fail:
        // compare the quadratic-cost gradient with cross-entropy's finite differences by hand.
        var generator = SplitMix64(seed: 9)
        guard var network = try? Network<Double>(sizes: [3, 4, 2], cost: .quadratic, using: &generator) else {
            Issue.record("network")
            return
        }
        var workspace = Workspace(for: network, capacity: 2)
        workspace.inputs.elements = [0.1, 0.5, 0.9, 0.3, 0.2, 0.7]
        workspace.labels = [0, 1]
        var gradients = Gradients(zeroLike: network)
        network.backpropagate(&workspace, count: 2, into: &gradients)
        network.cost = .crossEntropy
        var shifted = network
        var parameters = network.parameters
        let h = 1e-5
        parameters[0] += h
        shifted.parameters = parameters
        let plus = shifted.cost(&workspace, count: 2)
        parameters[0] -= 2 * h
        shifted.parameters = parameters
        let minus = shifted.cost(&workspace, count: 2)
        let numeric = (plus - minus) / (2 * h)
        #expect(abs(numeric - gradients.flattened[0]) > 1e-4 * abs(numeric))
    }
}
