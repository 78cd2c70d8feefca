import ArgumentParser
import DescentFileIO
import DescentPictures
import Foundation

/// Learning curves of several runs in one picture, from the reports `descent train --report` wrote.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Draw the learning curves of several runs side by side, from their `descent train --report` folders.",
        discussion: """
            Reads report.json from each folder and draws one SVG with two panels, validation and test \
            accuracy per epoch, one line per run. The runs are named by --names, or by their folders.
            """)

    @Argument(help: ArgumentHelp("Report folders written by `descent train --report` (two or more, up to 8).", valueName: "dir"))
    var reports: [String]

    @Option(help: ArgumentHelp("The runs' names in the legend, comma-separated, one per folder.", valueName: "names"))
    var names: String?

    @Option(help: ArgumentHelp("The figure's title.", valueName: "text"))
    var title: String = "Learning curves"

    @Option(help: ArgumentHelp("Where to write the SVG.", valueName: "file"))
    var out: String = "compare.svg"

    var legendNames: [String] {
        names.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
            ?? reports.map { ($0.split(separator: "/").last).map(String.init) ?? $0 }
    }

    func validate() throws {
        guard (1...8).contains(reports.count) else { throw ValidationError("give 1 to 8 report folders; \(reports.count) given") }
        guard legendNames.count == reports.count, legendNames.allSatisfy({ !$0.isEmpty }) else {
            throw ValidationError("--names has \(legendNames.count) names for \(reports.count) folders; give one non-empty name per folder")
        }
    }

    func run() throws {
        var validation: [LineChart.Series] = []
        var test: [LineChart.Series] = []
        for (index, (folder, name)) in zip(reports, legendNames).enumerated() {
            let curves = try Self.curves(inReport: folder + "/report.json")
            let markers = curves.count <= 40
            validation.append(LineChart.Series(name: name, points: curves.map { (x: $0.epoch, y: $0.validation) },
                                               color: Color.series(index), markers: markers))
            if curves.allSatisfy({ $0.test != nil }) {
                test.append(LineChart.Series(name: name, points: curves.map { (x: $0.epoch, y: $0.test ?? 0) }, color: Color.series(index), markers: markers))
            }
        }
        var panels = [LineChart(title: "Validation accuracy", xLabel: "epoch", yLabel: "share classified right", series: validation, yPercent: true)]
        if !test.isEmpty {
            panels.append(LineChart(title: "Test accuracy", xLabel: "epoch", yLabel: "share classified right", series: test, yPercent: true))
        }
        let notes = zip(legendNames, reports).map { "\($0): \($1)" }
        try Output.write(Figure(title: title, notes: notes, panels: panels).svg(), to: out)
        print("Wrote \(out): \(reports.count) runs, \(panels.count) panels")
    }

    /// Each epoch's validation and test accuracy (the test only when the run measured it every epoch).
    static func curves(inReport path: String) throws -> [(epoch: Double, validation: Double, test: Double?)] {
        let bytes = try Files.read(path, limit: 64 << 20)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw CommandError("\(path): not a JSON object; expected the report.json `descent train --report` writes")
        }
        guard let epochs = object["epochs"] as? [[String: Any]], !epochs.isEmpty else {
            throw CommandError("\(path): no \"epochs\" list; expected the report.json `descent train --report` writes")
        }
        return try epochs.enumerated().map { index, epoch in
            guard let number = (epoch["epoch"] as? NSNumber)?.doubleValue, let accuracy = (epoch["validation_accuracy"] as? NSNumber)?.doubleValue,
                  number.isFinite, accuracy.isFinite else {
                throw CommandError("\(path): epochs[\(index)] lacks a finite \"epoch\" or \"validation_accuracy\"")
            }
            return (number, accuracy, (epoch["test_accuracy"] as? NSNumber)?.doubleValue)
        }
    }
}
