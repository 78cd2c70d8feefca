import ArgumentParser
import DescentDatasets
import DescentExperiments
import Foundation
import DescentLinearAlgebra
import DescentPictures
import DescentTraining


struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Feed the network noise, blank pages and inverted digits, and see how sure it is.",
        discussion: """
            For each kind of input (real test images for comparison, uniform noise, Gaussian noise, a \
            blank page, a page all ink, inverted test images) it reports how often the top output is at \
            least the threshold, how the top output is spread, and which digits it answers, and draws \
            examples with the answers given. The network was only ever shown digits: whatever it is \
            given, it answers with one.
            """)

    @OptionGroup var model: ModelOption
    @OptionGroup var data: DataOptions

    @Option(help: "Inputs of each kind.")
    var count: Int = 1000

    @Option(help: "A top output at least this counts as confident.")
    var threshold: Double = 0.9

    @Option(help: "Seeds the noise and the choice of test images.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Where to write the picture of examples.", valueName: "file"))
    var out: String = "probe.png"

    @OptionGroup var output: OutputOptions

    mutating func validate() throws {
        guard (1...100_000).contains(count) else { throw ValidationError("--count \(count): expected 1 to 100000") }
        guard threshold > 0, threshold <= 1 else { throw ValidationError("--threshold \(threshold): expected a number in (0, 1]") }
    }

    mutating func run() async throws {
        let network = try model.loadDigitModel().network
        let console = Console(quiet: output.json)
        let mnist = try await DataLocation.load(data) { console.note($0) }
        var generator = SplitMix64(seed: seed)
        let reports = Probe.run(network, count: count, test: mnist.test, threshold: threshold, using: &generator)
        try Output.write(sheet(reports).image(), to: out)
        if output.json {
            Format.printJSON(["out": out, "model": model.path, "seed": seed, "threshold": threshold, "kinds": reports.map(json)])
            return
        }
        console.say("\(count) inputs of each kind through \(model.path) (seed \(seed)); wrote \(out).")
        console.say("kind             top ≥ \(threshold)   mean top   10%    median  90%     accuracy  most common answer")
        for report in reports {
            let common = report.digitCounts.indices.max { report.digitCounts[$0] < report.digitCounts[$1] } ?? 0
            console.say(report.kind.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)
                + String(format: " %6.1f%%      %.3f      %.3f  %.3f   %.3f   %@  %d (%.0f%%)",
                         report.confidentShare * 100, report.meanTopOutput, report.quantile(0.1), report.quantile(0.5),
                         report.quantile(0.9), report.accuracy.map { Format.percent($0) } ?? "   -    ", common,
                         Double(report.digitCounts[common]) / Double(max(1, report.count)) * 100))
        }
    }

    func json(_ report: ProbeReport) -> [String: Any] {
        var object: [String: Any] = [
            "kind": report.kind.rawValue, "count": report.count, "confident": report.confidentCount,
            "confident_share": report.confidentShare, "mean_top_output": report.meanTopOutput,
            "quantiles": ["p10": report.quantile(0.1), "median": report.quantile(0.5), "p90": report.quantile(0.9)],
            "histogram": report.histogram(bins: 10), "answers": report.digitCounts,
        ]
        if let accuracy = report.accuracy { object["accuracy"] = accuracy }
        return object
    }

    func sheet(_ reports: [ProbeReport]) -> TileSheet {
        let tiles = reports.flatMap { report in
            report.examples.map { example in
                let wrong = example.label.map { $0 != example.digit } ?? false
                return TileSheet.Tile(image: RGBImage(inkBytes: example.pixels, width: 28, height: 28), captions: [
                    TileSheet.Caption("says \(example.digit)", color: wrong ? .red : .black),
                    TileSheet.Caption(String(format: "%.2f", example.topOutput),
                                      color: example.topOutput >= threshold ? .red : .darkGray),
                ])
            }
        }
        let rowLabels = reports.map { report in
            report.kind.summary + String(format: ": %.0f%%", report.confidentShare * 100) + " ≥ \(threshold)"
        }
        return TileSheet(title: "What \(model.path) says about things that are not digits",
                         notes: ["each row: one kind of input, with the share of \(count) whose top output is at least \(threshold)",
                                 "under each image: the digit it answers and its top output (red when at least \(threshold)); ink is drawn dark on white paper"],
                         tiles: tiles, columns: reports.map(\.examples.count).max() ?? 1, scale: 2, rowLabels: rowLabels)
    }
}
