import DescentDatasets
import DescentLinearAlgebra
import DescentTraining
import Foundation

// A Playground's points in and out as CSV: a person's file read by the library's `CSVDataset`
// within the page's limits, and the points written back as the network reads them.

extension PlaygroundData {
    /// A CSV of numeric columns and a label column, within `limits`, split at random (`query.seed`).
    /// - Throws: `APIError` (413) for too many rows, (422) naming what is wrong: a cell that is not a
    ///   number, no label column, a single class, too many classes or columns.
    static func uploaded(_ bytes: [UInt8], query: PlaygroundCSVQuery, limits: PlaygroundLimits) throws(APIError) -> PlaygroundData {
        let lines = bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        guard lines <= limits.maximumCSVRows + 1 else {
            throw APIError(.contentTooLarge, "the CSV has \(lines) lines; a Playground takes at most \(limits.maximumCSVRows) rows and the header")
        }
        let table: CSVDataset
        do {
            table = try CSVDataset.parse(bytes, source: query.name, labelColumn: query.labelColumn)
        } catch {
            throw APIError(.unprocessableContent, error.description)
        }
        let width = table.featureNames.count
        guard width >= 2, width <= limits.maximumCSVColumns else {
            throw APIError(.unprocessableContent, "\(query.name) has \(width) numeric column\(width == 1 ? "" : "s") besides \(query.labelColumn); "
                + "a Playground needs 2 to \(limits.maximumCSVColumns)")
        }
        let classes = table.classNames.count
        guard classes >= 2 else {
            throw APIError(.unprocessableContent, "\(query.labelColumn) holds a single class (\(table.classNames.first ?? "")); a Playground needs 2 or more to tell apart")
        }
        guard classes <= limits.maximumClasses else {
            throw APIError(.unprocessableContent, "\(query.labelColumn) holds \(classes) classes; a Playground tells apart at most \(limits.maximumClasses)")
        }
        let set: PointSet
        do {
            set = try PointSet(points: table.examples.features, labels: table.examples.labels, classCount: classes)
        } catch {
            throw APIError(.unprocessableContent, error.description)
        }
        var generator = SplitMix64(seed: query.seed)
        let (training, test) = set.split(testShare: query.testShare, using: &generator)
        guard training.count > 0 else { throw APIError(.unprocessableContent, "\(query.name) leaves no training points after the test share") }
        return PlaygroundData(source: "\(query.name) (\(set.count) rows, seed \(query.seed))", recipe: nil, testShare: query.testShare,
                              training: training, test: test, classNames: table.classNames, columnNames: table.featureNames, splitSeed: query.seed)
    }
}

extension PlaygroundCopy {
    /// The points of `split` (`test`, `training` or `all`) as CSV: a column for each of the network's
    /// inputs (derived features included, so that `descent evaluate --csv` reads them as the network
    /// did) and `label`, the class's name.
    func csv(split: String) -> String {
        let names = features.width == trainingExamples.width && data.width == 2 ? features.names : data.columnNames
        let header = (names + ["label"]).map(Self.quoted).joined(separator: ",")
        var lines = [header]
        let sets: [(LabeledFeatures, PointSet)] = switch split {
        case "training": [(trainingExamples, data.training)]
        case "all": [(trainingExamples, data.training), (testExamples, data.test)]
        default: [(testExamples, data.test)]
        }
        for (examples, _) in sets {
            for row in 0..<examples.count {
                let values = examples.row(row).map { "\($0)" }
                lines.append((values + [Self.quoted(data.classNames[examples.labels[row]])]).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A field quoted when it holds a comma, a quote or a line break.
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
