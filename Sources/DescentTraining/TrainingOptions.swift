public import DescentDatasets
public import DescentNetwork
public import DescentLinearAlgebra

/// A preset and the values that override it, as a person gives them: `descent train` sets one from
/// its options, and the explorer's `POST /api/train` decodes one from its JSON body (see
/// `init(from:)`), so that the two accept the same options and check them the same way, in
/// `configuration(inputCount:classCount:images:)`.
public struct TrainingOptions: Sendable, Equatable {
    /// `--preset`: the recipe the other values override; nil: `video`.
    public var preset: TrainingConfiguration.Preset?
    /// `--layers`: every size, input first; nil: the preset's hidden layers between the data's input and class counts.
    public var layers: [Int]?
    /// `--activation`: the hidden layers' activation.
    public var hidden: Activation?
    /// `--output`: the output layer's activation.
    public var output: Activation?
    /// `--cost`: the cost minimised.
    public var cost: Cost?
    /// `--init`: how the first weights are drawn.
    public var initialization: Initialization?
    /// `--learning-rate`: η, positive.
    public var learningRate: Double?
    /// `--momentum`: μ, in 0..<1.
    public var momentum: Double?
    /// `--weight-decay`: λ, 0 or more.
    public var weightDecay: Double?
    /// `--batch-size`: examples a mini-batch, 1 to 65,536.
    public var batchSize: Int?
    /// `--epochs`: passes over the training set, 1 to 100,000.
    public var epochs: Int?
    /// `--seed`: the seed of every random draw.
    public var seed: UInt64?
    /// `--optimizer`: sgd, adam or nesterov.
    public var optimizer: TrainingConfiguration.OptimizerKind?
    /// `--threads`: threads a large matrix product may use, 1 to 256; the model does not depend on it.
    public var threads: Int?
    /// `--schedule`: the learning rate's shape after the warm-up.
    public var schedule: LearningRateSchedule.Shape?
    /// `--warmup-epochs`: epochs of linear warm-up, fewer than the epochs.
    public var warmupEpochs: Int?
    /// `--step-every`: for the step schedule, epochs between drops.
    public var stepEvery: Int?
    /// `--step-factor`: for the step schedule, what each drop multiplies the rate by.
    public var stepFactor: Double?
    /// `--patience`: stop after this many epochs without a better validation accuracy.
    public var patience: Int?
    /// `--dropout`: the probability of dropping each hidden unit in training.
    public var dropout: Double?
    /// `--shift`: whole pixels a training image may move on each axis (images only).
    public var shift: Int?
    /// `--rotation`: degrees a training image may turn either way (images only).
    public var rotation: Double?
    /// `--scaling`: the largest change of scale, as a fraction (images only).
    public var scaling: Double?
    /// `--elastic-alpha`: the elastic distortion's strength α in pixels (images only).
    public var elasticAlpha: Double?
    /// `--elastic-sigma`: the elastic field's smoothing σ in pixels (images only).
    public var elasticSigma: Double?
    /// `--preprocessing`: what every image goes through, in training and whenever the model is used.
    public var preprocessing: Preprocessing?
    /// `--precision`: the arithmetic of the training's products; nil: the preset's (`Preset.precision`, resolved).
    public var precision: PrecisionChoice?

    /// What `--precision` takes: a precision, or `auto` for bfloat16 where the CPU multiplies it in
    /// hardware (`ProductPrecision.hasFastBFloat16`) and float32 elsewhere.
    public enum PrecisionChoice: String, CaseIterable, Sendable {
        /// Every product in float32: bit-for-bit reproducible on one kernel family.
        case float32
        /// bfloat16 operands, float32 sums, on any CPU (emulated, and slower, where it has no bfloat16).
        case bf16
        /// bf16 where the CPU has bfloat16 instructions, float32 elsewhere.
        case auto

        /// The precision this choice gives on this CPU.
        public var resolved: ProductPrecision {
            switch self {
            case .float32: .float32
            case .bf16: .bfloat16
            case .auto: ProductPrecision.hasFastBFloat16 ? .bfloat16 : .float32
            }
        }
    }

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
        set(precision?.resolved, \.precision)
        try configuration.validate(inputCount: inputCount, classCount: classCount)
        return configuration
    }

    /// The command-line names of the options given (`--preset`, `--layers`, ...), in a fixed order.
    package var given: [String] {
        let all: [(String, Bool)] = [
            ("preset", preset != nil), ("layers", layers != nil), ("activation", hidden != nil), ("output", output != nil),
            ("cost", cost != nil), ("init", initialization != nil), ("learning-rate", learningRate != nil),
            ("momentum", momentum != nil), ("weight-decay", weightDecay != nil), ("batch-size", batchSize != nil),
            ("epochs", epochs != nil), ("seed", seed != nil), ("optimizer", optimizer != nil),
            ("schedule", schedule != nil), ("warmup-epochs", warmupEpochs != nil), ("step-every", stepEvery != nil),
            ("step-factor", stepFactor != nil), ("patience", patience != nil), ("dropout", dropout != nil), ("shift", shift != nil),
            ("rotation", rotation != nil), ("scaling", scaling != nil), ("elastic-alpha", elasticAlpha != nil),
            ("elastic-sigma", elasticSigma != nil), ("preprocessing", preprocessing != nil), ("precision", precision != nil),
        ]
        return all.filter(\.1).map { "--" + $0.0 }
    }
}
