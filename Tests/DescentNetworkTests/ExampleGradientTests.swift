import DescentLinearAlgebra
import DescentNetwork
import Testing

@Suite("One example's backpropagation: cost terms, ∂C/∂a and the gradient")
struct ExampleGradientTests {
    /// Every hidden activation × output activation × cost.
    static let shapes: [(Activation, Activation, Cost)] = Activation.hidden.flatMap { hidden in
        Activation.output.flatMap { output in Cost.allCases.map { (hidden, output, $0) } }
    }

    static func problem(_ shape: Int) throws -> (Network<Double>, [Double], Int) {
        let (hidden, output, cost) = shapes[shape]
        var generator = SplitMix64(seed: 40 + UInt64(shape))
        let network = try Network<Double>(sizes: [6, 5, 4, 3], hidden: hidden, output: output, cost: cost,
                                          initialization: .glorot, using: &generator)
        let input = (0..<6).map { _ in generator.uniformDouble() }
        return (network, input, generator.uniformInt(below: 3))
    }

    /// The cost of one example by a forward pass of `network` and the cost's formula written out here.
    static func cost(_ network: Network<Double>, _ input: [Double], label: Int) -> Double {
        cost(ofOutputs: network.prediction(for: input).outputs, label: label, network: network)
    }

    static func cost(ofOutputs a: [Double], label: Int, network: Network<Double>) -> Double {
        let softmax = network.layers[network.layers.count - 1].activation == .softmax
        return a.indices.reduce(0.0) { total, j in
            let y: Double = j == label ? 1 : 0
            switch network.cost {
            case .quadratic: return total + (a[j] - y) * (a[j] - y) / 2
            case .crossEntropy where softmax: return total - y * Double.log(a[j])
            case .crossEntropy: return total - (y * Double.log(a[j]) + (1 - y) * Double.log(1 - a[j]))
            }
        }
    }

    /// Centred difference of `f` at `x`, in Float64.
    static func derivative(_ f: (Double) -> Double, at x: Double, h: Double = 1e-6) -> Double {
        (f(x + h) - f(x - h)) / (2 * h)
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-6 * max(1, abs(a), abs(b)) }

    @Test("the cost, its terms and the gradient are the training's, bit for bit", arguments: 0..<shapes.count)
    func sameAsTraining(shape: Int) throws {
        let (network, input, label) = try Self.problem(shape)
        let example = network.exampleGradient(for: input, label: label)
        let batch = network.costAndGradients(for: Matrix(rows: 1, columns: 6, elements: input), labels: [label])
        #expect(example.cost == batch.cost)
        #expect(example.gradients == batch.gradients)
        #expect(example.activations == network.prediction(for: input).activations)
        #expect(example.costTerms.count == 3)
        #expect(abs(example.costTerms.reduce(0, +) - example.cost) < 1e-12)
        #expect(abs(example.cost - Self.cost(network, input, label: label)) < 1e-12)
        if network.cost == .crossEntropy && network.layers[2].activation == .softmax {
            #expect(example.costTerms.enumerated().allSatisfy { $0.offset == label || $0.element == 0 })
        }
        #expect(example.activationGradients.map(\.count) == [5, 4, 3])
    }

    @Test("∂C/∂a of every neuron, and ∂C/∂w, ∂C/∂b, match centred finite differences", arguments: 0..<shapes.count)
    func finiteDifferences(shape: Int) throws {
        let (network, input, label) = try Self.problem(shape)
        let example = network.exampleGradient(for: input, label: label)
        let (hidden, output, cost) = Self.shapes[shape]
        let name = "\(hidden) \(output) \(cost)"
        // The outputs: the cost as a function of each output's number.
        let outputs = example.activations[2]
        for j in outputs.indices {
            let numeric = Self.derivative({ value in
                var a = outputs
                a[j] = value
                return Self.cost(ofOutputs: a, label: label, network: network)
            }, at: outputs[j])
            #expect(Self.close(example.activationGradients[2][j], numeric), "\(name): output \(j)")
        }
        // A hidden layer: the cost of the layers above it, fed its activations with one nudged.
        for layer in 0..<2 {
            let above = try Network(layers: Array(network.layers[(layer + 1)...]), cost: network.cost)
            let activations = example.activations[layer]
            for j in activations.indices {
                let numeric = Self.derivative({ value in
                    var a = activations
                    a[j] = value
                    return Self.cost(above, a, label: label)
                }, at: activations[j])
                #expect(Self.close(example.activationGradients[layer][j], numeric), "\(name): layer \(layer) neuron \(j)")
            }
        }
        // A few weights and biases, through `parameters` (weights then biases, layer by layer).
        let parameters = network.parameters
        let analytic = example.gradients.flattened
        for index in [0, 7, 29, 30, 34, 35, 50, 54, 55, 60, parameters.count - 1] {
            let numeric = Self.derivative({ value in
                var shifted = network
                var values = parameters
                values[index] = value
                shifted.parameters = values
                return Self.cost(shifted, input, label: label)
            }, at: parameters[index])
            #expect(Self.close(analytic[index], numeric), "\(name): parameter \(index)")
        }
    }
}
