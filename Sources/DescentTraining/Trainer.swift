package import DescentDatasets
public import DescentLinearAlgebra
public import DescentNetwork
import Dispatch

/// What one epoch of training found.
public struct EpochReport: Sendable, Equatable, Codable {
    /// From 1.
    public let epoch: Int
    /// The mean cost over the epoch's mini-batches (each measured before its update), plus the
    /// L2 term λ/(2n) Σ w² at the end of the epoch when weight decay is on.
    public let trainingCost: Double
    /// The share of training examples classified right, each before its batch's update.
    public let trainingAccuracy: Double
    /// The share of the validation set classified right at the end of the epoch.
    public let validationAccuracy: Double
    /// Wall-clock seconds the epoch spent training, its validation not counted.
    public let seconds: Double
}

/// What a run reports while it works: its start, its progress through each epoch, and each epoch's end.
public enum TrainingProgress: Sendable {
    /// A fresh run is about to take its first step: the network it starts from, and that network's
    /// validation accuracy (the first point of a learning curve).
    case started(network: Network<Float>, validationAccuracy: Double)
    /// `done` of `total` examples of `epoch` have been used.
    case progress(epoch: Int, done: Int, total: Int)
    /// An epoch has finished.
    case epochFinished(EpochReport)
    /// The network as it is at the end of `epoch`, sent right after `.epochFinished`, for callers
    /// that measure more than the validation accuracy (test accuracy per epoch, for a report).
    /// It shares storage with the trainer's copy: nothing is copied unless the caller mutates it.
    case networkAfterEpoch(epoch: Int, network: Network<Float>)
}

extension Trainer {
    /// A trained network and the reports of its epochs.
    package struct Result: Sendable {
        /// The last network, or with early stopping the network of the best epoch.
        package let network: Network<Float>
        package let epochs: [EpochReport]
        /// With early stopping, the epoch (from 1) whose network is returned; nil without.
        package let bestEpoch: Int?

        package init(network: Network<Float>, epochs: [EpochReport], bestEpoch: Int? = nil) {
            self.network = network
            self.epochs = epochs
            self.bestEpoch = bestEpoch
        }
    }
}

/// Training that had to stop; a run reports it as `TrainingError.diverged`.
package enum TrainerError: Error, Sendable, CustomStringConvertible {
    /// The cost became NaN or infinite. `lastGood` is the network at the end of the last
    /// completed epoch (nil if the first epoch failed), and `epochs` their reports.
    case diverged(epoch: Int, batch: Int, learningRate: Double, lastGood: Network<Float>?, epochs: [EpochReport])

    /// The same divergence as a run reports it, with no model kept (`TrainingError.diverged`).
    package var trainingError: TrainingError {
        switch self {
        case .diverged(let epoch, let batch, let learningRate, _, _):
            return .diverged(epoch: epoch, batch: batch, learningRate: learningRate, lastGood: nil)
        }
    }

    /// One line for a person, as the run reports it.
    package var description: String { trainingError.description }
}

/// Mini-batch stochastic gradient descent over a set of labelled images.
package struct Trainer: Sendable {
    package let configuration: TrainingConfiguration
    /// The teacher of a distilled run: each batch's cost is the distillation cost (`DistillationTargets`).
    package var teacher: DistillingTeacher?
    /// Whether the next batch's distortions are made on a worker thread while the current batch
    /// trains; the model is the same either way (`false` is for the test that shows it). On by
    /// default only where the run may use two threads: a run told to use one starts no helper.
    package var distortsAhead: Bool
    /// Whether each epoch's validation runs on a worker thread while the next epoch trains, its
    /// report (and `.epochFinished`) coming as soon as it is done: for networks too small for a
    /// second thread to help their own products. The model and the reports are the same either
    /// way. Needs no early stopping (`patience`), which must know an epoch's accuracy before the
    /// next begins; `epochEnded` then sees each state without its last report.
    package var validatesAhead = false

    package init(configuration: TrainingConfiguration) {
        self.configuration = configuration
        distortsAhead = configuration.threads > 1
    }

    /// Trains `network` for `configuration.epochs` epochs, shuffling the training set at the start of
    /// each epoch with `generator`, and measuring the validation set after each.
    /// - Parameters:
    ///   - network: The starting network (usually `configuration.makeNetwork(using:)`).
    ///   - training: The examples it learns from.
    ///   - validation: The examples it is measured on after each epoch (may be empty).
    ///   - generator: The source of the shuffles.
    ///   - progress: Called with progress about a hundred times an epoch, and after each epoch.
    ///   - shouldStop: Asked at the start of each epoch and before each of its later mini-batches;
    ///     when it answers true, training stops there and returns the network as it is, with the reports of the epochs completed (a web page's cancel).
    /// - Throws: `TrainerError.diverged` if the cost stops being a finite number.
    /// - Complexity: O(epochs · training.count · network.parameterCount).
    @_specialize(exported: true, where Generator == SplitMix64)
    package func train<Generator: RandomNumberGenerator>(
        _ network: Network<Float>, on training: LabeledImages, validation: LabeledImages,
        using generator: inout Generator, progress: (TrainingProgress) -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) throws(TrainerError) -> Trainer.Result {
        var state = TrainingState(network: network, configuration: configuration, trainingCount: training.count, generator: generator)
        defer { generator = state.generator }
        try run(&state, on: .images(training), validation: .images(validation), progress: progress, shouldStop: shouldStop)
        return Trainer.Result(network: state.best ?? state.network, epochs: state.reports, bestEpoch: state.bestEpoch)
    }

    /// Trains from `state` until its last epoch ends or `shouldStop` answers true, leaving `state`
    /// where training stands: at the next batch, ready to be saved (`TrainingCheckpoint`) or run on.
    /// - Parameters:
    ///   - state: Where to begin; updated batch by batch.
    ///   - training: The examples it learns from: the same, in the same order, as when `state` began.
    ///   - validation: The examples it is measured on after each epoch (may be empty).
    ///   - progress: Called with progress about a hundred times an epoch, and after each epoch.
    ///   - shouldStop: Asked at the start of each epoch (before its shuffle) and before each later
    ///     mini-batch; when it answers true, training stops there, with `state.network` up to date.
    ///   - epochEnded: Called with the state after each epoch, its report already in `reports`.
    /// - Throws: `TrainerError.diverged` if the cost stops being a finite number.
    ///
    /// Each batch draws from `state.generator`, in this order: the distortions of its images, one after
    /// another (when `configuration.augmentation` is on), then the dropout masks (when
    /// `configuration.dropout` > 0). Each step's learning rate is `configuration.learningRate` times the
    /// schedule's factor at that epoch and batch. With `configuration.patience`, the best epoch's network
    /// is kept in `state.best`, and training ends once that many epochs have passed without improvement.
    @_specialize(exported: true, where Generator == SplitMix64)
    package func run<Generator: RandomNumberGenerator>(
        _ state: inout TrainingState<Generator>, on training: LabeledExamples, validation: LabeledExamples,
        progress: (TrainingProgress) -> Void = { _ in }, shouldStop: () -> Bool = { false },
        epochEnded: (TrainingState<Generator>) -> Void = { _ in }
    ) throws(TrainerError) {
        precondition(state.order.count == training.count, "Trainer: a state for \(state.order.count) examples, \(training.count) given")
        // The library's one line on standard error: once a process, where the kernels are not optimised.
        DescentBuild.warnIfUnoptimized()
        // Subnormals flushed on this thread for the run, the caller's mode restored after it; the
        // pool's workers follow this thread's mode (SubnormalFlushing).
        let callerMode = SubnormalFlushing.enter()
        defer { SubnormalFlushing.restore(callerMode) }
        precondition(training.width == state.network.inputCount,
                     "Trainer: \(training.width)-wide examples for a network of \(state.network.inputCount) inputs")
        let batchSize = min(configuration.batchSize, max(1, training.count))
        var workspace = Workspace(for: state.network, capacity: batchSize)
        workspace.threads = configuration.threads
        if configuration.dropout > 0 { workspace.enableDropout(rate: configuration.dropout) }
        if let teacher { workspace.enableDistillation(alpha: teacher.alpha, temperature: teacher.temperature) }
        var feeder = BatchFeeder(training: training, configuration: configuration, optimizer: state.optimizer,
                                 network: state.network, capacity: batchSize, teacher: teacher)
        var gradients = Gradients(zeroLike: state.network)
        defer { feeder.cancelAhead() }
        let batchCount = (training.count + batchSize - 1) / batchSize
        let reportEvery = max(1, batchCount / 100)
        let validatesAhead = self.validatesAhead && configuration.patience == nil && validation.count > 0
        var ahead: ValidationAhead?
        let validationWorker = validatesAhead ? WorkerThread(name: "descent.validation") : nil
        // Reports the epoch validated ahead: when it is done, or (`wait`) at once.
        func report(_ state: inout TrainingState<Generator>, wait: Bool) {
            guard let pending = ahead, wait || pending.isDone else { return }
            ahead = nil
            let report = pending.report(validationAccuracy: pending.accuracy())
            state.reports.append(report)
            progress(.epochFinished(report))
            progress(.networkAfterEpoch(epoch: report.epoch, network: pending.network))
        }
        defer { report(&state, wait: true) }  // A stop or a divergence keeps every epoch that ended.
        while state.epoch <= configuration.epochs, !hasStoppedEarly(state) {
            let start = DispatchTime.now().uptimeNanoseconds
            if state.batch == 0 {
                if shouldStop() { return }  // Between epochs: the next one's shuffle is not drawn yet.
                state.generator.shuffle(&state.order)
            }
            feeder.beginEpoch(order: state.order)
            var isFirstBatch = true
            while state.batch < batchCount {
                if !isFirstBatch, shouldStop() {
                    feeder.cancelAhead()  // The generator stays where the next batch's draws begin.
                    state.optimizer.writeBack(feeder.sparse, into: &state.network)  // The first layer trained so far.
                    state.epochSeconds += Self.seconds(since: start)
                    return
                }
                isFirstBatch = false
                let batch = state.batch
                if batch % reportEvery == 0 { report(&state, wait: false) }
                do {
                    // The batch's products (the teacher's, the forward pass, the weight gradient and the
                    // deltas) in the configuration's precision; evaluation stays float32.
                    try ProductPrecision.with(configuration.precision) { () throws(TrainerError) in
                        try trainBatch(&state, feeder: &feeder, workspace: &workspace, gradients: &gradients, batchSize: batchSize, batchCount: batchCount)
                    }
                } catch .diverged(let epoch, let batch, let learningRate, let lastGood, _) {
                    report(&state, wait: true)  // The error lists every epoch that ended.
                    throw .diverged(epoch: epoch, batch: batch, learningRate: learningRate, lastGood: lastGood, epochs: state.reports)
                }
                if batch % reportEvery == 0 || batch == batchCount - 1 {
                    progress(.progress(epoch: state.epoch, done: min(training.count, (batch + 1) * batchSize), total: training.count))
                }
            }
            state.optimizer.writeBack(feeder.sparse, into: &state.network)
            let seconds = state.epochSeconds + Self.seconds(since: start)
            if validatesAhead {
                report(&state, wait: true)
                let closed = try closeEpoch(&state, seconds: seconds)
                ahead = ValidationAhead(closed, network: state.lastGood ?? state.network, validation: validation,
                                        on: validationWorker!)
            } else {
                let closed = try closeEpoch(&state, seconds: seconds)
                let report = closed.report(validationAccuracy: validation.count == 0 ? 0 : Evaluation(network: state.network, on: validation, threads: configuration.threads).accuracy)
                state.reports.append(report)
                if configuration.patience != nil, state.bestEpoch.map({ report.validationAccuracy > state.reports[$0 - 1].validationAccuracy }) ?? true {
                    state.best = state.network
                    state.bestEpoch = report.epoch
                }
                progress(.epochFinished(report))
                progress(.networkAfterEpoch(epoch: report.epoch, network: state.network))
            }
            epochEnded(state)
        }
    }

    /// One mini-batch, `state.batch` of the epoch: its examples loaded (and distorted), dropout masks
    /// drawn, the scheduled learning rate set, and one optimizer step taken.
    /// - Throws: `TrainerError.diverged` when the batch's cost is not a finite number.
    private func trainBatch<Generator: RandomNumberGenerator>(
        _ state: inout TrainingState<Generator>, feeder: inout BatchFeeder, workspace: inout Workspace<Float>,
        gradients: inout Gradients<Float>, batchSize: Int, batchCount: Int
    ) throws(TrainerError) {
        let (epoch, batch) = (state.epoch, state.batch)
        let first = batch * batchSize
        let count = min(batchSize, feeder.training.count - first)
        // Draws, in this order: each image's distortion, then the dropout masks.
        feeder.load(first..<(first + count), order: state.order, into: &workspace, using: &state.generator)
        if workspace.hasDropout { workspace.drawDropoutMasks(count: count, using: &state.generator) }
        if !configuration.schedule.isConstant {
            state.optimizer.learningRate = Float(configuration.learningRate * configuration.schedule.factor(
                epoch: epoch - 1, batch: batch, batchesPerEpoch: batchCount, epochs: configuration.epochs))
        }
        let next = (first + count)..<min(feeder.training.count, first + count + batchSize)
        feeder.prefetch(next, order: state.order)
        // The next batch's distortions are its first draws: made now, on a worker, while this batch trains.
        if distortsAhead { feeder.distortAhead(next, order: state.order, generator: state.generator) }
        let result = state.optimizer.step(&state.network, on: &workspace, sparse: &feeder.sparse, count: count, gradients: &gradients)
        guard result.cost.isFinite else {
            throw .diverged(epoch: epoch, batch: batch + 1, learningRate: configuration.learningRate, lastGood: state.lastGood, epochs: state.reports)
        }
        state.costSum += Double(result.cost) * Double(count)
        state.correct += result.correct
        state.batch += 1
    }

    /// Closes the epoch: its training cost (with the L2 term) and accuracy, the network kept as the
    /// last good one, the state moved to the next epoch. The validation is the caller's.
    /// - Throws: `TrainerError.diverged` when the cost or the weights are not finite numbers.
    private func closeEpoch<Generator: RandomNumberGenerator>(
        _ state: inout TrainingState<Generator>, seconds: Double
    ) throws(TrainerError) -> ClosedEpoch {
        let network = state.network
        let trainingCount = state.order.count
        let regularisation = configuration.weightDecay / (2 * Double(trainingCount)) * Double(network.sumOfSquaredWeights)
        let trainingCost = state.costSum / Double(max(1, trainingCount)) + regularisation
        guard trainingCost.isFinite, network.sumOfSquaredWeights.isFinite else {
            throw .diverged(epoch: state.epoch, batch: state.batch, learningRate: configuration.learningRate,
                            lastGood: state.lastGood, epochs: state.reports)
        }
        let closed = ClosedEpoch(epoch: state.epoch, trainingCost: trainingCost,
                                 trainingAccuracy: Double(state.correct) / Double(max(1, trainingCount)), seconds: seconds)
        state.lastGood = network  // Shares storage until the next update copies it: one copy an epoch.
        state.epoch += 1
        state.batch = 0
        state.costSum = 0
        state.correct = 0
        state.epochSeconds = 0
        return closed
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Whether the run `state` stands in is over: its last epoch done, or stopped early.
    package func isFinished<Generator>(_ state: TrainingState<Generator>) -> Bool {
        state.epoch > configuration.epochs || hasStoppedEarly(state)
    }

    /// Whether early stopping has ended the run: `patience` epochs have passed since the best one.
    /// Derived from the state alone, so a resumed run that had stopped stays stopped.
    func hasStoppedEarly<Generator>(_ state: TrainingState<Generator>) -> Bool {
        guard let patience = configuration.patience, let best = state.bestEpoch else { return false }
        return state.batch == 0 && state.epoch - 1 - best >= patience
    }
}

/// An epoch's figures but its validation accuracy.
private struct ClosedEpoch {
    let epoch: Int
    let trainingCost: Double
    let trainingAccuracy: Double
    let seconds: Double

    func report(validationAccuracy: Double) -> EpochReport {
        EpochReport(epoch: epoch, trainingCost: trainingCost, trainingAccuracy: trainingAccuracy,
                    validationAccuracy: validationAccuracy, seconds: seconds)
    }
}

/// An epoch whose validation runs on a worker thread while the next epoch trains.
private final class ValidationAhead: @unchecked Sendable {
    // Not Sendable by construction: the worker writes `measured` before `done.signal()`, and the
    // trainer reads it only after a successful wait on `done`.
    let closed: ClosedEpoch
    /// The network the epoch ended with (sharing storage with the trainer's `lastGood`).
    let network: Network<Float>
    private var measured = 0.0
    private let done = DispatchSemaphore(value: 0)
    private var finished = false

    init(_ closed: ClosedEpoch, network: Network<Float>, validation: LabeledExamples, on worker: WorkerThread) {
        self.closed = closed
        self.network = network
        worker.submit { [self] in
            measured = Evaluation(network: network, on: validation).accuracy
            done.signal()
        }
    }

    /// Whether the worker is done (never waits).
    var isDone: Bool {
        if !finished, done.wait(timeout: .now()) == .success { finished = true }
        return finished
    }

    /// The validation accuracy, waiting for the worker if it is not done.
    func accuracy() -> Double {
        if !finished {
            done.wait()
            finished = true
        }
        return measured
    }

    func report(validationAccuracy: Double) -> EpochReport { closed.report(validationAccuracy: validationAccuracy) }
}
