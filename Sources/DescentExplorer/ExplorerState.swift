import DescentDatasets
import Dispatch
import DescentLinearAlgebra
import DescentNetwork
public import DescentTraining

/// One model as a request sees it: the model, its version and the preprocessing its inputs go
/// through, read together in one call, so that a training that swaps in another model mid-request
/// can never pair one model's network with another's activations or version.
struct ModelSnapshot: Sendable {
    let model: Model
    let version: Int
    /// What the model's inputs go through (its metadata's `preprocessing`); a model whose value is
    /// unknown is refused when it is loaded (`descent serve`), so none is assumed here.
    let preprocessing: Preprocessing

    var network: Network<Float> { model.network }
}

/// The explorer's one piece of shared state: the model the pages use, what has been computed about
/// it, and the training job, if any. Replacing the model (a training finishing) drops the caches.
public actor ExplorerState {
    /// The images, fixed for the server's life.
    public let data: ExplorerData
    /// The model the pages use now; a training from the page replaces it when it finishes.
    public private(set) var model: Model
    /// Counts model replacements, so pages can tell a new model from the old.
    public private(set) var version = 1
    /// The Learn panel's copies of the model, which its steps change instead of `model`. Their ids
    /// only need to be hard to guess, not reproducible: the system's generator draws them.
    let learningCopies = LearningCopies(using: SystemRandomNumberGenerator())
    private var evaluation: Evaluation?
    private var layerActivations: [Int: [Float]] = [:]
    var job: TrainingStatus?
    private var jobStop: StopFlag?
    private var jobEvents: [TrainingUpdate] = []
    private var lastProgress: TrainingUpdate?
    private var subscribers: [Int: AsyncStream<TrainingUpdate>.Continuation] = [:]
    private var nextSubscriber = 0

    /// The test images as the current model sees them (deskewed if its metadata says so), once per model.
    private var preparedTest: LabeledImages?
    /// While a fine-tuning runs: the person's digits it measures before and after, and the figures so far.
    var fineTuning: (digits: LabeledImages, figures: FineTuneFigures)?
    /// Where "my digits" are kept; nil when this server keeps none.
    public nonisolated let myDigits: MyDigitsStore?

    /// The state of a server that starts with `model` and shows and trains on `data`.
    /// - Parameters:
    ///   - model: The model the pages use first.
    ///   - data: The images the pages show and train on.
    ///   - myDigits: Where people's own labelled drawings are kept; nil: nowhere (the my-digits
    ///     endpoints answer 404).
    public init(model: Model, data: ExplorerData, myDigits: MyDigitsStore? = nil) {
        self.model = model
        self.data = data
        self.myDigits = myDigits
    }

    /// The current model, its version and its preprocessing, together.
    func snapshot() -> ModelSnapshot {
        ModelSnapshot(model: model, version: version,
                      preprocessing: (try? Preprocessing(metadata: model.metadata, source: "model")) ?? .none)
    }

    /// The snapshot with the test set's evaluation by its model (computed once per model).
    func snapshotWithEvaluation() -> (ModelSnapshot, Evaluation) {
        let snapshot = snapshot()
        if let evaluation { return (snapshot, evaluation) }
        let computed = Evaluation(network: snapshot.network, on: testImages(snapshot))
        evaluation = computed
        return (snapshot, computed)
    }

    /// The snapshot with layer `layer`'s activations (1 = first hidden layer) for every test image,
    /// row-major `test.count x size` (computed once per model); nil activations when the snapshot's
    /// network has no such layer.
    func snapshotWithActivations(ofLayer layer: Int) -> (ModelSnapshot, [Float]?) {
        let snapshot = snapshot()
        let network = snapshot.network
        guard (1..<network.sizes.count).contains(layer) else { return (snapshot, nil) }
        if let cached = layerActivations[layer] { return (snapshot, cached) }
        let size = network.sizes[layer]
        var result: [Float] = []
        let test = testImages(snapshot)
        result.reserveCapacity(test.count * size)
        let batch = 500
        var workspace = Workspace(for: network, capacity: batch)
        for first in stride(from: 0, to: test.count, by: batch) {
            let count = min(batch, test.count - first)
            for row in 0..<count {
                workspace.setInput(row: row, bytes: test.image(first + row), label: Int(test.labels[first + row]))
            }
            network.forward(&workspace, count: count)
            result.append(contentsOf: workspace.activations[layer - 1].elements[0..<(count * size)])
        }
        layerActivations[layer] = result
        return (snapshot, result)
    }

    /// The test images prepared as the snapshot's model's training images were.
    private func testImages(_ snapshot: ModelSnapshot) -> LabeledImages {
        if let preparedTest { return preparedTest }
        let prepared = snapshot.preprocessing.apply(to: data.test)
        preparedTest = prepared
        return prepared
    }

    func replaceModel(with model: Model) {
        self.model = model
        version += 1
        evaluation = nil
        preparedTest = nil
        layerActivations = [:]
    }
}

// MARK: - Training

/// What the training thread sends back: updates while it works, then how it ended.
enum JobMessage: Sendable {
    case update(TrainingUpdate)
    case outcome(Result<TrainingRunResult, TrainingRunError>)
}

extension ExplorerState {
    /// The current or last job.
    func trainingStatus() -> TrainingStatus? { job }

    /// Starts a job on a thread of its own, so requests keep being answered while it runs. The job
    /// is the library's `TrainingRun`, as `descent train` runs it: the same configuration and seed
    /// give the same model.
    /// - Throws: `APIError` (409) while another job runs, (400) for data the configuration cannot train on.
    func startTraining(_ configuration: TrainingConfiguration, trainingLimit: Int?) throws -> TrainingStatus {
        if let job, job.state == .running {
            throw APIError(.conflict, "training \(job.id) is still running; one training at a time (cancel it first)")
        }
        let training = trainingLimit.map { data.training.prefix($0) } ?? data.training
        let run: TrainingRun
        do {
            run = try TrainingRun(configuration: configuration,
                                  data: TrainingData(name: data.name, training: training, validation: data.validation, test: data.test))
        } catch {
            throw APIError.badRequest(error.description.replacingOccurrences(of: "--", with: ""))
        }
        let status = TrainingStatus(
            id: (job?.id ?? 0) + 1, state: .running, sizes: configuration.sizes, learningRate: configuration.learningRate,
            batchSize: configuration.batchSize, epochs: configuration.epochs, trainingCount: training.count,
            initialValidationAccuracy: nil)
        fineTuning = nil
        return begin(run, status: status)
    }

    /// Starts `run` as the job `status` describes, on a thread of its own.
    func begin(_ run: TrainingRun, status: TrainingStatus) -> TrainingStatus {
        var run = run
        run.threads = 1  // The other core keeps answering requests.
        run.modelMetadata["trained_by"] = "descent serve"
        job = status
        jobEvents = []
        lastProgress = nil
        publish(.started(status))
        launch(run)
        return status
    }

    /// Runs the training on a GCD thread, outside Swift's cooperative pool, and feeds its events back.
    private func launch(_ run: TrainingRun) {
        let stop = StopFlag()
        jobStop = stop
        let (messages, continuation) = AsyncStream<JobMessage>.makeStream()
        DispatchQueue.global(qos: .utility).async {
            let outcome = Result { () throws(TrainingRunError) -> TrainingRunResult in
                try run.run { event in
                    switch event {
                    case .started(_, let accuracy): continuation.yield(.update(.initial(validationAccuracy: accuracy)))
                    case .progress(let epoch, let done, let total): continuation.yield(.update(.progress(epoch: epoch, done: done, total: total)))
                    case .epochFinished(let report): continuation.yield(.update(.epoch(EpochSummary(report))))
                    case .networkAfterEpoch: break  // The page shows the new model once training ends.
                    }
                } shouldStop: { stop.isStopped }
            }
            continuation.yield(.outcome(outcome))
            continuation.finish()
        }
        // One consumer, so the page sees the updates in order and the end last.
        Task {
            for await message in messages {
                switch message {
                case .update(let update): self.record(update)
                case .outcome(let outcome): self.finishTraining(outcome)
                }
            }
        }
    }

    /// Asks the running job to stop before its next mini-batch.
    /// - Throws: `APIError` (409) when no job runs.
    func cancelTraining() throws -> TrainingStatus {
        guard let job, job.state == .running, let jobStop else { throw APIError(.conflict, "no training is running") }
        jobStop.stop()
        return job
    }

    private func record(_ update: TrainingUpdate) {
        guard var status = job, status.state == .running else { return }
        switch update {
        case .initial(let accuracy): status.initialValidationAccuracy = accuracy
        case .progress(_, let done, _): status.done = done
        case .epoch(let summary): status.reports.append(summary)
        default: break
        }
        job = status
        publish(update)
    }

    private func finishTraining(_ outcome: Result<TrainingRunResult, TrainingRunError>) {
        guard var status = job else { return }
        switch outcome {
        case .success(let result) where !result.isFinished:
            status.state = .cancelled
            status.message = "cancelled after \(result.epochs.count) complete epochs; the model in use is unchanged"
        case .success(let result):
            replaceModel(with: result.model)
            status.state = .finished
            status.message = "finished; the Draw page now uses this model (version \(version))"
            if let fineTuning {
                status.fineTune = fineTuneFigures(fineTuning.figures, after: result, digits: fineTuning.digits)
                status.message = fineTuneMessage(status.fineTune)
            }
        case .failure(let error):
            status.state = .failed
            status.message = error.description
        }
        fineTuning = nil
        job = status
        publish(.ended(state: status.state, message: status.message ?? "", fineTune: status.fineTune))
    }

    // MARK: Subscribers

    /// The job's updates so far, then live ones until it ends; nil when no job was ever started.
    func subscribe() -> AsyncStream<TrainingUpdate>? {
        guard let job else { return nil }
        let (stream, continuation) = AsyncStream<TrainingUpdate>.makeStream()
        for update in jobEvents { continuation.yield(update) }
        if let lastProgress, job.state == .running { continuation.yield(lastProgress) }
        if job.state != .running {
            continuation.finish()
            return stream
        }
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    private func unsubscribe(_ id: Int) { subscribers[id] = nil }

    private func publish(_ update: TrainingUpdate) {
        if case .progress = update {
            lastProgress = update
        } else {
            jobEvents.append(update)
        }
        for continuation in subscribers.values {
            continuation.yield(update)
            if update.isEnd { continuation.finish() }
        }
        if update.isEnd { subscribers = [:] }
    }
}
