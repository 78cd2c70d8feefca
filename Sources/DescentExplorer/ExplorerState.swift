import DescentDatasets
import Dispatch
import DescentLinearAlgebra
import DescentNetwork
public import DescentTraining

/// The explorer's one piece of shared state: the model the pages use, what has been computed about
/// it, and the training job, if any. Replacing the model (a training finishing) drops the caches.
public actor ExplorerState {
    public let data: ExplorerData
    public private(set) var model: Model
    /// Counts model replacements, so pages can tell a new model from the old.
    public private(set) var version = 1
    private var evaluation: Evaluation?
    private var layerActivations: [Int: [Float]] = [:]
    private var job: TrainingStatus?
    private var jobStop: StopFlag?
    private var jobEvents: [TrainingUpdate] = []
    private var lastProgress: TrainingUpdate?
    private var subscribers: [Int: AsyncStream<TrainingUpdate>.Continuation] = [:]
    private var nextSubscriber = 0

    /// The test images as the current model sees them (deskewed if its metadata says so), once per model.
    private var preparedTest: LabeledImages?

    public init(model: Model, data: ExplorerData) {
        self.model = model
        self.data = data
    }

    var network: Network<Float> { model.network }

    /// What the current model's inputs go through (its metadata's `preprocessing`); a model whose value
    /// is unknown is refused when it is loaded (`descent serve`), so none is assumed here.
    var preprocessing: Preprocessing { (try? Preprocessing(metadata: model.metadata, source: "model")) ?? .none }

    /// The test images prepared as the current model's training images were.
    func testImages() -> LabeledImages {
        if let preparedTest { return preparedTest }
        let prepared = preprocessing.apply(to: data.test)
        preparedTest = prepared
        return prepared
    }

    /// The test set's evaluation by the current model, computed once per model.
    func testEvaluation() -> Evaluation {
        if let evaluation { return evaluation }
        let computed = Evaluation(network: model.network, on: testImages())
        evaluation = computed
        return computed
    }

    /// Layer `layer`'s activations (1 = first hidden layer) for every test image, row-major
    /// `test.count x size`, computed once per model.
    func activations(ofLayer layer: Int) -> [Float] {
        if let cached = layerActivations[layer] { return cached }
        let network = model.network
        let size = network.sizes[layer]
        var result: [Float] = []
        result.reserveCapacity(data.test.count * size)
        let batch = 500
        var workspace = Workspace(for: network, capacity: batch)
        let test = testImages()
        for first in stride(from: 0, to: test.count, by: batch) {
            let count = min(batch, test.count - first)
            for row in 0..<count {
                workspace.setInput(row: row, bytes: test.image(first + row), label: Int(test.labels[first + row]))
            }
            network.forward(&workspace, count: count)
            result.append(contentsOf: workspace.activations[layer - 1].elements[0..<(count * size)])
        }
        layerActivations[layer] = result
        return result
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
    case outcome(Result<TrainingResult, TrainingError>)
}

extension ExplorerState {
    /// The current or last job.
    func trainingStatus() -> TrainingStatus? { job }

    /// Starts a job on a thread of its own, so requests keep being answered while it runs.
    /// - Throws: `APIError` (409) while another job runs.
    func startTraining(_ requested: TrainingConfiguration, trainingLimit: Int?) throws -> TrainingStatus {
        if let job, job.state == .running {
            throw APIError(.conflict, "training \(job.id) is still running; one training at a time (cancel it first)")
        }
        var configuration = requested
        configuration.threads = 1
        let training = trainingLimit.map { data.training.prefix($0) } ?? data.training
        var generator = SplitMix64(seed: configuration.seed)
        let network = try mapNetworkError { try configuration.makeNetwork(using: &generator) }
        let validation = data.validation
        let status = TrainingStatus(
            id: (job?.id ?? 0) + 1, state: .running, sizes: configuration.sizes, learningRate: configuration.learningRate,
            batchSize: configuration.batchSize, epochs: configuration.epochs, trainingCount: training.count,
            initialValidationAccuracy: validation.count == 0 ? 0 : Evaluation(network: network, on: validation).accuracy)
        job = status
        jobEvents = []
        lastProgress = nil
        publish(.started(status))
        launch(configuration, network: network, training: training, generator: generator)
        return status
    }

    /// Runs the trainer on a GCD thread, outside Swift's cooperative pool, and feeds its events back.
    private func launch(_ configuration: TrainingConfiguration, network: Network<Float>, training: LabeledImages,
                        generator: SplitMix64) {
        let validation = data.validation
        let stop = StopFlag()
        jobStop = stop
        let (messages, continuation) = AsyncStream<JobMessage>.makeStream()
        DispatchQueue.global(qos: .utility).async { [generator] in
            var generator = generator
            let outcome = Result { () throws(TrainingError) -> TrainingResult in
                try Trainer(configuration: configuration).train(network, on: training, validation: validation, using: &generator) { event in
                    switch event {
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
                case .outcome(let outcome): self.finishTraining(outcome, configuration: configuration, training: training, stop: stop)
                }
            }
        }
    }

    private func mapNetworkError<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw APIError.badRequest("\(error)") }
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
        case .progress(_, let done, _): status.done = done
        case .epoch(let summary): status.reports.append(summary)
        default: break
        }
        job = status
        publish(update)
    }

    private func finishTraining(_ outcome: Result<TrainingResult, TrainingError>, configuration: TrainingConfiguration,
                                training: LabeledImages, stop: StopFlag) {
        guard var status = job else { return }
        switch outcome {
        case .success(let result) where stop.isStopped:
            status.state = .cancelled
            status.message = "cancelled after \(result.epochs.count) complete epochs; the model in use is unchanged"
        case .success(let result):
            var metadata = configuration.metadata
            metadata["training_examples"] = "\(training.count)"
            metadata["epochs_completed"] = "\(result.epochs.count)"
            metadata["trained_by"] = "descent serve"
            replaceModel(with: Model(network: result.network, metadata: metadata))
            status.state = .finished
            status.message = "finished; the Draw page now uses this model (version \(version))"
        case .failure(let error):
            status.state = .failed
            status.message = error.description
        }
        job = status
        publish(.ended(state: status.state, message: status.message ?? ""))
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
