import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork
import Dispatch
import Foundation

extension TrainingRun {
    /// Trains until the last epoch ends, early stopping ends it, or `shouldStop` answers true.
    ///
    /// Every image (training, validation and test) first goes through the configuration's
    /// preprocessing. A fresh run draws its starting network from `SplitMix64(seed:)` and goes on
    /// drawing from the same generator; a resumed one continues from its checkpoint, and ends with
    /// the same model, bit for bit, as a run that never stopped.
    /// - Parameters:
    ///   - progress: Called with `.started` once (fresh runs), progress about a hundred times an
    ///     epoch, and each epoch's report and network.
    ///   - shouldStop: Asked at the start of each epoch and before each later mini-batch; when it
    ///     answers true the run saves a checkpoint (with `checkpointing`) and returns, `stopped` set.
    /// - Returns: The model with its metadata, the reports, and the test set's evaluation.
    /// - Throws: `TrainingError.diverged` (with the last good model) when the cost stops being a
    ///   finite number, `.data` when a resumed checkpoint was made on other data, `.checkpoint` when a
    ///   checkpoint cannot be written.
    /// - Complexity: O(epochs · training.count · parameterCount).
    public func run(
        progress: (TrainingProgress) -> Void = { _ in }, shouldStop: () -> Bool = { false }
    ) throws(TrainingError) -> TrainingOutcome {
        if let resumed, teacher == nil, let name = resumed.metadata["teacher"] {
            throw .data("the checkpoint's run was taught by \(name); give the same teacher (distill(from:), --teacher) to resume it")
        }
        let callerMode = SubnormalFlushing.enter()  // see SubnormalFlushing; restored on return
        defer { SubnormalFlushing.restore(callerMode) }
        let prepared = preparedData()
        // Identifies the data in the model file and the checkpoint. A fresh run hashes on a worker
        // thread while it starts to train (0.02 s of MNIST); a resumed one must check it first.
        let hashing = Hashing(prepared.training, onWorker: configuration.threads > 1)
        var state = try startingState(training: prepared.training, sha256: resumed == nil ? "" : hashing.sha256)
        if resumed == nil {
            let accuracy = prepared.validation.count == 0 ? 0 : Evaluation(network: state.network, on: prepared.validation, threads: configuration.threads).accuracy
            progress(.started(network: state.network, validationAccuracy: accuracy))
        }
        var testAccuracies = resumed.map(Self.testAccuracies) ?? []
        var failure: TrainingError?
        var trainer = Trainer(configuration: configuration)
        trainer.teacher = teacher.map { DistillingTeacher(network: $0.model.network, alpha: Float($0.alpha), temperature: Float($0.temperature)) }
        // A small network's epoch is validated on the second core while the next one trains (a
        // seventh of the video's run); a large one's products use both cores themselves.
        trainer.validatesAhead = configuration.threads > 1 && checkpointing?.everyEpochs == nil
            && configuration.batchSize * state.network.parameterCount <= 1 << 20
        do {
            try trainer.run(&state, on: prepared.training, validation: prepared.validation, progress: { event in
                if measuresTestEveryEpoch, case .networkAfterEpoch(_, let network) = event {
                    testAccuracies.append(Evaluation(network: network, on: prepared.test, threads: configuration.threads).accuracy)
                }
                progress(event)
            }, shouldStop: { failure != nil || shouldStop() }, epochEnded: { state in
                guard let checkpointing, let every = checkpointing.everyEpochs,
                      (state.epoch - 1) % every == 0, !trainer.isFinished(state) else { return }
                do throws(TrainingError) {
                    try save(checkpoint(state, sha256: hashing.sha256, testAccuracies: testAccuracies), to: checkpointing.path)
                } catch {
                    failure = error
                }
            })
        } catch {
            let lastGood = state.lastGood.map {
                model($0, reports: state.reports, bestEpoch: nil, test: nil, training: prepared.training, sha256: hashing.sha256)
            }
            switch error {
            case .diverged(let epoch, let batch, let learningRate, _, _):
                throw .diverged(epoch: epoch, batch: batch, learningRate: learningRate, lastGood: lastGood)
            }
        }
        if let failure { throw failure }
        guard trainer.isFinished(state) else {
            let stopped = checkpoint(state, sha256: hashing.sha256, testAccuracies: testAccuracies)
            if let checkpointing { try save(stopped, to: checkpointing.path) }
            return TrainingOutcome(
                model: model(state.network, reports: state.reports, bestEpoch: nil, test: nil, training: prepared.training, sha256: hashing.sha256),
                epochs: state.reports, bestEpoch: nil, test: nil, testAccuracies: testAccuracies, testExamples: prepared.test, stopped: stopped)
        }
        let network = state.best ?? state.network
        let test = prepared.test.count == 0 ? nil : Evaluation(network: network, on: prepared.test, threads: configuration.threads)
        return TrainingOutcome(
            model: model(network, reports: state.reports, bestEpoch: state.bestEpoch, test: test, training: prepared.training, sha256: hashing.sha256),
            epochs: state.reports, bestEpoch: state.bestEpoch, test: test, testAccuracies: testAccuracies, testExamples: prepared.test, stopped: nil)
    }

    // MARK: - The steps

    /// The three splits as the network sees them: through the configuration's preprocessing.
    func preparedData() -> (training: LabeledExamples, validation: LabeledExamples, test: LabeledExamples) {
        let preprocessing = configuration.preprocessing
        func prepared(_ examples: LabeledExamples) -> LabeledExamples {
            guard let images = examples.images else { return examples }  // features: none allowed (`init`)
            return .images(preprocessing.apply(to: images))
        }
        return (prepared(data.training), prepared(data.validation), prepared(data.test))
    }

    /// A fresh run's first state (its network drawn from the seed, or the one it fine-tunes), or the resumed checkpoint's,
    /// after checking that it was made on these very examples.
    func startingState(training: LabeledExamples, sha256: String) throws(TrainingError) -> TrainingState<SplitMix64> {
        if let resumed {
            let saved = resumed.metadata["training_sha256"] ?? "(none)"
            guard saved == sha256 else {
                throw .data("the checkpoint was made on \(resumed.state.order.count) training examples with SHA-256 \(saved), "
                    + "but the \(data.name) data given has \(training.count) with SHA-256 \(sha256) after \(configuration.preprocessing.rawValue) preprocessing")
            }
            return resumed.state
        }
        var generator = SplitMix64(seed: configuration.seed)
        let network: Network<Float>
        do {
            if let startingNetwork { network = startingNetwork } else { network = try configuration.makeNetwork(using: &generator) }
        } catch {
            throw .configuration(.invalid(option: "layers", value: configuration.sizes.description, expected: error.description))
        }
        return TrainingState(network: network, configuration: configuration, trainingCount: training.count, generator: generator)
    }

    /// The model file's content: the network and every key that says how it was made.
    func model(
        _ network: Network<Float>, reports: [EpochReport], bestEpoch: Int?, test: Evaluation?, training: LabeledExamples, sha256: String
    ) -> Model {
        var metadata = modelMetadata
        metadata.merge(configuration.metadata) { _, own in own }
        if let teacher { metadata.merge(teacher.metadata) { _, own in own } }
        metadata["dataset"] = data.name
        metadata["training_examples"] = "\(training.count)"
        metadata["input_width"] = "\(training.width)"
        if let names = data.classNames { metadata["class_names"] = Model.encodeClassNames(names) }
        metadata["training_sha256"] = sha256
        metadata["epochs_completed"] = "\(reports.count)"
        if let kept = bestEpoch.map({ reports[$0 - 1] }) ?? reports.last { metadata["validation_accuracy"] = "\(kept.validationAccuracy)" }
        if let bestEpoch { metadata["best_epoch"] = "\(bestEpoch)" }
        if let test { metadata["test_accuracy"] = "\(test.accuracy)" }
        return Model(network: network, metadata: metadata)
    }

    /// The checkpoint of `state`, with what resuming needs to find the same data again.
    func checkpoint(_ state: TrainingState<SplitMix64>, sha256: String, testAccuracies: [Double]) -> TrainingCheckpoint {
        var metadata = checkpointMetadata
        for (key, value) in modelMetadata { metadata[Self.modelKeyPrefix + key] = value }
        if let teacher { metadata.merge(teacher.metadata) { _, own in own } }
        metadata["dataset"] = data.name
        metadata["training_sha256"] = sha256
        if measuresTestEveryEpoch { metadata["test_accuracies"] = testAccuracies.map { "\($0)" }.joined(separator: ",") }
        return TrainingCheckpoint(configuration: configuration, state: state, metadata: metadata)
    }

    func save(_ checkpoint: TrainingCheckpoint, to path: String) throws(TrainingError) {
        do {
            try checkpoint.save(to: path)
        } catch {
            throw .checkpoint(path: path, reason: "\(error)")
        }
    }

    /// The test accuracy after each completed epoch, as a checkpoint of a run that measured it keeps it.
    static func testAccuracies(in checkpoint: TrainingCheckpoint) -> [Double] {
        (checkpoint.metadata["test_accuracies"] ?? "").split(separator: ",").compactMap { Double($0) }
    }
}

/// The SHA-256 of a run's training examples, computed on a worker thread from the start, or at
/// once where the run may use one thread only.
private final class Hashing: @unchecked Sendable {
    // The worker writes `value` before `done.signal()`; readers wait on `done` first.
    private var value = ""
    private let done = DispatchSemaphore(value: 0)
    private var finished = false
    private let lock = NSLock()
    private var worker: WorkerThread?

    init(_ examples: LabeledExamples, onWorker: Bool) {
        guard onWorker else {
            value = examples.sha256
            finished = true
            return
        }
        worker = WorkerThread(name: "descent.hashing")
        worker?.submit { [self] in
            value = examples.sha256
            done.signal()
        }
    }

    /// The hash, lowercase hex, waiting for the worker if need be.
    var sha256: String {
        lock.lock()
        defer { lock.unlock() }
        if !finished {
            done.wait()
            finished = true
        }
        return value
    }
}
