import DescentLinearAlgebra
import DescentNetwork
import Testing

@Suite("The gradient of a neuron with respect to the input")
struct InputGradientTests {
    static let shapes: [(Activation, Activation)] = Activation.hidden.flatMap { hidden in Activation.output.map { (hidden, $0) } }

    @Test("matches centred finite differences for every activation, at outputs and hidden neurons",
          arguments: 0..<shapes.count)
    func finiteDifferences(shape: Int) throws {
        let (hidden, output) = Self.shapes[shape]
        var generator = SplitMix64(seed: UInt64(shape))
        let network = try Network<Double>(sizes: [6, 5, 4, 3], hidden: hidden, output: output, initialization: .glorot, using: &generator)
        let input = (0..<6).map { _ in generator.uniformDouble() }
        let targets: [InputGradientTarget] = [.output(0), .output(2), .neuron(layer: 0, index: 3), .neuron(layer: 1, index: 1)]
        for target in targets {
            let (value, gradient) = network.inputGradient(of: target, at: input)
            #expect(abs(value - Self.activation(network, target, input)) < 1e-12)
            for index in input.indices {
                let h = 1e-5
                var plus = input, minus = input
                plus[index] += h
                minus[index] -= h
                let numeric = (Self.activation(network, target, plus) - Self.activation(network, target, minus)) / (2 * h)
                #expect(abs(numeric - gradient[index]) <= 1e-7 * max(1, abs(numeric)), "\(hidden) \(output) \(target) input \(index)")
            }
        }
    }

    /// The target's activation by a plain forward pass.
    static func activation(_ network: Network<Double>, _ target: InputGradientTarget, _ input: [Double]) -> Double {
        let activations = network.prediction(for: input).activations
        switch target {
        case .output(let index): return activations[activations.count - 1][index]
        case .neuron(let layer, let index): return activations[layer][index]
        }
    }
}
