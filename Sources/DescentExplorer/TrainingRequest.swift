import DescentDatasets
import DescentNetwork
import DescentTraining

/// The body of `POST /api/train`: a preset and any values that override it. Every option of
/// `descent train` that changes the model is here, under its camel-case name, read into the
/// library's `TrainingOptions` and checked by the same validation.
struct TrainingRequest: Decodable, Sendable {
    var preset: String?
    var layers: [Int]?
    var activation: String?
    var output: String?
    var cost: String?
    var initialization: String?
    var optimizer: String?
    var learningRate: Double?
    var momentum: Double?
    var weightDecay: Double?
    var batchSize: Int?
    var epochs: Int?
    var seed: UInt64?
    var schedule: String?
    var warmupEpochs: Int?
    var stepEvery: Int?
    var stepFactor: Double?
    var patience: Int?
    var dropout: Double?
    var shift: Int?
    var rotation: Double?
    var scaling: Double?
    var elasticAlpha: Double?
    var elasticSigma: Double?
    var preprocessing: String?
    /// Train on the first N training images only (`descent train --train-limit`).
    var trainingLimit: Int?

    private enum CodingKeys: String, CodingKey {
        case preset, layers, activation, output, cost, optimizer, learningRate, momentum, weightDecay, batchSize, epochs, seed
        case schedule, warmupEpochs, stepEvery, stepFactor, patience, dropout, shift, rotation, scaling, elasticAlpha, elasticSigma
        case preprocessing, trainingLimit
        case initialization = "init"
    }

    /// The most epochs one request may ask for: the server trains one job at a time.
    static let maximumEpochs = 100

    /// The options it gives, each name checked against the values the library knows.
    /// - Throws: `APIError` (400) naming the value that is not known.
    func options() throws -> TrainingOptions {
        var options = TrainingOptions()
        options.preset = try known("preset", preset)
        if let preset = options.preset, let distillation = preset.distillation {
            throw APIError(.unprocessableContent, "preset \"\(preset.rawValue)\" learns from a \(distillation.teacher.rawValue) teacher, "
                + "which the page cannot give: train it with descent train --preset \(preset.rawValue) --teacher FILE")
        }
        options.layers = layers
        options.hidden = try known("activation", activation)
        options.output = try known("output", output)
        options.cost = try known("cost", cost)
        options.initialization = try known("init", initialization)
        options.optimizer = try known("optimizer", optimizer)
        options.learningRate = learningRate
        options.momentum = momentum
        options.weightDecay = weightDecay
        options.batchSize = batchSize
        options.epochs = epochs
        options.seed = seed
        options.schedule = try known("schedule", schedule)
        options.warmupEpochs = warmupEpochs
        options.stepEvery = stepEvery
        options.stepFactor = stepFactor
        options.patience = patience
        options.dropout = dropout
        options.shift = shift
        options.rotation = rotation
        options.scaling = scaling
        options.elasticAlpha = elasticAlpha
        options.elasticSigma = elasticSigma
        options.preprocessing = try known("preprocessing", preprocessing)
        return options
    }

    /// The configuration it asks for, checked as `descent train` checks its options.
    /// - Throws: `APIError` (400) naming the value that is not allowed.
    func configuration() throws -> TrainingConfiguration {
        let configuration: TrainingConfiguration
        do {
            configuration = try options().configuration()
        } catch let error as ConfigurationError {
            throw APIError.badRequest(error.description.replacingOccurrences(of: "--", with: ""))
        }
        guard configuration.epochs <= Self.maximumEpochs else {
            throw APIError.badRequest("epochs \(configuration.epochs) is not allowed; expected 1 to \(Self.maximumEpochs)")
        }
        if let trainingLimit, trainingLimit < 1 {
            throw APIError.badRequest("trainingLimit \(trainingLimit) is not allowed; expected a positive number")
        }
        return configuration
    }

    private func known<Value: RawRepresentable & CaseIterable>(_ key: String, _ text: String?) throws -> Value? where Value.RawValue == String {
        guard let text else { return nil }
        guard let value = Value(rawValue: text) else {
            throw APIError.badRequest("\(key) \"\(text)\" is not known; expected one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }
}
