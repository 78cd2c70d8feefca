import DescentExperiments
import DescentPictures
import Foundation

// What `descent minima` prints, writes as JSON, and draws.
extension MinimaCommand {
    func say(_ part: MinimaPart, console: Console) {
        let report = part.report
        console.say("")
        console.say("\(part.title), \(part.seeds.count) seeds (\(Format.duration(part.seconds))):")
        if let test = report.testAccuracy, let cost = report.trainingCost, let fit = report.trainingAccuracy {
            console.say("  test accuracy      " + Self.spreadText(test, percent: true))
            if let validation = report.validationAccuracy { console.say("  validation         " + Self.spreadText(validation, percent: true)) }
            console.say("  training accuracy  " + Self.spreadText(fit, percent: true) + (part.kind == .shuffled ? " (on the shuffled labels)" : ""))
            console.say("  training cost      " + Self.spreadText(cost, percent: false))
        }
        if let start = report.startDistance, let trained = report.distance, let aligned = report.alignedDistance {
            console.say(String(format: "  distance ‖a − b‖ / ((‖a‖ + ‖b‖)/2) over %d pairs: %.3f at the start, %.3f trained (%.3f-%.3f), "
                               + "%.3f once hidden neurons are matched", report.pairs.count, start.mean, trained.mean, trained.minimum,
                               trained.maximum, aligned.mean))
        }
        let measured = report.measuredPairs
        guard !measured.isEmpty else { return }
        console.say("  cost on the straight line between two networks (\(pathPoints) points, \(part.probe.count) training images); "
            + "ridge = highest cost minus the mean of the ends:")
        console.say("    seeds    ridge as trained  matched  removed  lowest accuracy on the line  matched neurons' correlation")
        for pair in measured {
            guard let path = pair.path, let aligned = pair.alignedPath else { continue }
            let removed = path.ridge > 0 ? String(format: "%5.0f%%", 100 * (1 - aligned.ridge / path.ridge)) : "    -"
            let correlations = pair.alignment.matchedCorrelations.map { String(format: "%.2f", $0) }.joined(separator: " ")
            console.say(String(format: "    %3llu-%-3llu  %.4f            %.4f   %@   %@ -> %@            %@",
                               report.runs[pair.first].seed, report.runs[pair.second].seed, path.ridge, aligned.ridge, removed,
                               Format.percent(path.lowestAccuracy), Format.percent(aligned.lowestAccuracy), correlations))
        }
        if let before = report.ridge, let after = report.alignedRidge {
            console.say(String(format: "  mean ridge %.4f as trained, %.4f with hidden neurons matched: %@ of it was only a relabelling",
                               before.mean, after.mean, report.ridgeRemoved.map { String(format: "%.0f%%", $0 * 100) } ?? "none"))
        }
    }

    static func spreadText(_ spread: Spread, percent: Bool) -> String {
        let text = { (value: Double) in percent ? Format.percent(value) : String(format: "%.4f", value) }
        return "mean \(text(spread.mean))  min \(text(spread.minimum))  max \(text(spread.maximum))  "
            + (percent ? String(format: "(range %.2f points, sd %.2f)", spread.range * 100, spread.standardDeviation * 100)
                       : String(format: "(range %.4f, sd %.4f)", spread.range, spread.standardDeviation))
    }

    func json(_ part: MinimaPart) -> [String: Any] {
        let report = part.report
        func spread(_ spread: Spread?) -> Any {
            guard let spread else { return NSNull() }
            return ["mean": spread.mean, "min": spread.minimum, "max": spread.maximum, "sd": spread.standardDeviation]
        }
        func path(_ path: LinearPath?) -> Any {
            guard let path else { return NSNull() }
            return ["t": path.positions, "costs": path.costs, "accuracies": path.accuracies, "ridge": path.ridge]
        }
        return [
            "title": part.title, "seconds": part.seconds, "layers": part.configuration.sizes, "epochs": part.configuration.epochs, "training_images": part.training.count,
            "labels": part.kind == .shuffled ? "shuffled" : "true",
            "runs": report.runs.map { run in
                ["seed": run.seed, "training_cost": run.trainingCost, "training_accuracy": run.trainingAccuracy,
                 "validation_accuracy": run.validationAccuracy ?? NSNull(), "test_accuracy": run.testAccuracy] as [String: Any]
            },
            "test_accuracy": spread(report.testAccuracy), "validation_accuracy": spread(report.validationAccuracy),
            "training_accuracy": spread(report.trainingAccuracy), "training_cost": spread(report.trainingCost),
            "start_distance": spread(report.startDistance), "distance": spread(report.distance), "aligned_distance": spread(report.alignedDistance),
            "ridge": spread(report.ridge), "aligned_ridge": spread(report.alignedRidge), "ridge_removed": report.ridgeRemoved ?? NSNull(),
            "pairs": report.pairs.map { pair in
                ["seeds": [report.runs[pair.first].seed, report.runs[pair.second].seed], "start_distance": pair.startDistance,
                 "distance": pair.distance, "aligned_distance": pair.alignedDistance, "permutations": pair.alignment.permutations,
                 "matched_correlations": pair.alignment.matchedCorrelations, "unmatched_correlations": pair.alignment.unmatchedCorrelations,
                 "path": path(pair.path), "aligned_path": path(pair.alignedPath)] as [String: Any]
            },
        ]
    }

    /// The straight lines of each part that has them, before and after matching, and every seed's test accuracy.
    func figure(_ parts: [MinimaPart]) -> Figure {
        // One cost scale for every panel of lines, so that their ridges compare by eye.
        let highest = parts.flatMap(\.report.measuredPairs).flatMap { ($0.path?.costs ?? []) + ($0.alignedPath?.costs ?? []) }.max() ?? 1
        let costRange = 0...max(0.05, (highest * 20).rounded(.up) / 20)
        let lines = parts.filter { !$0.report.measuredPairs.isEmpty }.map { part in
            let series = part.report.measuredPairs.flatMap { pair -> [LineChart.Series] in
                [pair.path, pair.alignedPath].enumerated().compactMap { index, path in
                    path.map { path in
                        LineChart.Series(name: index == 0 ? "as trained" : "hidden neurons matched",
                                         points: zip(path.positions, path.costs).map { (x: $0, y: $1) }, color: Color.series(index))
                    }
                }
            }
            return LineChart(title: part.title, xLabel: "t: (1 − t)·first + t·other", yLabel: "training cost", series: series,
                             xRange: 0...1, yRange: costRange)
        }
        let accuracies = parts.filter { $0.kind != .shuffled }.enumerated().map { index, part in
            LineChart.Series(name: "test accuracy, \(Self.sizesText(part.configuration.sizes))",
                             points: part.report.runs.map { (x: Double($0.seed), y: $0.testAccuracy) },
                             color: Color.series(2 + index), line: false, markers: true)
        }
        let strip = LineChart(title: "Each seed's test accuracy", xLabel: "seed", yLabel: "test accuracy", series: accuracies, yPercent: true)
        let ridges = parts.compactMap { part -> String? in
            guard let before = part.report.ridge, let after = part.report.alignedRidge else { return nil }
            return String(format: "%@: ridge %.4f → %.4f", part.title, before.mean, after.mean)
                + (part.report.ridgeRemoved.map { String(format: " (%.0f%% removed)", $0 * 100) } ?? "")
        }
        let shuffled = parts.first { $0.kind == .shuffled }.flatMap { part -> String? in
            guard let fit = part.report.trainingAccuracy, let trueFit = parts.first?.report.trainingAccuracy else { return nil }
            return "training accuracy across \(part.seeds.count) seeds: \(Format.percent(trueFit.minimum)) to \(Format.percent(trueFit.maximum)) "
                + "with true labels; \(Format.percent(fit.minimum)) to \(Format.percent(fit.maximum)) with shuffled labels "
                + "(\(part.training.count) images, the same recipe)"
        }
        return Figure(
            title: "Many valleys, equally deep: the straight line between two trained networks, before and after matching hidden neurons",
            notes: ["cost on \(parts.first?.probe.count ?? 0) training images at \(pathPoints) points from seed \(seed)'s network to each other seed's; "
                    + "ridge = highest cost on the line minus the mean of its two ends (mean over lines)",
                    ridges.joined(separator: "; ")] + (shuffled.map { [$0] } ?? []),
            panels: lines + [strip])
    }
}
