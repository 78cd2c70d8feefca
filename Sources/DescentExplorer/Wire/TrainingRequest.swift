import DescentDatasets
import DescentNetwork
import DescentTraining

/// The body of `POST /api/train`: the library's `TrainingOptions`, decoded from the same JSON keys
/// (`preset`, `layers`, `learningRate`, `batchSize`, `epochs`, `preprocessing`, ...) and checked by the
/// same validation as `descent train`'s options, and how many training images to use.
struct TrainingRequest: Decodable, Sendable {
    /// The preset and the values that override it.
    var options: TrainingOptions
    /// Train on the first N training images only (`descent train --train-limit`).
    var trainingLimit: Int?

    private enum CodingKeys: String, CodingKey {
        case trainingLimit
    }

    /// The most epochs one request may ask for: the server trains one job at a time.
    static let maximumEpochs = 100

    /// Reads the options and the training limit from the same object.
    /// - Throws: `DecodingError` naming the key whose value is of the wrong type or not a known name.
    init(from decoder: any Decoder) throws {
        options = try TrainingOptions(from: decoder)
        trainingLimit = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Int.self, forKey: .trainingLimit)
    }

    /// The configuration it asks for, checked as `descent train` checks its options.
    /// - Throws: `APIError` (400) naming the value that is not allowed, or (422) a preset that
    ///   needs a teacher the page cannot give.
    func configuration() throws -> TrainingConfiguration {
        if let preset = options.preset, let distillation = preset.distillation {
            throw APIError(.unprocessableContent, "preset \"\(preset.rawValue)\" learns from a \(distillation.teacher.rawValue) teacher, "
                + "which the page cannot give: train it with descent train --preset \(preset.rawValue) --teacher FILE")
        }
        let configuration: TrainingConfiguration
        do {
            configuration = try options.configuration()
        } catch {
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
}
