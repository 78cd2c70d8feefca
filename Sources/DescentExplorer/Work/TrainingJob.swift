import Foundation
import DescentTraining

/// What a training job reports to the page, one server-sent event each.
enum TrainingUpdate: Sendable {
    case started(TrainingStatus)
    /// The untrained network's validation accuracy: the learning curve's first point.
    case initial(validationAccuracy: Double)
    case progress(epoch: Int, done: Int, total: Int)
    case epoch(EpochSummary)
    /// The job ended: `state` is finished, cancelled or failed; a fine-tuning's figures before and after.
    case ended(state: TrainingStatus.State, message: String, fineTune: FineTuneFigures?)

    /// The event's text on the wire: `event:` and one `data:` line of JSON, then a blank line.
    var serverSentEvent: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func data(_ value: some Encodable) -> String {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
        switch self {
        case .started(let status): return "event: started\ndata: \(data(status))\n\n"
        case .initial(let accuracy):
            return "event: initial\ndata: \(data(["validationAccuracy": accuracy]))\n\n"
        case .progress(let epoch, let done, let total):
            return "event: progress\ndata: \(data(["epoch": epoch, "done": done, "total": total]))\n\n"
        case .epoch(let summary): return "event: epoch\ndata: \(data(summary))\n\n"
        case .ended(let state, let message, let fineTune):
            return "event: \(state.rawValue)\ndata: \(data(EndEvent(state: state.rawValue, message: message, fineTune: fineTune)))\n\n"
        }
    }

    var isEnd: Bool {
        if case .ended = self { return true }
        return false
    }
}

/// The data of the event that ends a job.
struct EndEvent: Encodable {
    let state: String
    let message: String
    let fineTune: FineTuneFigures?
}

/// A fine-tuning's accuracy on the person's digits and on the test set, before it and (once it has
/// finished) after it.
struct FineTuneFigures: Codable, Sendable, Equatable {
    struct Accuracy: Codable, Sendable, Equatable {
        /// The share of the person's digits read right.
        let myDigits: Double
        /// How many digits that share is of.
        let myDigitsCount: Int
        /// The share of the test set read right.
        let test: Double
    }

    let before: Accuracy
    var after: Accuracy?
    /// How many times each digit was repeated in an epoch.
    let repeats: Int
}

/// One epoch's report, as the API writes it.
struct EpochSummary: Codable, Sendable, Equatable {
    let epoch: Int
    let trainingCost: Double
    let trainingAccuracy: Double
    let validationAccuracy: Double
    let seconds: Double

    init(_ report: EpochReport) {
        epoch = report.epoch
        trainingCost = report.trainingCost
        trainingAccuracy = report.trainingAccuracy
        validationAccuracy = report.validationAccuracy
        seconds = report.seconds
    }
}

/// Where a training job stands, as `GET /api/train` returns it.
struct TrainingStatus: Codable, Sendable {
    enum State: String, Codable, Sendable {
        case queued, running, finished, cancelled, failed
    }

    var id: Int
    var state: State
    let sizes: [Int]
    let learningRate: Double
    let batchSize: Int
    let epochs: Int
    let trainingCount: Int
    /// The untrained network's validation accuracy: the curve's first point (nil until the run has
    /// prepared its data and drawn its network; the `initial` event brings it).
    var initialValidationAccuracy: Double?
    var reports: [EpochSummary] = []
    var done: Int = 0
    var message: String?
    /// For a fine-tuning on the person's digits (`POST /api/fine-tune`): accuracy before and after.
    var fineTune: FineTuneFigures?
    /// For a student's fine-tuning on a classroom server: the copy it changes (`session` of `/api/step`).
    var session: String?
}

/// A flag that the web side sets and the training thread reads between mini-batches.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false

    func stop() { lock.withLock { stopped = true } }
    var isStopped: Bool { lock.withLock { stopped } }
}
