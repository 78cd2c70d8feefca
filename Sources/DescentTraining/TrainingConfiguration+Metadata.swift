import DescentNetwork
import DescentLinearAlgebra
import DescentDatasets

// The configuration as a model file's metadata (string keys and values), and back.

extension TrainingConfiguration {
    /// The settings as model-file metadata (string values): every field but `threads`, which does
    /// not change the result. `init(metadata:)` reads them back. The keys of the schedule, dropout,
    /// augmentation, early stopping and a precision other than float32 appear only when they are
    /// used, so a run without them writes the same keys as before they existed; `preprocessing` is
    /// always there, since every consumer of the model must apply it.
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
        if precision != .float32 { metadata["precision"] = precision.rawValue }
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
        precision = try optional("precision", "float32 or bf16", ProductPrecision.init(rawValue:)) ?? .float32
        try validate(inputCount: sizes.first ?? 0, classCount: sizes.last ?? 0)
    }
}
