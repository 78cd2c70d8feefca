import DescentLinearAlgebra
@testable import DescentNetwork
import Testing

@Suite("Dropout")
struct DropoutTests {
    func problem(hidden: Activation, seed: UInt64) throws -> (Network<Double>, Workspace<Double>) {
        var generator = SplitMix64(seed: seed)
        let network = try Network<Double>(sizes: [6, 9, 7, 3], hidden: hidden, output: .softmax, cost: .crossEntropy,
                                          initialization: .glorot, using: &generator)
        var workspace = Workspace(for: network, capacity: 5)
        for index in workspace.inputs.elements.indices { workspace.inputs.elements[index] = generator.uniformDouble() }
        for row in 0..<5 { workspace.labels[row] = row % 3 }
        return (network, workspace)
    }

    @Test("masks keep about 1 − rate of the units, scaled by 1/(1 − rate), and the same seed draws the same masks")
    func masks() throws {
        var (network, workspace) = try problem(hidden: .relu, seed: 1)
        network.layers[0].biases = Array(repeating: 5, count: 9)  // every unit of layer 1 active
        workspace.enableDropout(rate: 0.25)
        var generator = SplitMix64(seed: 7)
        workspace.drawDropoutMasks(count: 5, using: &generator)
        network.forward(&workspace, count: 5)
        var other = workspace
        var again = SplitMix64(seed: 7)
        other.drawDropoutMasks(count: 5, using: &again)
        network.forward(&other, count: 5)
        #expect(other.activations[0] == workspace.activations[0])
        let values = workspace.activations[0].elements
        let dropped = values.filter { $0 == 0 }.count
        #expect(dropped > 0 && dropped < values.count / 2)
        // Big masks: the kept share is close to 0.75.
        var large = Workspace(for: network, capacity: 2000)
        large.enableDropout(rate: 0.25)
        large.drawDropoutMasks(count: 2000, using: &generator)
        large.inputs.elements = large.inputs.elements.map { _ in 0.5 }
        network.forward(&large, count: 2000)
        let kept = large.activations[0].elements.filter { $0 != 0 }
        #expect(abs(Double(kept.count) / Double(2000 * 9) - 0.75) < 0.01)
    }

    /// SplitMix64's stream behind another type, so that masks drawn from it take the general path.
    struct Forwarding: RandomNumberGenerator {
        var inner: SplitMix64
        mutating func next() -> UInt64 { inner.next() }
    }

    @Test("SplitMix64's masks, each drawn from its own place in the stream, are those drawn one after another, and the stream ends in the same place",
          arguments: [([6, 9, 7, 3], 5), ([5, 7, 3, 2], 3), ([4, 11, 2], 1), ([784, 800, 800, 10], 128)])
    func splitMixMasks(sizes: [Int], count: Int) throws {
        var generator = SplitMix64(seed: 3)
        let network = try Network<Float>(sizes: sizes, hidden: .relu, output: .softmax, cost: .crossEntropy,
                                         initialization: .he, using: &generator)
        var fast = Workspace(for: network, capacity: count)
        fast.enableDropout(rate: 0.1)
        var general = fast
        var stream = SplitMix64(seed: 41)
        var forwarded = Forwarding(inner: SplitMix64(seed: 41))
        for _ in 0..<3 {
            fast.drawDropoutMasks(count: count, using: &stream)
            general.drawDropoutMasks(count: count, using: &forwarded)
            #expect(fast.dropoutMasks == general.dropoutMasks)
            #expect(stream == forwarded.inner)
        }
        // Fewer rows than the capacity: the rows past them keep the last masks, as before.
        fast.drawDropoutMasks(count: max(1, count - 1), using: &stream)
        general.drawDropoutMasks(count: max(1, count - 1), using: &forwarded)
        #expect(fast.dropoutMasks == general.dropoutMasks && stream == forwarded.inner)
    }

    @Test("ReLU's backward step under dropout, in C, is the loop's bit for bit", arguments: [1, 7, 64, 1001])
    func droppedOutReluBackward(count: Int) {
        var generator = SplitMix64(seed: UInt64(count))
        let kept = Float(1) / 0.9
        let mask = (0..<count).map { _ in generator.uniformInt(below: 10) == 0 ? Float(0) : kept }
        // Positive, zero and near the smallest normal float outputs, and deltas of either sign.
        let outputs = (0..<count).map { i -> Float in
            switch generator.uniformInt(below: 4) {
            case 0: 0
            case 1: Float.leastNormalMagnitude * 1.05 * mask[i]
            default: Float(generator.uniformDouble()) * mask[i]
            }
        }
        let deltas = (0..<count).map { _ in Float(generator.uniformDouble() * 2 - 1) }
        var fast = deltas
        fast.withUnsafeMutableBufferPointer { delta in
            outputs.withUnsafeBufferPointer { a in
                mask.withUnsafeBufferPointer { Float.droppedOutReluBackward(delta, outputs: a, mask: $0) }
            }
        }
        let expected = (0..<count).map { i -> Float in
            mask[i] == 0 ? 0 : deltas[i] * mask[i] * (outputs[i] / mask[i] > 0 ? 1 : 0)
        }
        #expect(fast.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test("off at evaluation: a workspace without dropout gives the plain forward pass")
    func offAtEvaluation() throws {
        let (network, plain) = try problem(hidden: .relu, seed: 2)
        var evaluation = plain
        network.forward(&evaluation, count: 5)
        var training = plain
        training.enableDropout(rate: 0.5)
        var generator = SplitMix64(seed: 3)
        training.drawDropoutMasks(count: 5, using: &generator)
        network.forward(&training, count: 5)
        #expect(training.outputs != evaluation.outputs)
        training.enableDropout(rate: 0)
        #expect(!training.hasDropout)
        network.forward(&training, count: 5)
        #expect(training.outputs == evaluation.outputs)
    }

    @Test("backpropagation through fixed masks matches centred finite differences", arguments: Activation.hidden)
    func gradient(hidden: Activation) throws {
        var (network, workspace) = try problem(hidden: hidden, seed: 4)
        workspace.enableDropout(rate: 0.4)
        var generator = SplitMix64(seed: 5)
        workspace.drawDropoutMasks(count: 5, using: &generator)
        var gradients = Gradients(zeroLike: network)
        network.backpropagate(&workspace, count: 5, into: &gradients)
        let analytic = gradients.flattened
        let parameters = network.parameters
        let h = 1e-5
        var worst = 0.0
        for index in parameters.indices {
            var shifted = network
            var values = parameters
            values[index] += h
            shifted.parameters = values
            let plus = shifted.cost(&workspace, count: 5)
            values[index] = parameters[index] - h
            shifted.parameters = values
            let minus = shifted.cost(&workspace, count: 5)
            let numeric = (plus - minus) / (2 * h)
            worst = max(worst, abs(numeric - analytic[index]) / max(abs(numeric), abs(analytic[index]), 1e-6))
        }
        #expect(worst < 1e-5)
    }
}
