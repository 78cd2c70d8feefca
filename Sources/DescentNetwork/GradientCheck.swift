import DescentLinearAlgebra

/// A comparison of backpropagation's gradient with centred finite differences.
public struct GradientCheck: Sendable {
    /// One network shape checked.
    public struct Case: Sendable {
        /// The hidden layers' activation.
        public let hidden: Activation
        /// The output layer's activation.
        public let output: Activation
        /// The cost the gradient is taken of.
        public let cost: Cost
        /// max over parameters of |backprop − numeric| / max(|backprop|, |numeric|, floor).
        public let maxRelativeError: Double
        /// The number of weights and biases compared.
        public let parameterCount: Int
    }

    /// One case a combination of hidden activation, output activation and cost, in the order checked.
    public let cases: [Case]
    /// The worst relative error over every case.
    public var maxRelativeError: Double { cases.map(\.maxRelativeError).max() ?? 0 }

    /// Gradients smaller than this are compared by their absolute difference, since their relative
    /// error would only measure the finite difference's rounding.
    public static let floor = 1e-7

    /// Checks every hidden activation × output activation × cost on a small random network.
    ///
    /// The numeric gradient is Richardson's extrapolation of centred differences,
    /// (4·D(h/2) − D(h)) / 3 with D(h) = (C(w + h) − C(w − h)) / 2h, whose error is O(h⁴): with
    /// h = 1e-3 in Float64 it is near 1e-12, well below the 1e-6 the check demands of backprop.
    /// The backprop checked is `Network.backpropagate`, the very code that trains.
    /// - Parameters:
    ///   - sizes: The network's layer sizes.
    ///   - batchSize: Examples in the random batch.
    ///   - generator: The source of the random network and batch.
    public static func run(sizes: [Int] = [7, 5, 4, 3], batchSize: Int = 4, using generator: inout some RandomNumberGenerator) -> GradientCheck {
        var cases: [Case] = []
        for hidden in Activation.hidden {
            for output in Activation.output {
                for cost in Cost.allCases {
                    cases.append(check(sizes: sizes, hidden: hidden, output: output, cost: cost,
                                       batchSize: batchSize, using: &generator))
                }
            }
        }
        return GradientCheck(cases: cases)
    }

    static func check(
        sizes: [Int], hidden: Activation, output: Activation, cost: Cost, batchSize: Int,
        using generator: inout some RandomNumberGenerator
    ) -> Case {
        // A ReLU's kink at z = 0 has no derivative; a z within reach of the step h would make
        // the finite difference, not backprop, wrong. Draw until every z is clear of it by 10h
        // (at most 100 draws; then keep the clearest and shrink h to a tenth of its margin).
        var (network, workspace) = randomProblem(sizes: sizes, hidden: hidden, output: output, cost: cost,
                                                 batchSize: batchSize, using: &generator)
        var margin = smallestPreactivation(network, &workspace, count: batchSize)
        for _ in 0..<100 where margin < 1e-2 {
            var (candidate, candidateWorkspace) = randomProblem(sizes: sizes, hidden: hidden, output: output, cost: cost,
                                                                batchSize: batchSize, using: &generator)
            let candidateMargin = smallestPreactivation(candidate, &candidateWorkspace, count: batchSize)
            if candidateMargin > margin { (network, workspace, margin) = (candidate, candidateWorkspace, candidateMargin) }
        }
        let h = min(1e-3, margin / 10)
        let parameters = network.parameters

        var gradients = Gradients(zeroLike: network)
        network.backpropagate(&workspace, count: batchSize, into: &gradients)
        let analytic = gradients.flattened
        var worst = 0.0
        for index in parameters.indices {
            func difference(_ h: Double) -> Double {
                var shifted = network
                var values = parameters
                values[index] = parameters[index] + h
                shifted.parameters = values
                let plus = shifted.cost(&workspace, count: batchSize)
                values[index] = parameters[index] - h
                shifted.parameters = values
                let minus = shifted.cost(&workspace, count: batchSize)
                return (plus - minus) / (2 * h)
            }
            let numeric = (4 * difference(h / 2) - difference(h)) / 3
            let scale = max(abs(analytic[index]), abs(numeric), floor)
            worst = max(worst, abs(analytic[index] - numeric) / scale)
        }
        return Case(hidden: hidden, output: output, cost: cost, maxRelativeError: worst, parameterCount: parameters.count)
    }

    /// A network with Glorot weights and random biases, and a batch of random inputs and labels.
    static func randomProblem(
        sizes: [Int], hidden: Activation, output: Activation, cost: Cost, batchSize: Int,
        using generator: inout some RandomNumberGenerator
    ) -> (Network<Double>, Workspace<Double>) {
        guard var network = try? Network<Double>(sizes: sizes, hidden: hidden, output: output, cost: cost,
                                                 initialization: .glorot, using: &generator) else {
            preconditionFailure("gradient check: sizes \(sizes) do not make a network")
        }
        var parameters = network.parameters
        for index in parameters.indices where parameters[index] == 0 { parameters[index] = generator.standardNormal() * 0.5 }
        network.parameters = parameters
        var workspace = Workspace(for: network, capacity: batchSize)
        for index in workspace.inputs.elements.indices { workspace.inputs.elements[index] = generator.uniformDouble() }
        for row in 0..<batchSize { workspace.labels[row] = generator.uniformInt(below: network.outputCount) }
        return (network, workspace)
    }

    /// The smallest |z| over the hidden ReLU neurons and the batch (infinity without ReLU).
    static func smallestPreactivation(_ network: Network<Double>, _ workspace: inout Workspace<Double>, count: Int) -> Double {
        network.forward(&workspace, count: count)
        var smallest = Double.infinity
        for (index, layer) in network.layers.enumerated() where layer.activation == .relu {
            let input = index == 0 ? workspace.inputs : workspace.activations[index - 1]
            for row in 0..<count {
                for neuron in 0..<layer.outputCount {
                    var z = layer.biases[neuron]
                    for j in 0..<layer.inputCount { z += layer.weights[neuron, j] * input[row, j] }
                    smallest = min(smallest, abs(z))
                }
            }
        }
        return smallest
    }
}
