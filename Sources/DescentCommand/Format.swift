import Foundation
import DescentLinearAlgebra
import DescentTraining

/// How numbers and results are written for people and as JSON.
enum Format {
    static func percent(_ share: Double) -> String {
        String(format: "%.2f%%", share * 100)
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let whole = Int(seconds.rounded())
        return whole >= 3600 ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
            : String(format: "%d:%02d", whole / 60, whole % 60)
    }

    static func epochLine(_ report: EpochReport, of epochs: Int, validationCount: Int) -> String {
        if validationCount == 0 {  // a point set: the test is measured once, at the end
            return String(format: "Epoch %d/%d  cost %.4f  training %@  %.2fs",
                          report.epoch, epochs, report.trainingCost, percent(report.trainingAccuracy), report.seconds)
        }
        let correct = Int((report.validationAccuracy * Double(validationCount)).rounded())
        return String(format: "Epoch %d/%d  cost %.4f  training %@  validation %d/%d (%@)  %.2fs",
                      report.epoch, epochs, report.trainingCost, percent(report.trainingAccuracy),
                      correct, validationCount, percent(report.validationAccuracy), report.seconds)
    }

    static func epochJSON(_ report: EpochReport) -> [String: Any] {
        ["epoch": report.epoch, "training_cost": report.trainingCost, "training_accuracy": report.trainingAccuracy,
         "validation_accuracy": report.validationAccuracy, "seconds": report.seconds]
    }

    static func trainingSummary(_ epochs: [EpochReport], test: Evaluation, out: String, configuration: TrainingConfiguration) -> [String: Any] {
        [
            "epochs": epochs.map(epochJSON), "test_accuracy": test.accuracy, "test_correct": test.correct,
            "test_total": test.total, "model": out, "layers": configuration.sizes,
            "seconds": epochs.reduce(0) { $0 + $1.seconds },
        ]
    }

    static func evaluationJSON(_ evaluation: Evaluation) -> [String: Any] {
        [
            "accuracy": evaluation.accuracy, "correct": evaluation.correct, "total": evaluation.total,
            "per_class_accuracy": evaluation.perClassAccuracy.map { $0 ?? 0 }, "confusion": evaluation.confusion,
        ]
    }

    /// Prints one JSON object with sorted keys on one line.
    static func printJSON(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
              let text = String(data: data, encoding: .utf8) else {
            emit("{\"error\":\"could not encode the result as JSON\"}")
            return
        }
        emit(text)
    }

    /// The confusion matrix as a table: rows are true classes, columns predictions.
    static func confusionTable(_ confusion: [[Int]]) -> String {
        let width = max(5, (confusion.flatMap { $0 }.max() ?? 0).description.count + 1)
        func cell(_ text: String) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        var lines = ["true\\predicted " + confusion.indices.map { cell("\($0)") }.joined()]
        for (label, row) in confusion.enumerated() {
            lines.append(cell("\(label)") + String(repeating: " ", count: 11) + row.map { cell("\($0)") }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
