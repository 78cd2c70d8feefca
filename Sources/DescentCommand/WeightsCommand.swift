import ArgumentParser
import Foundation
import DescentLinearAlgebra
import DescentExperiments
import DescentNetwork
import DescentPictures
import DescentTraining

struct WeightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weights",
        abstract: "Draw every neuron's incoming weights: the first layer as 28x28 images, deeper layers as rows.",
        discussion: """
            Blue is negative, white 0, red positive, on one symmetric scale per layer with its colour \
            bar. The video's point is that the first layer's weights look like noise rather than the \
            edges one might hope for; the printed neighbour correlation measures it (near 1 for smooth \
            strokes, near 0 for noise).
            """)

    @OptionGroup var model: ModelOption

    @Option(help: ArgumentHelp("Where to write the PNG.", valueName: "file"))
    var out: String = "weights.png"

    @OptionGroup var output: OutputOptions

    mutating func run() throws {
        let loaded = try model.loadDigitModel()
        let network = loaded.network
        let shape = network.sizes.map(String.init).joined(separator: "-")
        let picture = WeightPicture.image(of: network, title: "Weights of \(model.path) (\(shape))")
        try Output.write(picture, to: out)
        let correlation = WeightTexture.neighbourCorrelation(network.layers[0], side: 28)
        let summaries = network.layers.enumerated().map { LayerSummary(number: $0.offset + 1, layer: $0.element) }
        if output.json {
            Format.printJSON(["out": out, "model": model.path, "layers": summaries.map(\.json), "neighbour_correlation": correlation])
            return
        }
        emit("Wrote \(out): the weights of \(model.path) (\(shape)).")
        for summary in summaries {
            emit(String(format: "  layer %d: %d neurons x %d inputs, weights from %+.3f to %+.3f, mean |w| %.3f",
                        summary.number, summary.neurons, summary.inputs, summary.smallest, summary.largest, summary.meanMagnitude))
        }
        emit(String(format: "Neighbour correlation of the first layer's weight images: %.2f (1 = smooth strokes, 0 = noise).", correlation))
    }
}

/// The range and size of one layer's weights.
struct LayerSummary {
    let number: Int
    let neurons: Int
    let inputs: Int
    let smallest: Double
    let largest: Double
    let meanMagnitude: Double

    init(number: Int, layer: Layer<Float>) {
        let weights = layer.weights.elements.map(Double.init)
        self.number = number
        neurons = layer.outputCount
        inputs = layer.inputCount
        smallest = weights.min() ?? 0
        largest = weights.max() ?? 0
        meanMagnitude = weights.reduce(0) { $0 + abs($1) } / Double(max(1, weights.count))
    }

    var json: [String: Any] {
        ["layer": number, "neurons": neurons, "inputs": inputs, "min": smallest, "max": largest, "mean_abs": meanMagnitude]
    }
}
