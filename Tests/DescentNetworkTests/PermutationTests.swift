import DescentLinearAlgebra
import DescentNetwork
import Testing

@Suite("Permuting hidden neurons and interpolating networks")
struct PermutationTests {
    /// A random ordering of 0..<count.
    func randomPermutation(_ count: Int, using generator: inout SplitMix64) -> [Int] {
        var permutation = Array(0..<count)
        generator.shuffle(&permutation)
        return permutation
    }

    /// Random inputs in 0...1.
    func randomInputs(_ count: Int, using generator: inout SplitMix64) -> [Float] {
        (0..<count).map { _ in Float(generator.uniformDouble()) }
    }

    @Test("a permuted network computes exactly the same outputs", arguments: [Activation.sigmoid, .relu, .tanh])
    func sameFunction(hidden: Activation) throws {
        var generator = SplitMix64(seed: 41)
        let network = try Network<Float>(sizes: [30, 16, 12, 10], hidden: hidden, output: .softmax, cost: .crossEntropy, using: &generator)
        let permutations = network.layers.dropLast().map { randomPermutation($0.outputCount, using: &generator) }
        let permuted = network.permutingHiddenNeurons(by: permutations)
        #expect(permuted != network)
        #expect(permuted.parameterNorm == network.parameterNorm)
        for _ in 0..<20 {
            let input = randomInputs(30, using: &generator)
            let (before, after) = (network.prediction(for: input), permuted.prediction(for: input))
            // The first hidden layer's sums are untouched, so its activations are the same numbers renumbered;
            // later layers add their inputs in the new order, which may change the last bits.
            #expect(permutations[0].map { before.activations[0][$0] } == after.activations[0])
            #expect(zip(permutations[1].map { before.activations[1][$0] }, after.activations[1]).allSatisfy { abs($0 - $1) <= 1e-6 })
            #expect(zip(before.outputs, after.outputs).allSatisfy { abs($0 - $1) <= 1e-6 })
            #expect(before.label == after.label)
        }
    }

    @Test("rows, biases and the next layer's columns move together; the inverse permutation undoes it")
    func whatMoves() throws {
        var generator = SplitMix64(seed: 42)
        let network = try Network<Double>(sizes: [3, 4, 2], using: &generator)
        let permutation = [2, 0, 3, 1]
        let permuted = network.permutingHiddenNeurons(by: [permutation])
        for (new, old) in permutation.enumerated() {
            #expect(permuted.layers[0].biases[new] == network.layers[0].biases[old])
            for column in 0..<3 { #expect(permuted.layers[0].weights[new, column] == network.layers[0].weights[old, column]) }
            for row in 0..<2 { #expect(permuted.layers[1].weights[row, new] == network.layers[1].weights[row, old]) }
        }
        #expect(permuted.layers[1].biases == network.layers[1].biases)
        var inverse = [Int](repeating: 0, count: 4)
        for (new, old) in permutation.enumerated() { inverse[old] = new }
        #expect(permuted.permutingHiddenNeurons(by: [inverse]) == network)
        #expect(network.permutingHiddenNeurons(by: [[0, 1, 2, 3]]) == network)
    }

    @Test("interpolation: the ends are the two networks bit for bit, the middle is the mean")
    func interpolation() throws {
        var generator = SplitMix64(seed: 43)
        let a = try Network<Float>(sizes: [20, 8, 10], using: &generator)
        let b = try Network<Float>(sizes: [20, 8, 10], using: &generator)
        #expect(a.interpolated(toward: b, at: 0) == a)
        #expect(a.interpolated(toward: b, at: 1) == b)
        let middle = a.interpolated(toward: b, at: 0.5)
        for (index, value) in middle.parameters.enumerated() {
            #expect(abs(value - (a.parameters[index] + b.parameters[index]) / 2) <= 1e-6)
        }
        // The distance is the norm of the difference, and half of it to the midpoint.
        let difference = zip(a.parameters, b.parameters).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }.squareRoot()
        #expect(abs(a.parameterDistance(to: b) - difference) < 1e-9 * difference)
        #expect(abs(a.parameterDistance(to: middle) - difference / 2) < 1e-5 * difference)
        #expect(a.parameterDistance(to: a) == 0)
        let norm = a.parameters.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(a.parameterNorm - norm) < 1e-9 * norm)
    }
}
