package import DescentNetwork
import DescentLinearAlgebra

/// A copy of a network that learns from single labelled examples, one step of gradient descent at a
/// time, and can take its last steps back: the video's "what does this one digit ask of the network?",
/// answered by letting the network do it.
///
/// A step is the trainer's: backpropagation on the one example (`Network.exampleGradient`), then
/// `SGD.update` without momentum or decay, w ← w − η·∂C/∂w. The network the copy was made from is a
/// value and is never changed.
///
/// Undo keeps no copies of the network: it replays the kept steps from the network before the
/// oldest of them, which gives back the same numbers bit for bit (the same operations in the same
/// order). So a copy holds two networks, `start` and `network`, and each kept step's example,
/// whatever the number of steps. At most `undoLimit` steps are kept; taking one more folds the
/// oldest into `start`, and it can no longer be undone.
package struct LearningCopy: Sendable {
    /// One step taken.
    package struct Step: Equatable, Sendable {
        /// The example's input, as given.
        package let input: [Float]
        /// The example's class.
        package let label: Int
        /// η, the step's size.
        package let learningRate: Float
        /// The example's cost just before the step.
        package let costBefore: Float
        /// The example's cost just after it.
        package let costAfter: Float
    }

    /// The network now, after every step.
    package private(set) var network: Network<Float>
    /// The network before the oldest kept step: what undoing every kept step gives back.
    package private(set) var start: Network<Float>
    /// The steps that can be undone, oldest first.
    package private(set) var steps: [Step] = []
    /// Every step taken since the copy was made or reset, kept or folded into `start`.
    package private(set) var stepCount = 0
    /// The most steps kept for undo.
    package let undoLimit: Int

    /// A copy of `network` with no steps taken.
    /// - Parameters:
    ///   - network: The network to learn from; the caller's value is never changed.
    ///   - undoLimit: The most steps that can be undone (at least 0).
    package init(_ network: Network<Float>, undoLimit: Int = 50) {
        self.network = network
        start = network
        self.undoLimit = max(0, undoLimit)
    }

    /// Takes one step of gradient descent on one example: backpropagation, then w ← w − η·∂C/∂w.
    /// - Parameters:
    ///   - input: `network.inputCount` numbers, usually in 0...1.
    ///   - label: The example's class, in `0..<network.outputCount`.
    ///   - learningRate: η, finite and above 0.
    /// - Returns: The step, with the example's cost before and after it.
    /// - Throws: `LearningCopyError.notFinite` when the step would make a weight, a bias or the cost
    ///   infinite or NaN (a learning rate far too large); the copy is then unchanged.
    /// - Precondition: as `Network.exampleGradient`'s, and `learningRate` finite and above 0.
    /// - Complexity: O(parameterCount).
    @discardableResult
    package mutating func step(on input: [Float], label: Int, learningRate: Float) throws(LearningCopyError) -> Step {
        precondition(learningRate.isFinite && learningRate > 0, "LearningCopy.step: learning rate \(learningRate); expected a finite number above 0")
        var next = network
        let costBefore = Self.descend(&next, on: input, label: label, learningRate: learningRate)
        let costAfter = next.exampleGradient(for: input, label: label).cost
        guard costAfter.isFinite, Self.isFinite(next) else { throw .notFinite(learningRate: learningRate) }
        let step = Step(input: input, label: label, learningRate: learningRate, costBefore: costBefore, costAfter: costAfter)
        network = next
        steps.append(step)
        stepCount += 1
        if steps.count > undoLimit {
            let oldest = steps.removeFirst()
            Self.descend(&start, on: oldest.input, label: oldest.label, learningRate: oldest.learningRate)
        }
        return step
    }

    /// Takes back the last kept step, by replaying the others from `start`.
    /// - Returns: The step taken back; nil when no step is kept.
    /// - Complexity: O(steps.count · parameterCount).
    @discardableResult
    package mutating func undo() -> Step? {
        guard let last = steps.popLast() else { return nil }
        var replayed = start
        for step in steps { Self.descend(&replayed, on: step.input, label: step.label, learningRate: step.learningRate) }
        network = replayed
        stepCount -= 1
        return last
    }

    /// Starts again from `network`, with no steps.
    package mutating func reset(to network: Network<Float>) {
        self.network = network
        start = network
        steps = []
        stepCount = 0
    }

    /// One step on `network`, the one code path `step` and the replays share.
    /// - Returns: The example's cost before the step.
    @discardableResult
    private static func descend(_ network: inout Network<Float>, on input: [Float], label: Int, learningRate: Float) -> Float {
        let example = network.exampleGradient(for: input, label: label)
        var sgd = SGD<Float>(learningRate: learningRate)
        sgd.update(&network, with: example.gradients)
        return example.cost
    }

    private static func isFinite(_ network: Network<Float>) -> Bool {
        network.layers.allSatisfy { layer in layer.weights.elements.allSatisfy(\.isFinite) && layer.biases.allSatisfy(\.isFinite) }
    }
}

/// A step a `LearningCopy` refused.
package enum LearningCopyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A step of size `learningRate` would have made the network's numbers or the cost infinite or NaN.
    case notFinite(learningRate: Float)

    /// One line for a person: what happened and what to do.
    package var description: String {
        switch self {
        case .notFinite(let learningRate):
            return "a step with learning rate \(learningRate) makes the network's numbers overflow (not finite); "
                + "the copy is unchanged: take a smaller step"
        }
    }
}
