import DescentNetwork

// Every value checked before any work starts, each refusal naming the option and what it may be.

extension TrainingConfiguration {
    /// Checks every value, so that a bad one is reported before any work starts.
    /// - Throws: `ConfigurationError` naming the option and what is allowed.
    public func validate(inputCount: Int = 784, classCount: Int = 10) throws(ConfigurationError) {
        guard sizes.count >= 2 else { throw .invalid(option: "layers", value: sizes.description, expected: "at least two sizes") }
        guard sizes.first == inputCount else {
            throw .invalid(option: "layers", value: "\(sizes[0])", expected: "the first size to be the \(inputCount) pixels")
        }
        guard sizes.last == classCount else {
            throw .invalid(option: "layers", value: "\(sizes[sizes.count - 1])", expected: "the last size to be the \(classCount) classes")
        }
        if let bad = sizes.first(where: { $0 < 1 || $0 > 100_000 }) {
            throw .invalid(option: "layers", value: "\(bad)", expected: "sizes from 1 to 100000")
        }
        guard Activation.hidden.contains(hidden) else {
            throw .invalid(option: "activation", value: hidden.rawValue, expected: Activation.hidden.map(\.rawValue).joined(separator: ", "))
        }
        guard Activation.output.contains(output) else {
            throw .invalid(option: "output", value: output.rawValue, expected: Activation.output.map(\.rawValue).joined(separator: ", "))
        }
        guard learningRate.isFinite, learningRate > 0 else {
            throw .invalid(option: "learning-rate", value: "\(learningRate)", expected: "a positive number")
        }
        guard momentum.isFinite, momentum >= 0, momentum < 1 else {
            throw .invalid(option: "momentum", value: "\(momentum)", expected: "a number in 0..<1")
        }
        guard weightDecay.isFinite, weightDecay >= 0 else {
            throw .invalid(option: "weight-decay", value: "\(weightDecay)", expected: "zero or a positive number")
        }
        guard batchSize >= 1, batchSize <= 65_536 else {
            throw .invalid(option: "batch-size", value: "\(batchSize)", expected: "1 to 65536")
        }
        guard threads >= 1, threads <= 256 else { throw .invalid(option: "threads", value: "\(threads)", expected: "1 to 256") }
        guard optimizer != .nesterov || momentum > 0 else {
            throw .invalid(option: "momentum", value: "\(momentum)", expected: "a number in 0<..<1 with --optimizer nesterov (e.g. 0.9)")
        }
        guard optimizer != .adam || momentum == 0 else {
            throw .invalid(option: "momentum", value: "\(momentum)", expected: "0 with --optimizer adam (Adam keeps its own moments)")
        }
        guard epochs >= 1, epochs <= 100_000 else { throw .invalid(option: "epochs", value: "\(epochs)", expected: "1 to 100000") }
        try validateLadder()
    }

    /// Checks the schedule, dropout, augmentation and early-stopping values.
    func validateLadder() throws(ConfigurationError) {
        guard schedule.warmupEpochs >= 0, schedule.warmupEpochs < epochs || schedule.warmupEpochs == 0 else {
            throw .invalid(option: "warmup-epochs", value: "\(schedule.warmupEpochs)", expected: "0 to \(epochs - 1) (fewer than --epochs)")
        }
        guard schedule.stepEvery >= 1 else { throw .invalid(option: "step-every", value: "\(schedule.stepEvery)", expected: "1 or more epochs") }
        guard schedule.stepFactor.isFinite, schedule.stepFactor > 0, schedule.stepFactor <= 1 else {
            throw .invalid(option: "step-factor", value: "\(schedule.stepFactor)", expected: "a number in 0<...1")
        }
        guard dropout.isFinite, dropout >= 0, dropout < 1 else {
            throw .invalid(option: "dropout", value: "\(dropout)", expected: "a probability in 0..<1")
        }
        if let bad = augmentation.invalidOption { throw .invalid(option: bad.option, value: bad.value, expected: bad.expected) }
        if let patience, patience < 1 { throw .invalid(option: "patience", value: "\(patience)", expected: "1 or more epochs") }
    }
}


/// An option value that cannot be used.
public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `--option value` cannot be used; `expected` says what can (a range, or the allowed names).
    case invalid(option: String, value: String, expected: String)

    /// One line for a person, in the command line's words: `--epochs 0 is not allowed; expected 1 to 100000`.
    public var description: String {
        switch self {
        case .invalid(let option, let value, let expected):
            return "--\(option) \(value) is not allowed; expected \(expected)"
        }
    }
}
