import DescentNetwork
import DescentTraining

/// The body of `POST /api/train`: a preset and any values that override it.
struct TrainingRequest: Decodable, Sendable {
    var preset: String?
    var layers: [Int]?
    var activation: String?
    var output: String?
    var cost: String?
    var optimizer: String?
    var learningRate: Double?
    var momentum: Double?
    var batchSize: Int?
    var epochs: Int?
    var seed: UInt64?
    /// Train on the first N training images only.
    var trainingLimit: Int?

    /// The most epochs one request may ask for: the server trains one job at a time.
    static let maximumEpochs = 100

    /// The configuration it asks for, checked.
    /// - Throws: `APIError` (400) naming the value that is not allowed.
    func configuration() throws -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        if let preset {
            guard let value = TrainingConfiguration.Preset(rawValue: preset) else { throw invalid("preset", preset, TrainingConfiguration.Preset.allCases.map(\.rawValue)) }
            configuration = TrainingConfiguration(preset: value)
        }
        if let layers { configuration.sizes = layers }
        if let activation {
            guard let value = Activation(rawValue: activation) else { throw invalid("activation", activation, Activation.hidden.map(\.rawValue)) }
            configuration.hidden = value
        }
        if let output {
            guard let value = Activation(rawValue: output) else { throw invalid("output", output, Activation.output.map(\.rawValue)) }
            configuration.output = value
        }
        if let cost {
            guard let value = Cost(rawValue: cost) else { throw invalid("cost", cost, Cost.allCases.map(\.rawValue)) }
            configuration.cost = value
        }
        if let optimizer {
            guard let value = TrainingConfiguration.OptimizerKind(rawValue: optimizer) else {
                throw invalid("optimizer", optimizer, TrainingConfiguration.OptimizerKind.allCases.map(\.rawValue))
            }
            configuration.optimizer = value
        }
        if let learningRate { configuration.learningRate = learningRate }
        if let momentum { configuration.momentum = momentum }
        if let batchSize { configuration.batchSize = batchSize }
        if let epochs { configuration.epochs = epochs }
        if let seed { configuration.seed = seed }
        guard configuration.epochs <= Self.maximumEpochs else {
            throw APIError.badRequest("epochs \(configuration.epochs) is not allowed; expected 1 to \(Self.maximumEpochs)")
        }
        if let trainingLimit, trainingLimit < 1 {
            throw APIError.badRequest("trainingLimit \(trainingLimit) is not allowed; expected a positive number")
        }
        do {
            try configuration.validate()
        } catch {
            throw APIError.badRequest(error.description.replacingOccurrences(of: "--", with: ""))
        }
        return configuration
    }

    func invalid(_ key: String, _ value: String, _ allowed: [String]) -> APIError {
        APIError.badRequest("\(key) \"\(value)\" is not known; expected one of \(allowed.joined(separator: ", "))")
    }
}
