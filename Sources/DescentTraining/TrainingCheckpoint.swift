package import DescentLinearAlgebra
import DescentNetwork
import DescentSafetensors

/// A training run saved between two mini-batches, to be resumed later with the same result, bit
/// for bit, as a run that never stopped.
///
/// The file is safetensors, so any reader can look inside: the network (`network.layers.<i>.*`),
/// the network at the end of the last epoch (`last_good.layers.<i>.*`), with early stopping the best
/// epoch's network (`best.layers.<i>.*`, its epoch in `best_epoch`), the optimizer's running
/// state (`optimizer.velocity.<i>.*`, `optimizer.first_moment.<i>.*`, `optimizer.second_moment.<i>.*`),
/// the epoch's order of examples (`order`, I32) and the completed epochs' reports (`reports`, F64
/// rows of epoch, training cost, training accuracy, validation accuracy, seconds). Its metadata
/// holds the configuration (as a model file does), the position (`epoch`, `batch`), the
/// generator's state and whatever the caller adds.
public struct TrainingCheckpoint: Sendable {
    /// The recipe of the run.
    public package(set) var configuration: TrainingConfiguration
    package var state: TrainingState<SplitMix64>
    /// The caller's own keys, e.g. which data the run trains on and where its model goes.
    public var metadata: [String: String]

    /// The epoch in progress, from 1 (one past the last when the run had ended).
    public var epoch: Int { state.epoch }
    /// The next mini-batch of `epoch`, from 0.
    public var batch: Int { state.batch }
    /// The number of training examples the run trains on.
    public var trainingCount: Int { state.order.count }

    /// The value of `format` this version writes and reads.
    public static var fileFormat: String { "descent-checkpoint/1" }

    package init(configuration: TrainingConfiguration, state: TrainingState<SplitMix64>, metadata: [String: String] = [:]) {
        self.configuration = configuration
        self.state = state
        self.metadata = metadata
    }

    /// Writes the checkpoint atomically: a crash leaves the old file or the new one.
    /// - Throws: `FileError` naming `path`.
    public func save(to path: String) throws {
        try file.write(to: path)
    }

    /// The file's bytes; the same checkpoint always gives the same bytes.
    public func encoded() -> [UInt8] { file.encoded() }

    /// Reads and checks a checkpoint file.
    /// - Throws: `FileError`, `SafetensorsError` or `CheckpointError`, each naming `path`.
    public static func load(_ path: String) throws -> TrainingCheckpoint {
        try TrainingCheckpoint(file: SafetensorsFile.read(path), source: path)
    }

    var file: SafetensorsFile {
        var tensors: [String: Tensor] = [:]
        func add(_ network: Network<Float>?, prefix: String) {
            guard let network else { return }
            for (name, tensor) in network.safetensors().tensors { tensors[prefix + name] = tensor }
        }
        func add(_ gradients: Gradients<Float>?, prefix: String) {
            guard let gradients else { return }
            for index in gradients.weights.indices {
                let weights = gradients.weights[index]
                tensors["\(prefix)\(index).weight"] = Tensor(weights.elements, shape: [weights.rows, weights.columns])
                tensors["\(prefix)\(index).bias"] = Tensor(gradients.biases[index], shape: [gradients.biases[index].count])
            }
        }
        add(state.network, prefix: "network.")
        add(state.lastGood, prefix: "last_good.")
        add(state.best, prefix: "best.")
        var all = metadata
        switch state.optimizer {
        case .sgd(let sgd):
            add(sgd.velocity, prefix: "optimizer.velocity.")
        case .adam(let adam):
            add(adam.firstMoment, prefix: "optimizer.first_moment.")
            add(adam.secondMoment, prefix: "optimizer.second_moment.")
            all["adam_steps"] = "\(adam.steps)"
        }
        var orderBytes: [UInt8] = []
        orderBytes.reserveCapacity(4 * state.order.count)
        for index in state.order {
            let value = UInt32(truncatingIfNeeded: index)
            for shift in stride(from: 0, to: 32, by: 8) { orderBytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
        }
        tensors["order"] = Tensor(dtype: .i32, shape: [state.order.count], bytes: orderBytes)
        let rows = state.reports.flatMap {
            [Double($0.epoch), $0.trainingCost, $0.trainingAccuracy, $0.validationAccuracy, $0.seconds]
        }
        tensors["reports"] = Tensor(rows, shape: [state.reports.count, 5])
        all.merge(configuration.metadata) { _, own in own }
        all["format"] = Self.fileFormat
        all["epoch"] = "\(state.epoch)"
        all["batch"] = "\(state.batch)"
        all["correct"] = "\(state.correct)"
        all["cost_sum"] = "\(state.costSum)"
        all["epoch_seconds"] = "\(state.epochSeconds)"
        all["generator"] = "\(state.generator.state)"
        if let bestEpoch = state.bestEpoch { all["best_epoch"] = "\(bestEpoch)" }
        return SafetensorsFile(tensors: tensors, metadata: all)
    }
}

/// A safetensors file that is well formed but not a checkpoint this version can resume.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's `format` metadata is `format` (nil: absent) rather than a Descent training checkpoint's.
    case notACheckpoint(source: String, format: String?)
    /// The metadata's `key` holds `value`, which cannot be read; `expected` says what can.
    case badMetadata(source: String, key: String, value: String, expected: String)
    /// The tensor `name` is missing or not what the checkpoint's network and optimizer need; `problem` says how.
    case badTensor(source: String, name: String, problem: String)
    /// The file holds a tensor `name` that the checkpoint's network and optimizer do not use.
    case unexpectedTensor(source: String, name: String)

    /// One line for a person: the file, then what is wrong in it.
    public var description: String {
        switch self {
        case .notACheckpoint(let source, let format):
            return "\(source): not a Descent training checkpoint (format \(format.map { "\"\($0)\"" } ?? "missing"); "
                + "expected \"\(TrainingCheckpoint.fileFormat)\")"
        case .badMetadata(let source, let key, let value, let expected):
            return "\(source): checkpoint metadata \"\(key)\" is \"\(value)\"; expected \(expected)"
        case .badTensor(let source, let name, let problem):
            return "\(source): checkpoint tensor \(name) \(problem)"
        case .unexpectedTensor(let source, let name):
            return "\(source): unexpected tensor \(name) in a checkpoint"
        }
    }
}
