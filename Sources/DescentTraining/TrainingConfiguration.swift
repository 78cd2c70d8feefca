// Training: the epoch loop that feeds MNIST-style data to a network through SGD, the reports it
// returns, evaluation, presets, and the model file with its metadata. It wires the data sets to
// the network; neither knows the other.

public import DescentNetwork
public import DescentLinearAlgebra
public import DescentDatasets

/// Everything that decides a training run. The same configuration gives the same model, bit for bit.
public struct TrainingConfiguration: Sendable, Equatable {
    /// Neurons per layer, input first.
    public var sizes: [Int] = [784, 16, 16, 10]
    /// The hidden layers' activation: sigmoid, relu or tanh.
    public var hidden: Activation = .sigmoid
    /// The output layer's activation: sigmoid or softmax.
    public var output: Activation = .sigmoid
    /// The cost minimised: the video's quadratic cost, or cross-entropy.
    public var cost: Cost = .quadratic
    /// How the weights and biases are drawn from `seed` before the first step.
    public var initialization: Initialization = .scaledNormal
    /// η, the step size before any schedule's factor; positive (3.0 in the video's recipe).
    public var learningRate: Double = 3.0
    /// μ for SGD's momentum, in 0..<1 (0: plain gradient descent; must be 0 with Adam, above 0 with Nesterov).
    public var momentum: Double = 0
    /// λ in the cost C + λ/(2n) Σ w², with n the number of training examples.
    public var weightDecay: Double = 0
    /// Examples a mini-batch, 1 to 65,536: each step follows the mean gradient of this many.
    public var batchSize: Int = 10
    /// Passes over the training set, 1 to 100,000.
    public var epochs: Int = 30
    /// The seed of every random draw (the initial weights, the shuffles, dropout and distortions).
    public var seed: UInt64 = 0
    /// How the gradient becomes a step.
    public var optimizer: OptimizerKind = .sgd
    /// Threads a large matrix product may use; the result does not depend on it.
    public var threads: Int = 1
    /// How the learning rate changes over the run (constant by default).
    public var schedule = LearningRateSchedule()
    /// The probability of dropping each hidden unit during training (0: no dropout); see `Workspace.enableDropout`.
    public var dropout: Double = 0
    /// Random distortions of the training images, drawn afresh every epoch (none by default).
    public var augmentation = Augmentation()
    /// What every image goes through, in training and in every later use of the model.
    public var preprocessing: Preprocessing = .none
    /// Early stopping: stop once validation accuracy has not improved for this many epochs, and return
    /// the network of the best epoch. nil: train every epoch and return the last network.
    public var patience: Int?

    /// The optimizers a configuration can name.
    public enum OptimizerKind: String, CaseIterable, Sendable {
        /// Mini-batch SGD with optional momentum (`SGD`).
        case sgd
        /// Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8 (`Adam`).
        case adam
        /// SGD with Nesterov momentum (`SGD` with `nesterov`); needs a momentum above 0.
        case nesterov
    }

    /// Named recipes. `video` is the default.
    public enum Preset: String, CaseIterable, Sendable {
        /// The video's 784-16-16-10 network with Nielsen's chapter-1 recipe: sigmoid, quadratic
        /// cost, batch 10, learning rate 3.0, 30 epochs, N(0, 1/fan_in) weights.
        case video
        /// Nielsen's chapter-1 network, 784-30-10, otherwise as `video`.
        case nielsen
        /// Nielsen's chapter-3 `network2.py` run: 784-100-10, sigmoid, cross-entropy, λ = 5.0,
        /// learning rate 0.5, batch 10, 30 epochs.
        case nielsenCh3 = "nielsen-ch3"
        /// The video's 784-16-16-10 layers with the best recipe found on the validation split: ReLU,
        /// softmax and cross-entropy, He weights, deskewed images, Adam with a cosine schedule.
        case videoBest = "video-best"
        /// 98% test accuracy in about 2 seconds on 2 cores: 784-256-128-10 ReLU, deskewed images, Adam,
        /// a cosine schedule over 4 epochs.
        case fast98
        /// A plain MLP at 99%: wide ReLU layers, deskewed and distorted images, dropout, Adam, cosine.
        case mlp99
        /// 99% within a minute on 2 cores: `mlp99`'s network and recipe in 10 epochs.
        case fast99
        /// The video's 784-16-16-10 layers taught by a big network (knowledge distillation): the
        /// `video-best` recipe run for 200 epochs with L2 λ = 20, its cost weighing each label
        /// (α = 0.1) against an `mlp99` teacher's outputs softened at T = 4. It needs the teacher
        /// (`distillation` says which).
        case videoDistilled = "video-distilled"

        /// The teacher a preset learns from, and the distillation's α and T; nil for presets that learn from labels alone.
        public var distillation: (teacher: Preset, alpha: Double, temperature: Double)? {
            self == .videoDistilled ? (teacher: .mlp99, alpha: 0.1, temperature: 4) : nil
        }
    }

    /// The `video` preset.
    public init() {}

    /// The values of a preset.
    public init(preset: Preset) {
        switch preset {
        case .video:
            break
        case .nielsen:
            sizes = [784, 30, 10]
        case .nielsenCh3:
            sizes = [784, 100, 10]
            cost = .crossEntropy
            weightDecay = 5.0
            learningRate = 0.5
        case .videoBest:
            setModernRecipe(sizes: [784, 16, 16, 10], learningRate: 2e-3, batchSize: 64, epochs: 60)
        case .fast99:
            self = TrainingConfiguration(preset: .mlp99)
            epochs = 10
        case .videoDistilled:
            setModernRecipe(sizes: [784, 16, 16, 10], learningRate: 2e-3, batchSize: 64, epochs: 200)
            weightDecay = 20
        case .fast98:
            setModernRecipe(sizes: [784, 256, 128, 10], learningRate: 1e-3, batchSize: 128, epochs: 4)
        case .mlp99:
            setModernRecipe(sizes: [784, 800, 800, 10], learningRate: 1e-3, batchSize: 128, epochs: 40)
            dropout = 0.1
            augmentation = Augmentation(maxShift: 0, maxRotation: 5, maxScaling: 0.05, elasticAlpha: 20, elasticSigma: 4)
        }
    }

    /// ReLU hidden layers, a softmax output with cross-entropy, He weights, deskewed images, and Adam
    /// with a cosine schedule: the common ground of the presets beyond the video.
    private mutating func setModernRecipe(sizes: [Int], learningRate: Double, batchSize: Int, epochs: Int) {
        self.sizes = sizes
        hidden = .relu
        output = .softmax
        cost = .crossEntropy
        initialization = .he
        optimizer = .adam
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.epochs = epochs
        schedule = LearningRateSchedule(shape: .cosine)
        preprocessing = .deskew
    }

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

    /// The number of weights and biases a network of `sizes` has.
    public var parameterCount: Int {
        zip(sizes, sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 + $1.1 }
    }

    /// A new network with this configuration's shape, drawn from `generator`.
    public func makeNetwork(using generator: inout some RandomNumberGenerator) throws(NetworkError) -> Network<Float> {
        try Network(sizes: sizes, hidden: hidden, output: output, cost: cost, initialization: initialization, using: &generator)
    }

    /// A fresh optimizer of this configuration's kind, for a training set of `trainingSetSize` examples.
    package func makeOptimizer(trainingSetSize: Int) -> TrainingOptimizer {
        switch optimizer {
        case .sgd:
            return .sgd(SGD(learningRate: Float(learningRate), momentum: Float(momentum),
                            weightDecay: Float(weightDecay), trainingSetSize: trainingSetSize))
        case .nesterov:
            return .sgd(SGD(learningRate: Float(learningRate), momentum: Float(momentum), nesterov: true,
                            weightDecay: Float(weightDecay), trainingSetSize: trainingSetSize))
        case .adam:
            return .adam(Adam(learningRate: Float(learningRate), weightDecay: Float(weightDecay), trainingSetSize: trainingSetSize))
        }
    }

    /// The settings as model-file metadata (string values): every field but `threads`, which does
    /// not change the result. `init(metadata:)` reads them back. The keys of the schedule, dropout,
    /// augmentation and early stopping appear only when they are used, so a run without them writes
    /// the same keys as before they existed; `preprocessing` is always there, since every consumer of
    /// the model must apply it.
    public var metadata: [String: String] {
        var metadata = [
            "layers": sizes.map(String.init).joined(separator: ","), "hidden_activation": hidden.rawValue,
            "output_activation": output.rawValue, "cost": cost.rawValue,
            "seed": "\(seed)", "init": initialization.rawValue, "learning_rate": "\(learningRate)",
            "optimizer": optimizer.rawValue, "momentum": "\(momentum)", "weight_decay": "\(weightDecay)", "batch_size": "\(batchSize)", "epochs": "\(epochs)",
            "preprocessing": preprocessing.rawValue,
        ]
        if !schedule.isConstant {
            metadata["schedule"] = schedule.shape.rawValue
            metadata["warmup_epochs"] = "\(schedule.warmupEpochs)"
            if schedule.shape == .step { metadata["step_every"] = "\(schedule.stepEvery)"; metadata["step_factor"] = "\(schedule.stepFactor)" }
        }
        if dropout > 0 { metadata["dropout"] = "\(dropout)" }
        if !augmentation.isIdentity {
            metadata["augmentation"] = augmentation.summary
            metadata["shift"] = "\(augmentation.maxShift)"
            metadata["rotation"] = "\(augmentation.maxRotation)"
            metadata["scaling"] = "\(augmentation.maxScaling)"
            metadata["elastic_alpha"] = "\(augmentation.elasticAlpha)"
            metadata["elastic_sigma"] = "\(augmentation.elasticSigma)"
        }
        if let patience { metadata["patience"] = "\(patience)" }
        return metadata
    }

    /// The configuration whose `metadata` this is (with `threads` 1), checked by `validate()`.
    /// The keys that appear only when used take their defaults when absent.
    /// - Throws: `ConfigurationError` naming the first key that is missing or cannot be read.
    public init(metadata: [String: String]) throws(ConfigurationError) {
        func value<T>(_ key: String, _ expected: String, _ parse: (String) -> T?) throws(ConfigurationError) -> T {
            guard let text = metadata[key], let value = parse(text) else {
                throw .invalid(option: key, value: metadata[key] ?? "(missing)", expected: expected)
            }
            return value
        }
        func optional<T>(_ key: String, _ expected: String, _ parse: (String) -> T?) throws(ConfigurationError) -> T? {
            guard metadata[key] != nil else { return nil }
            return try value(key, expected, parse)
        }
        sizes = try value("layers", "sizes such as 784,16,16,10") { text in
            let sizes = text.split(separator: ",").map { Int($0) }
            return sizes.allSatisfy { $0 != nil } ? sizes.compactMap { $0 } : nil
        }
        hidden = try value("hidden_activation", "an activation", Activation.init(rawValue:))
        output = try value("output_activation", "an activation", Activation.init(rawValue:))
        cost = try value("cost", "a cost", Cost.init(rawValue:))
        initialization = try value("init", "an initialisation", Initialization.init(rawValue:))
        learningRate = try value("learning_rate", "a number") { Double($0) }
        momentum = try value("momentum", "a number") { Double($0) }
        weightDecay = try value("weight_decay", "a number") { Double($0) }
        batchSize = try value("batch_size", "a whole number", { Int($0) })
        epochs = try value("epochs", "a whole number", { Int($0) })
        seed = try value("seed", "a whole number", { UInt64($0) })
        optimizer = try value("optimizer", "sgd, nesterov or adam", OptimizerKind.init(rawValue:))
        preprocessing = try optional("preprocessing", "none or deskew", Preprocessing.init(rawValue:)) ?? .none
        if let shape = try optional("schedule", "constant, step or cosine", LearningRateSchedule.Shape.init(rawValue:)) { schedule.shape = shape }
        if let warmup = try optional("warmup_epochs", "a whole number", { Int($0) }) { schedule.warmupEpochs = warmup }
        if let every = try optional("step_every", "a whole number", { Int($0) }) { schedule.stepEvery = every }
        if let factor = try optional("step_factor", "a number", { Double($0) }) { schedule.stepFactor = factor }
        dropout = try optional("dropout", "a number", { Double($0) }) ?? 0
        if let shift = try optional("shift", "a whole number", { Int($0) }) { augmentation.maxShift = shift }
        if let rotation = try optional("rotation", "a number", { Double($0) }) { augmentation.maxRotation = rotation }
        if let scaling = try optional("scaling", "a number", { Double($0) }) { augmentation.maxScaling = scaling }
        if let alpha = try optional("elastic_alpha", "a number", { Double($0) }) { augmentation.elasticAlpha = alpha }
        if let sigma = try optional("elastic_sigma", "a number", { Double($0) }) { augmentation.elasticSigma = sigma }
        patience = try optional("patience", "a whole number", { Int($0) })
        try validate(inputCount: sizes.first ?? 0, classCount: sizes.last ?? 0)
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

/// The optimizer a configuration chose. An enum rather than an existential so that each step
/// calls the Float-specialised code directly.
package enum TrainingOptimizer: Sendable {
    case sgd(SGD<Float>)
    case adam(Adam<Float>)

    /// The step size the next step takes; a schedule sets it before each step.
    package var learningRate: Float {
        get {
            switch self {
            case .sgd(let sgd): return sgd.learningRate
            case .adam(let adam): return adam.learningRate
            }
        }
        set {
            switch self {
            case .sgd(var sgd): sgd.learningRate = newValue; self = .sgd(sgd)
            case .adam(var adam): adam.learningRate = newValue; self = .adam(adam)
            }
        }
    }

    /// Returns the optimizer, leaving a placeholder in `self` until it is put back.
    private mutating func take() -> TrainingOptimizer {
        let taken = self
        self = .sgd(SGD(learningRate: 0))
        return taken
    }

    /// Whether the first layer can be trained over sparse inputs: plain SGD without momentum, whose
    /// update needs no gradient buffer, and Adam, which steps the layer's weights in its layout.
    package var canTrainSparse: Bool {
        switch self {
        case .sgd(let sgd): return sgd.momentum == 0
        case .adam: return true
        }
    }

    /// The sparse first layer this optimizer trains `network`'s first layer with (nil when it
    /// cannot: see `canTrainSparse`), carrying Adam's moments so far.
    package func makeSparseLayer(for network: Network<Float>, capacity: Int) -> SparseFirstLayer? {
        guard canTrainSparse else { return nil }
        var layer = SparseFirstLayer(network: network, capacity: capacity)
        if case .adam(let adam) = self {
            layer.enableAdam(firstMoment: adam.firstMoment?.weights[0], secondMoment: adam.secondMoment?.weights[0])
        }
        return layer
    }

    /// Puts what `sparse` trained back: the first layer's weights into `network`, Adam's moments
    /// for it into this optimizer. Call it before anyone reads either.
    package mutating func writeBack(_ sparse: SparseFirstLayer?, into network: inout Network<Float>) {
        guard let sparse else { return }
        sparse.write(into: &network)
        guard let moments = sparse.adamMoments, case .adam(var adam) = take() else { return }
        if adam.firstMoment != nil, adam.secondMoment != nil {
            adam.firstMoment!.weights[0] = moments.first
            adam.secondMoment!.weights[0] = moments.second
        }
        self = .adam(adam)
    }

    /// Backpropagates the batch in `workspace` and updates `network`; with `sparse` (from
    /// `makeSparseLayer`), the first layer runs over the batch's non-zero inputs held there.
    package mutating func step(
        _ network: inout Network<Float>, on workspace: inout Workspace<Float>, sparse: inout SparseFirstLayer?,
        count: Int, gradients: inout Gradients<Float>
    ) -> BatchResult<Float> {
        if sparse != nil {
            switch take() {
            case .sgd(let sgd):
                self = .sgd(sgd)
                let shrink = 1 - sgd.learningRate * sgd.weightDecay / Float(sgd.trainingSetSize)
                return network.descend(&workspace, sparse: &sparse!, count: count, learningRate: sgd.learningRate, shrink: shrink)
            case .adam(var adam):
                let result = adam.step(&network, on: &workspace, sparse: &sparse!, count: count, gradients: &gradients)
                self = .adam(adam)
                return result
            }
        }
        // The optimizer is taken out of `self` while it steps: were `self` (or a switch's copy of
        // it) still holding it, its velocity or moments would be shared, and each step would copy them.
        switch take() {
        case .sgd(var sgd):
            let result = sgd.step(&network, on: &workspace, count: count, gradients: &gradients)
            self = .sgd(sgd)
            return result
        case .adam(var adam):
            let result = adam.step(&network, on: &workspace, count: count, gradients: &gradients)
            self = .adam(adam)
            return result
        }
    }
}
