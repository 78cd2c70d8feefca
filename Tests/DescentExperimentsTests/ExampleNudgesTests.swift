import DescentExperiments
import DescentLinearAlgebra
import DescentNetwork
import Testing

@Suite("The nudges one example asks for, against finite differences")
struct ExampleNudgesTests {
    /// A small network of every output kind and cost, with a random input and label.
    static func problem(output: Activation, cost: Cost, seed: UInt64) throws -> (Network<Float>, [Float], Int) {
        var generator = SplitMix64(seed: seed)
        let network = try Network<Float>(sizes: [12, 6, 5, 4], hidden: .sigmoid, output: output, cost: cost,
                                         initialization: .glorot, using: &generator)
        let input = (0..<12).map { _ in Float(generator.uniformDouble()) }
        return (network, input, generator.uniformInt(below: 4))
    }

    static let cases: [(Activation, Cost)] = [(.sigmoid, .quadratic), (.sigmoid, .crossEntropy), (.softmax, .crossEntropy), (.softmax, .quadratic)]

    /// The cost of `input` through `network` (in Float64), from its own cost terms.
    static func cost(_ network: Network<Double>, _ input: [Double], label: Int) -> Double {
        network.exampleGradient(for: input, label: label).cost
    }

    /// Centred difference in Float64.
    static func derivative(_ f: (Double) -> Double, at x: Double, h: Double = 1e-5) -> Double {
        (f(x + h) - f(x - h)) / (2 * h)
    }

    /// Float32 backprop against Float64 differences.
    static func close(_ a: Float, _ b: Double) -> Bool { abs(Double(a) - b) <= 1e-4 * max(0.01, abs(b)) }

    @Test("the desires are −∂C/∂a and the tiles −∂C/∂w, as finite differences find them", arguments: 0..<cases.count)
    func desiresAndTiles(index: Int) throws {
        let (output, costKind) = Self.cases[index]
        let (network, input, label) = try Self.problem(output: output, cost: costKind, seed: 50 + UInt64(index))
        let nudges = ExampleNudges(network: network, input: input, label: label)
        let exact = network.converted(to: Double.self)
        let inputs = input.map(Double.init)
        let activations = exact.prediction(for: inputs).activations
        let name = "\(output) \(costKind)"
        #expect(nudges.cost == costKind && nudges.label == label)
        #expect(abs(Double(nudges.example.cost) - Self.cost(exact, inputs, label: label)) < 1e-5)
        // Hidden desires: nudge one activation, run the layers above.
        #expect(nudges.hiddenDesires.map(\.count) == [6, 5])
        for layer in 0..<2 {
            let above = try Network(layers: Array(exact.layers[(layer + 1)...]), cost: exact.cost)
            for neuron in activations[layer].indices {
                let numeric = Self.derivative({ value in
                    var a = activations[layer]
                    a[neuron] = value
                    return Self.cost(above, a, label: label)
                }, at: activations[layer][neuron])
                #expect(Self.close(nudges.hiddenDesires[layer][neuron], -numeric), "\(name): layer \(layer) neuron \(neuron)")
            }
        }
        // Output desires: −∂C/∂a; for softmax with cross-entropy only the label's is not zero.
        #expect(nudges.desiredOutputChanges.count == 4)
        if output == .softmax && costKind == .crossEntropy {
            #expect(nudges.desiredOutputChanges.enumerated().allSatisfy { $0.offset == label || $0.element == 0 })
            #expect(Self.close(nudges.desiredOutputChanges[label], 1 / activations[2][label]))
        }
        // Every first-layer tile (6 neurons, all within the limit), weight by weight, and a bias.
        let tiles = nudges.firstLayerNudges(limit: 32)
        #expect(tiles.map(\.neuron) == Array(0..<6))
        #expect(abs(tiles.reduce(0) { $0 + $1.share } - 1) < 1e-9)
        let parameters = exact.parameters
        for tile in tiles {
            for column in [0, 5, 11] {
                let position = tile.neuron * 12 + column
                let numeric = Self.derivative({ value in
                    var shifted = exact
                    var values = parameters
                    values[position] = value
                    shifted.parameters = values
                    return Self.cost(shifted, inputs, label: label)
                }, at: parameters[position])
                #expect(Self.close(tile.nudges[column], -numeric), "\(name): weight \(tile.neuron), \(column)")
            }
        }
        // The largest component is the largest |finite difference|, with its share of the squared norm.
        let top = nudges.analysis.ranked[0]
        #expect(abs(nudges.analysis.ranked.reduce(0) { $0 + nudges.analysis.share(of: $1) } - 1) < 1e-9)
        #expect(nudges.analysis.share(of: top) == top.derivative * top.derivative / nudges.analysis.squaredNorm)
        let gradient = nudges.example.gradients
        let value = top.input.map { gradient.weights[top.layer][top.neuron, $0] } ?? gradient.biases[top.layer][top.neuron]
        #expect(top.derivative == Double(value))
    }

    @Test("with more neurons than the limit, the tiles are the neurons of largest gradient, in neuron order")
    func tileLimit() throws {
        var generator = SplitMix64(seed: 60)
        let network = try Network<Float>(sizes: [10, 40, 3], initialization: .glorot, using: &generator)
        let input = (0..<10).map { _ in Float(generator.uniformDouble()) }
        let nudges = ExampleNudges(network: network, input: input, label: 1)
        let all = nudges.firstLayerNudges(limit: 40)
        let some = nudges.firstLayerNudges(limit: 8)
        #expect(some.count == 8 && some.map(\.neuron) == some.map(\.neuron).sorted())
        let smallestKept = some.map(\.share).min() ?? 0
        #expect(all.filter { !some.map(\.neuron).contains($0.neuron) }.allSatisfy { $0.share <= smallestKept })
        #expect(nudges.firstLayerNudges(limit: 0).isEmpty)
    }
}
