public import DescentDatasets
public import DescentNetwork

/// A preset and the values that override it, as a person gives them: `descent train`'s options and
/// the body of the explorer's `POST /api/train` are both read into this, so that the two accept the
/// same options and check them the same way.
public struct TrainingOptions: Sendable, Equatable {
    public var preset: TrainingConfiguration.Preset?
    public var layers: [Int]?
    public var hidden: Activation?
    public var output: Activation?
    public var cost: Cost?
    public var initialization: Initialization?
    public var learningRate: Double?
    public var momentum: Double?
    public var weightDecay: Double?
    public var batchSize: Int?
    public var epochs: Int?
    public var seed: UInt64?
    public var optimizer: TrainingConfiguration.OptimizerKind?
    public var threads: Int?
    public var schedule: LearningRateSchedule.Shape?
    public var warmupEpochs: Int?
    public var stepEvery: Int?
    public var stepFactor: Double?
    public var patience: Int?
    public var dropout: Double?
    public var shift: Int?
    public var rotation: Double?
    public var scaling: Double?
    public var elasticAlpha: Double?
    public var elasticSigma: Double?
    public var preprocessing: Preprocessing?

    /// No preset and no overrides: the `video` preset as it is.
    public init() {}

    /// The preset's configuration (`video` when none is named) with every given value in its place.
    /// Without `layers`, the preset's hidden layers are kept and its first and last sizes become
    /// `inputCount` and `classCount`, so a preset fits any data.
    /// - Parameters:
    ///   - inputCount: The width of one example, which the first layer must have.
    ///   - classCount: The number of classes, which the last layer must have.
    ///   - images: Whether the examples are images; for features, a preset's deskewing is dropped
    ///     (a given `preprocessing` is kept, and refused by the run).
    /// - Throws: `ConfigurationError` naming the first option whose value cannot be used.
    public func configuration(inputCount: Int = 784, classCount: Int = 10, images: Bool = true) throws(ConfigurationError) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(preset: preset ?? .video)
        if !images { configuration.preprocessing = .none }
        configuration.sizes = [inputCount] + configuration.sizes.dropFirst().dropLast() + [classCount]
        func set<Value>(_ value: Value?, _ path: WritableKeyPath<TrainingConfiguration, Value>) {
            if let value { configuration[keyPath: path] = value }
        }
        set(layers, \.sizes)
        set(hidden, \.hidden)
        set(output, \.output)
        set(cost, \.cost)
        set(initialization, \.initialization)
        set(learningRate, \.learningRate)
        set(momentum, \.momentum)
        set(weightDecay, \.weightDecay)
        set(batchSize, \.batchSize)
        set(epochs, \.epochs)
        set(seed, \.seed)
        set(optimizer, \.optimizer)
        set(threads, \.threads)
        set(schedule, \.schedule.shape)
        set(warmupEpochs, \.schedule.warmupEpochs)
        set(stepEvery, \.schedule.stepEvery)
        set(stepFactor, \.schedule.stepFactor)
        set(patience, \.patience)
        set(dropout, \.dropout)
        set(shift, \.augmentation.maxShift)
        set(rotation, \.augmentation.maxRotation)
        set(scaling, \.augmentation.maxScaling)
        set(elasticAlpha, \.augmentation.elasticAlpha)
        set(elasticSigma, \.augmentation.elasticSigma)
        set(preprocessing, \.preprocessing)
        try configuration.validate(inputCount: inputCount, classCount: classCount)
        return configuration
    }

    /// The command-line names of the options given (`--preset`, `--layers`, ...), in a fixed order.
    public var given: [String] {
        let all: [(String, Bool)] = [
            ("preset", preset != nil), ("layers", layers != nil), ("activation", hidden != nil), ("output", output != nil),
            ("cost", cost != nil), ("init", initialization != nil), ("learning-rate", learningRate != nil),
            ("momentum", momentum != nil), ("weight-decay", weightDecay != nil), ("batch-size", batchSize != nil),
            ("epochs", epochs != nil), ("seed", seed != nil), ("optimizer", optimizer != nil),
            ("schedule", schedule != nil), ("warmup-epochs", warmupEpochs != nil), ("step-every", stepEvery != nil),
            ("step-factor", stepFactor != nil), ("patience", patience != nil), ("dropout", dropout != nil), ("shift", shift != nil),
            ("rotation", rotation != nil), ("scaling", scaling != nil), ("elastic-alpha", elasticAlpha != nil),
            ("elastic-sigma", elasticSigma != nil), ("preprocessing", preprocessing != nil),
        ]
        return all.filter(\.1).map { "--" + $0.0 }
    }
}
