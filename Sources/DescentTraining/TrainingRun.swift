public import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork

/// The examples a run learns from and is measured on, as they come from their files: a run applies
/// its configuration's preprocessing itself. Images (bytes) or rows of `Float` features, of any
/// width and any number of classes.
public struct TrainingData: Sendable {
    /// The data set's name, recorded in the model file as `dataset` (e.g. `mnist`).
    public var name: String
    /// The examples the network learns from.
    public var training: LabeledExamples
    /// The examples measured after every epoch (may be empty).
    public var validation: LabeledExamples
    /// The examples measured once, at the end (may be empty).
    public var test: LabeledExamples
    /// The name of each class, label by label (recorded in the model file); nil: the labels' numbers.
    public var classNames: [String]?
    /// Keys a run trained on this data writes into its model's metadata, saying where the data came
    /// from beyond `name` (the extra images mixed in, say: `mixing(_:share:)`).
    public var metadata: [String: String] = [:]

    /// The three splits, of images or of features (all three of one kind and width).
    public init(name: String, training: LabeledExamples, validation: LabeledExamples, test: LabeledExamples, classNames: [String]? = nil) {
        self.name = name
        self.training = training
        self.validation = validation
        self.test = test
        self.classNames = classNames
    }

    /// The three splits of images.
    public init(name: String, training: LabeledImages, validation: LabeledImages, test: LabeledImages, classNames: [String]? = nil) {
        self.init(name: name, training: .images(training), validation: .images(validation), test: .images(test), classNames: classNames)
    }

    /// The three splits of `Float` features.
    public init(name: String, training: LabeledFeatures, validation: LabeledFeatures, test: LabeledFeatures, classNames: [String]? = nil) {
        self.init(name: name, training: .features(training), validation: .features(validation), test: .features(test), classNames: classNames)
    }

    /// MNIST's (or Fashion-MNIST's) splits, named after its kind.
    public init(_ mnist: MNIST) {
        self.init(name: mnist.kind.rawValue, training: mnist.training, validation: mnist.validation, test: mnist.test,
                  classNames: mnist.kind == .mnist ? nil : mnist.kind.classNames)
    }
}

/// One whole training run: the configuration checked against the data, the images prepared, the
/// network trained (on the fast path wherever the optimizer allows), checkpoints written and
/// resumed, and a `Model` returned with its complete metadata. The command line, the web explorer
/// and a library user all train through it, so the same configuration and seed give the same model
/// wherever it is trained.
///
/// ```swift
/// let mnist = try MNIST(folder: "mnist")
/// let run = try TrainingRun(configuration: TrainingConfiguration(preset: .video), data: TrainingData(mnist))
/// let outcome = try run.run { progress in if case .epochFinished(let report) = progress { print(report) } }
/// try outcome.model.save(to: "model.safetensors")
/// ```
public struct TrainingRun: Sendable {
    /// The recipe, checked against the data by `init`.
    public private(set) var configuration: TrainingConfiguration
    /// The examples, before preprocessing.
    public let data: TrainingData
    /// Where the run is saved when it stops early, and how often it is saved anyway; nil: never saved.
    public var checkpointing: Checkpointing?
    /// Whether to measure the test set after every epoch too (`TrainingOutcome.testAccuracies`).
    public var measuresTestEveryEpoch = false
    /// Keys added to the model's metadata (kept in checkpoints, so a resumed run writes them too);
    /// a fresh run starts with the data's own (`TrainingData.metadata`).
    public var modelMetadata: [String: String] = [:]
    /// The caller's own keys, kept in checkpoints only (where its files go, say).
    public var checkpointMetadata: [String: String] = [:]
    /// Threads a large matrix product may use (`configuration.threads`); the model does not depend on it.
    /// - Precondition: 1...256.
    public var threads: Int {
        get { configuration.threads }
        set {
            precondition((1...256).contains(newValue), "TrainingRun: \(newValue) threads; expected 1...256")
            configuration.threads = newValue
        }
    }
    /// The checkpoint this run resumes; nil for a fresh run.
    let resumed: TrainingCheckpoint?
    /// The network a fresh run starts from instead of drawing one (`init(fineTuning:configuration:data:)`).
    var startingNetwork: Network<Float>?
    /// The model that teaches this run by its softened outputs (`distill(from:)`); nil: the labels alone.
    public private(set) var teacher: Teacher?

    /// Makes this a distilled run: each example's cost weighs the label against `teacher`'s softened
    /// outputs for the very image the network sees (see `Teacher`). A resumed run must be given the
    /// teacher it began with.
    /// - Throws: `TrainingError.configuration` for an α or T out of range or a student without a
    ///   softmax output and cross-entropy cost; `.data` for a teacher that is not a softmax network of
    ///   the student's inputs and outputs, whose preprocessing is not the run's, or (resuming) that is
    ///   not the checkpoint's teacher.
    public mutating func distill(from teacher: Teacher) throws(TrainingError) {
        try teacher.check(against: configuration, width: data.training.width, images: data.training.images != nil)
        if let resumed {
            let recorded = Teacher.keys.map { resumed.metadata[$0] }
            guard recorded[1] != nil else { throw .data("the checkpoint's run had no teacher; resume it without one") }
            let given = Teacher.keys.map { teacher.metadata[$0] }
            guard recorded[1] == given[1], recorded[2] == given[2], recorded[3] == given[3] else {
                throw .data("the checkpoint's run was taught by \(recorded[0] ?? "?") (SHA-256 \(recorded[1] ?? "?"), "
                    + "alpha \(recorded[2] ?? "?"), temperature \(recorded[3] ?? "?")), but \(teacher.name) (SHA-256 \(teacher.sha256), "
                    + "alpha \(teacher.alpha), temperature \(teacher.temperature)) was given")
            }
        }
        self.teacher = teacher
    }

    /// Where and how often a run is saved.
    public struct Checkpointing: Sendable, Equatable {
        /// The checkpoint file, written atomically.
        public var path: String
        /// Also save after every this many epochs; nil: only when stopped.
        public var everyEpochs: Int?

        /// Where and how often to save.
        /// - Parameters:
        ///   - path: The checkpoint file, written atomically.
        ///   - everyEpochs: Also save after every this many epochs; nil: only when stopped.
        public init(path: String, everyEpochs: Int? = nil) {
            self.path = path
            self.everyEpochs = everyEpochs
        }
    }

    /// A fresh run of `configuration` on `data`.
    /// - Throws: `TrainingError.configuration` naming the option that cannot be used, or
    ///   `.data` when the data cannot be trained on (no training examples, images whose size is not
    ///   the first layer's, a label the last layer has no output for).
    public init(configuration: TrainingConfiguration, data: TrainingData) throws(TrainingError) {
        try self.init(configuration: configuration, data: data, resumed: nil)
    }

    /// The run saved in `checkpoint`, to be continued on `data` (the same data it began on).
    /// - Throws: `TrainingError` as `init(configuration:data:)` does; the data is compared with the
    ///   checkpoint's when the run starts.
    public init(resuming checkpoint: TrainingCheckpoint, data: TrainingData) throws(TrainingError) {
        try self.init(configuration: checkpoint.configuration, data: data, resumed: checkpoint)
        modelMetadata = checkpoint.metadata.reduce(into: [:]) { kept, entry in
            if entry.key.hasPrefix(Self.modelKeyPrefix) { kept[String(entry.key.dropFirst(Self.modelKeyPrefix.count))] = entry.value }
        }
        checkpointMetadata = checkpoint.metadata.filter { !$0.key.hasPrefix(Self.modelKeyPrefix) && !Self.ownKeys.contains($0.key) }
    }

    private init(configuration: TrainingConfiguration, data: TrainingData, resumed: TrainingCheckpoint?) throws(TrainingError) {
        let classCount = configuration.sizes.last ?? 0
        do {
            try configuration.validate(inputCount: data.training.width, classCount: classCount)
        } catch {
            throw .configuration(error)
        }
        guard data.training.count > 0 else { throw .data("\(data.name): there are no training examples") }
        for (split, examples) in [("training", data.training), ("validation", data.validation), ("test", data.test)] {
            guard examples.count == 0 || (examples.width == data.training.width && (examples.images == nil) == (data.training.images == nil)) else {
                throw .data("\(data.name): the \(split) examples are \(examples.width) wide (\(examples.images == nil ? "features" : "images")) "
                    + "but the training examples are \(data.training.width) wide (\(data.training.images == nil ? "features" : "images"))")
            }
            if let index = examples.labels.firstIndex(where: { $0 >= classCount }) {
                throw .data("\(data.name): \(split) example \(index) has label \(examples.label(index)), "
                    + "but the network has \(classCount) outputs (labels 0..<\(classCount))")
            }
        }
        if data.training.images == nil {
            guard configuration.preprocessing == .none else {
                throw .configuration(.invalid(option: "preprocessing", value: configuration.preprocessing.rawValue, expected: "none for features that are not images"))
            }
            if let (option, value) = configuration.augmentation.firstOptionInUse {
                throw .configuration(.invalid(option: option, value: value, expected: "0: distortions are for images, not features"))
            }
        }
        if let names = data.classNames, names.count != classCount {
            throw .data("\(data.name): \(names.count) class names for a network of \(classCount) outputs")
        }
        if let resumed, resumed.state.order.count != data.training.count {
            throw .data("the checkpoint was made on \(resumed.state.order.count) training examples, but \(data.name) has \(data.training.count)")
        }
        self.configuration = configuration
        self.data = data
        self.resumed = resumed
        modelMetadata = data.metadata
    }

    /// The checkpoint keys the run itself writes beside the caller's.
    static let ownKeys: Set<String> = Set(["dataset", "training_sha256", "test_accuracies"] + Teacher.keys)
    static let modelKeyPrefix = "model."
}

/// What a run returns: the model, the reports of its epochs, and its test measurements.
public struct TrainingOutcome: Sendable {
    /// The trained network with its complete metadata: the recipe, the data's name, size and
    /// SHA-256, the epochs completed, and the validation and test accuracy.
    public let model: Model
    /// One report per completed epoch.
    public let epochs: [EpochReport]
    /// With early stopping, the epoch (from 1) whose network `model` holds.
    public let bestEpoch: Int?
    /// The test set's evaluation of `model`; nil when the run stopped early or has no test set.
    public let test: Evaluation?
    /// The test accuracy after each epoch, when `measuresTestEveryEpoch` was set.
    public let testAccuracies: [Double]
    /// The test examples as the model sees them (after the preprocessing).
    public let testExamples: LabeledExamples
    /// Where the run stood when `shouldStop` ended it before its last epoch (saved to the
    /// checkpointing path, if any); nil when it ran to the end.
    public let stopped: TrainingCheckpoint?

    /// Whether the run trained every epoch (or stopped early by its patience).
    public var isFinished: Bool { stopped == nil }
}

/// A run that could not start or had to end.
public enum TrainingError: Error, Sendable, CustomStringConvertible {
    /// An option value that cannot be used.
    case configuration(ConfigurationError)
    /// Data that cannot be trained on, or that is not the data a checkpoint began on.
    case data(String)
    /// The cost became NaN or infinite in `batch` (from 0) of `epoch` (from 1), stepping at
    /// `learningRate`; `lastGood` is the model from the end of the last completed epoch, with its
    /// metadata (nil when none completed).
    case diverged(epoch: Int, batch: Int, learningRate: Double, lastGood: Model?)
    /// A checkpoint could not be written; the run stopped there.
    case checkpoint(path: String, reason: String)

    /// One line for a person: the configuration, data or checkpoint problem, or the divergence and
    /// the advice to lower the learning rate.
    public var description: String {
        switch self {
        case .configuration(let error): return error.description
        case .data(let message): return message
        case .diverged(let epoch, let batch, let learningRate, _):
            return "the cost became NaN or infinite in epoch \(epoch), batch \(batch); "
                + "try a smaller learning rate than \(learningRate)"
        case .checkpoint(let path, let reason): return "\(path): the checkpoint could not be written: \(reason)"
        }
    }
}
