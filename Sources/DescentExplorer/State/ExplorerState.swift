import DescentDatasets
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
/// it, and the trainings, running and waiting. Replacing the model (a training finishing) drops the
/// caches. Heavy work (an evaluation, a layer's activations) is done outside the actor, on a snapshot,
/// and kept only if the model has not been replaced meanwhile.
public actor ExplorerState {
    /// The images, fixed for the server's life.
    public let data: ExplorerData
    /// The model the pages use now; a training from the page replaces it when it finishes.
    public private(set) var model: Model
    /// Counts model replacements, so pages can tell a new model from the old.
    public private(set) var version = 1
    /// How much work one training may ask for, and how many may wait.
    public nonisolated let limits: WorkLimits
    /// The Learn panel's copies of the model, which its steps (and, in a classroom, fine-tunings)
    /// change instead of `model`. Their ids only need to be hard to guess, not reproducible: the
    /// system's generator draws them.
    let learningCopies = LearningCopies(using: SystemRandomNumberGenerator())
    /// The Playground pages' copies: each page's points, network and run.
    let playgrounds = PlaygroundCopies(using: SystemRandomNumberGenerator())
    /// A class learning together: the teacher's pace, who is where, the class set.
    public nonisolated let classroom: Classroom
    /// Where every heavy computation runs: bounded, on threads of its own at a lower priority.
    public nonisolated let executor: WorkExecutor
    /// The Lesson page's experiments (memorising, many valleys): one runs at a time, on `executor`.
    let lessonSlot: LessonSlot
    /// The served model's cost on every test image, once per model version.
    let lessonCosts: VersionedCache<LessonCostResponse>
    private var evaluation: Evaluation?
    private var layerActivations: [Int: [Float]] = [:]
    /// The current or last job that ran.
    var job: TrainingStatus?
    /// What the running job changes when it finishes, and a fine-tuning's digits and figures.
    var running: RunningJob?
    /// Trainings waiting for the running one, first come first served (at most `limits.maximumQueuedTrainings`).
    var queue: [QueuedJob] = []
    /// Places in the queue kept for jobs still being prepared (`reserveQueueSlot`).
    var reservedSlots = ReservedSlots()
    /// The last jobs' statuses by id, queued ones included, for `GET /api/train?id=N`.
    var recentJobs: [Int: TrainingStatus] = [:]
    var lastJobID = 0
    var jobEvents: [TrainingUpdate] = []
    var lastProgress: TrainingUpdate?
    var subscribers: [Int: AsyncStream<TrainingUpdate>.Continuation] = [:]
    var nextSubscriber = 0

    /// The test images as the current model sees them (deskewed if its metadata says so), once per model.
    private var preparedTest: LabeledImages?
    /// Where "my digits" are kept; nil when this server keeps none.
    public nonisolated let myDigits: MyDigitsStore?
    /// What the model in use reads in each of the digits kept, by file, for the model's version.
    let digitPredictions = DigitPredictions()

    /// The state of a server that starts with `model` and shows and trains on `data`.
    /// - Parameters:
    ///   - model: The model the pages use first.
    ///   - data: The images the pages show and train on.
    ///   - myDigits: Where people's own labelled drawings are kept; nil: nowhere (the my-digits
    ///     endpoints answer 404).
    ///   - limits: How much work a training may ask for (`WorkLimits.standard` lets every preset run).
    ///   - executor: Where evaluations, lesson experiments and other heavy work run (`WorkExecutor.standard()`
    ///     when nil).
    ///   - classroom: The class's pace and class set (`Classroom()`, in memory, when nil).
    public init(model: Model, data: ExplorerData, myDigits: MyDigitsStore? = nil, limits: WorkLimits = .standard, executor: WorkExecutor? = nil,
                classroom: Classroom? = nil) {
        self.classroom = classroom ?? Classroom()
        self.model = model
        self.data = data
        self.myDigits = myDigits
        self.limits = limits
        let executor = executor ?? WorkExecutor.standard()
        self.executor = executor
        lessonSlot = LessonSlot(waitingLimit: LessonSlot.standardWaitingLimit, executor: executor)
        lessonCosts = VersionedCache(executor: executor)
    }

    /// The current model, its version and its preprocessing, together.
    func snapshot() -> ModelSnapshot {
        ModelSnapshot(model: model, version: version,
                      preprocessing: (try? Preprocessing(metadata: model.metadata, source: "model")) ?? .none)
    }

    /// The snapshot with the test set's evaluation by its model, computed on the executor once per model.
    /// - Throws: `APIError` (429) when the executor's queue is full.
    nonisolated func snapshotWithEvaluation() async throws -> (ModelSnapshot, Evaluation) {
        let (snapshot, cached, test) = await cachedEvaluation()
        if let cached { return (snapshot, cached) }
        let data = data
        let (computed, prepared) = try await executor.run {
            let prepared = test ?? snapshot.preprocessing.apply(to: data.test)
            return (Evaluation(network: snapshot.network, on: prepared), prepared)
        }
        await install(evaluation: computed, test: prepared, version: snapshot.version)
        return (snapshot, computed)
    }

    private func cachedEvaluation() -> (ModelSnapshot, Evaluation?, LabeledImages?) { (snapshot(), evaluation, preparedTest) }

    /// The test images prepared with `preprocessing`: the cached ones when the served model prepares
    /// them so (after `snapshotWithEvaluation`, always), else prepared now, on the executor.
    /// - Throws: `APIError` (429) when the executor's queue is full.
    nonisolated func testImages(preparedWith preprocessing: Preprocessing) async throws -> LabeledImages {
        let (snapshot, _, cached) = await cachedEvaluation()
        if let cached, snapshot.preprocessing == preprocessing { return cached }
        let data = data
        return try await executor.run { preprocessing.apply(to: data.test) }
    }

    /// Keeps `computed` and `test` if the model is still version `computedVersion`.
    private func install(evaluation computed: Evaluation, test: LabeledImages, version computedVersion: Int) {
        guard computedVersion == version else { return }
        evaluation = computed
        preparedTest = test
    }

    /// The snapshot with layer `layer`'s activations (1 = first hidden layer) for every test image,
    /// row-major `test.count x size`, computed outside the actor once per model; nil activations when
    /// the snapshot's network has no such layer.
    /// - Throws: `APIError` (429) when the executor's queue is full.
    nonisolated func snapshotWithActivations(ofLayer layer: Int) async throws -> (ModelSnapshot, [Float]?) {
        let (snapshot, cached, test) = await cachedActivations(ofLayer: layer)
        let network = snapshot.network
        guard (1..<network.sizes.count).contains(layer) else { return (snapshot, nil) }
        if let cached { return (snapshot, cached) }
        let data = data
        let result = try await executor.run {
            Self.activations(of: network, layer: layer, on: test ?? snapshot.preprocessing.apply(to: data.test))
        }
        await install(activations: result, ofLayer: layer, version: snapshot.version)
        return (snapshot, result)
    }

    private func cachedActivations(ofLayer layer: Int) -> (ModelSnapshot, [Float]?, LabeledImages?) {
        (snapshot(), layerActivations[layer], preparedTest)
    }

    private func install(activations: [Float], ofLayer layer: Int, version computedVersion: Int) {
        guard computedVersion == version else { return }
        layerActivations[layer] = activations
    }

    /// Layer `layer`'s activations for every image of `test`, row-major `test.count x size`.
    static func activations(of network: Network<Float>, layer: Int, on test: LabeledImages) -> [Float] {
        let size = network.sizes[layer]
        var result: [Float] = []
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
        return result
    }

    /// Serves `network` in place of the model in use, with its metadata and `note` as `adopted`.
    /// - Returns: The new version.
    func adopt(_ network: Network<Float>, note: String) -> Int {
        var metadata = model.metadata
        metadata["adopted"] = note
        replaceModel(with: Model(network: network, metadata: metadata))
        return version
    }

    func replaceModel(with model: Model) {
        self.model = model
        version += 1
        evaluation = nil
        preparedTest = nil
        layerActivations = [:]
    }
}
