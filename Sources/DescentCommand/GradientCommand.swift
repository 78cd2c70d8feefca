import ArgumentParser
import DescentDatasets
import DescentExperiments
import Foundation
import DescentNetwork
import DescentPictures

struct GradientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradient",
        abstract: "Which nudges matter most: the largest components of the cost's gradient for test images.",
        discussion: """
            Backpropagates the cost of one test image (or a batch) and lists the weights and biases \
            whose nudges change the cost most (the video's "bang for your buck"), the share of the \
            gradient's squared norm held by the top 1% and 10% of parameters, and draws the first \
            layer's negative gradient (the direction gradient descent moves each weight) as 28x28 tiles.
            """)

    @OptionGroup var model: ModelOption
    @OptionGroup var data: DataOptions

    @Option(name: .customLong("test-index"), help: ArgumentHelp("The (first) test image.", valueName: "n"))
    var testIndex: Int = 0

    @Option(help: "How many consecutive test images, from --test-index, the cost averages over.")
    var batch: Int = 1

    @Option(help: "How many of the largest components to list.")
    var top: Int = 15

    @Option(help: ArgumentHelp("Where to write the PNG.", valueName: "file"))
    var out: String = "gradient.png"

    @OptionGroup var output: OutputOptions

    mutating func validate() throws {
        guard testIndex >= 0 else { throw ValidationError("--test-index \(testIndex) is negative") }
        guard (1...10_000).contains(batch), (1...1000).contains(top) else { throw ValidationError("--batch 1...10000 and --top 1...1000") }
    }

    mutating func run() async throws {
        let network = try model.loadDigitModel().network
        let console = Console(quiet: output.json)
        let mnist = try await DataLocation.load(data) { console.note($0) }
        guard testIndex + batch <= mnist.test.count else {
            throw CommandError("--test-index \(testIndex) --batch \(batch) goes past the \(mnist.test.count) test images")
        }
        let indices = Array(testIndex..<(testIndex + batch))
        let analysis = GradientAnalysis(network: network, images: mnist.test, indices: indices)
        try Output.write(picture(analysis, network: network, indices: indices, test: mnist.test), to: out)
        let largest = Array(analysis.ranked.prefix(top))
        if output.json {
            Format.printJSON(["out": out, "model": model.path, "test_indices": indices, "cost": analysis.cost, "norm": analysis.norm,
                              "top_1_percent_share": analysis.share(ofLargest: 0.01), "top_10_percent_share": analysis.share(ofLargest: 0.1),
                              "parameters": analysis.ranked.count, "largest": largest.map(json)])
            return
        }
        let images = batch == 1 ? "test image \(testIndex) (a \(mnist.test.labels[testIndex]))" : "test images \(testIndex)...\(testIndex + batch - 1)"
        console.say("Gradient of the cost of \(images) through \(model.path); wrote \(out).")
        console.say(String(format: "  cost %.4f, gradient norm %.4g over %d weights and biases", analysis.cost, analysis.norm, analysis.ranked.count))
        console.say(String(format: "  the largest 1%% of components hold %.1f%% of the squared norm; the largest 10%% hold %.1f%%",
                           analysis.share(ofLargest: 0.01) * 100, analysis.share(ofLargest: 0.1) * 100))
        console.say("  rank  layer  neuron  from             ∂C/∂θ        descent nudges it")
        for (rank, component) in largest.enumerated() {
            console.say(String(format: "  %4d  %5d  %6d  %@  %+.4e  %@", rank + 1, component.layer + 1, component.neuron,
                               source(component).padding(toLength: 15, withPad: " ", startingAt: 0), component.derivative,
                               component.derivative > 0 ? "down" : "up"))
        }
    }

    /// Where a component's weight comes from: a pixel, a neuron of the layer below, or the bias.
    func source(_ component: GradientComponent) -> String {
        guard let input = component.input else { return "bias" }
        return component.layer == 0 ? "pixel (\(input / 28), \(input % 28))" : "neuron \(input) below"
    }

    func json(_ component: GradientComponent) -> [String: Any] {
        ["layer": component.layer + 1, "neuron": component.neuron, "input": component.input.map { $0 as Any } ?? NSNull(),
         "from": source(component), "derivative": component.derivative, "nudge": component.derivative > 0 ? "down" : "up",
         "size": abs(component.derivative)]
    }

    func picture(_ analysis: GradientAnalysis, network: Network<Float>, indices: [Int], test: LabeledImages) -> RGBImage {
        let first = analysis.gradients.weights[0]
        let rows = (0..<first.rows).map { neuron in (0..<first.columns).map { -Double(first[neuron, $0]) } }
        let total = rows.flatMap { $0 }.reduce(0) { $0 + $1 * $1 }
        let captions = rows.enumerated().map { neuron, values in
            [TileSheet.Caption("neuron \(neuron)"),
             TileSheet.Caption(String(format: "%.0f%% of layer", total > 0 ? values.reduce(0) { $0 + $1 * $1 } / total * 100 : 0),
                               color: .darkGray)]
        }
        let inputs = TileSheet(title: "Which nudges matter most", notes: [
            String(format: "cost %.4f for %@; ", analysis.cost, indices.count == 1 ? "this test image" : "these \(indices.count) test images")
                + String(format: "the largest 1%% of the gradient's components hold %.0f%% of its squared norm", analysis.share(ofLargest: 0.01) * 100)],
            tiles: indices.prefix(10).map { index in
                let answer = network.prediction(forBytes: Array(test.image(index))).label
                return TileSheet.Tile(image: test.picture(index), captions: [
                    TileSheet.Caption("#\(index): a \(test.labels[index])"),
                    TileSheet.Caption("read as \(answer)", color: answer == Int(test.labels[index]) ? .green : .red)])
            },
            columns: 10, scale: 3).image()
        let tiles = WeightPicture.tiles(rows: rows, side: 28, captions: captions, title: "Layer 1: −∂C/∂w, the nudge to each weight",
                                        notes: ["red: descent raises the weight; blue: lowers it; under each: its share of the layer's squared gradient"],
                                        valueName: "−∂C/∂w")
        return RGBImage.stacked([inputs, tiles], spacing: 10).padded(4)
    }
}
