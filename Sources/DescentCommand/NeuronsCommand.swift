import ArgumentParser
import DescentDatasets
import DescentExperiments
import Foundation
import DescentLinearAlgebra
import DescentNetwork
import DescentPictures
import DescentTraining

struct NeuronsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neurons",
        abstract: "What each hidden neuron likes: its weights, the test images that excite it most, its activations.",
        discussion: """
            Writes one PNG per hidden layer into the folder (layer-1.png, ...) and neurons.json. A \
            first-layer neuron's picture is its 784 weights; a deeper neuron's is the product of the \
            weights down to the pixels (ignoring the squashing in between): a linear view of what \
            pattern of ink would push it up.
            """)

    @OptionGroup var model: ModelOption
    @OptionGroup var data: DataOptions

    @Option(help: ArgumentHelp("The folder to write into.", valueName: "dir"))
    var out: String = "neurons"

    @Option(help: "How many most exciting test images to show per neuron.")
    var top: Int = 9

    @OptionGroup var output: OutputOptions

    mutating func validate() throws {
        guard (1...30).contains(top) else { throw ValidationError("--top \(top): expected 1 to 30") }
    }

    mutating func run() async throws {
        let network = try model.loadDigitModel().network
        let console = Console(quiet: output.json)
        let mnist = try await DataLocation.load(data) { console.note($0) }
        let profiles = NeuronProfile.profiles(of: network, on: mnist.test, top: top, bins: 20)
        var files: [String] = []
        for (layer, neurons) in profiles.enumerated() {
            let path = Output.path("layer-\(layer + 1).png", in: out)
            try Output.write(sheet(layer: layer, neurons: neurons, network: network, test: mnist.test).image(), to: path)
            files.append(path)
        }
        let json: [[String: Any]] = profiles.flatMap { $0 }.map { profile in
            ["layer": profile.layer + 1, "neuron": profile.neuron, "mean": profile.mean, "top_images": profile.topImages,
             "top_activations": profile.topActivations, "top_weighted_inputs": profile.topWeightedInputs, "top_labels": profile.topImages.map { Int(mnist.test.labels[$0]) },
             "histogram": profile.histogram, "range": [profile.range.lowerBound, profile.range.upperBound]]
        }
        let jsonPath = Output.path("neurons.json", in: out)
        try Output.write(Array(try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .prettyPrinted])), to: jsonPath)
        files.append(jsonPath)
        if output.json {
            Format.printJSON(["files": files, "neurons": json])
            return
        }
        console.say("Wrote " + files.joined(separator: ", "))
        for profile in profiles.flatMap({ $0 }) {
            let labels = profile.topImages.map { "\(mnist.test.labels[$0])" }.joined(separator: " ")
            console.say(String(format: "  layer %d neuron %2d: mean activation %.2f; labels of its top %d images: %@",
                               profile.layer + 1, profile.neuron, profile.mean, profile.topImages.count, labels))
        }
    }

    func sheet(layer: Int, neurons: [NeuronProfile], network: Network<Float>, test: LabeledImages) -> NeuronSheet {
        let patterns = Self.pixelPatterns(network, layer: layer)
        let scale = ColorScale.symmetric(covering: patterns.flatMap { $0 })
        let rows = neurons.map { profile in
            NeuronSheet.Row(
                labels: ["neuron \(profile.neuron)", String(format: "mean %.2f", profile.mean)],
                weights: RGBImage(values: patterns[profile.neuron], width: 28, height: 28, scale: scale),
                examples: zip(profile.topImages, profile.topWeightedInputs).map { index, z in
                    TileSheet.Tile(image: test.picture(index), captions: [
                        TileSheet.Caption("\(test.labels[index]) z" + String(format: "%.1f", z), color: .darkGray)])
                },
                histogram: RGBImage.histogram(counts: profile.histogram, width: 180, height: 64, color: Color.series(0),
                                              lowerLabel: NumberText.short(profile.range.lowerBound),
                                              upperLabel: NumberText.short(profile.range.upperBound)))
        }
        let weightsHeading = layer == 0 ? "its weights" : "weights x below"
        return NeuronSheet(
            title: "Layer \(layer + 1) of \(model.path): what each neuron likes",
            notes: [layer == 0 ? "weights: the neuron's 784 incoming weights as an image"
                        : "weights x below: its weights times those of the layers below, down to the pixels (a linear view)",
                    "examples: the \(top) test images that excite it most (largest weighted input z = w·x + b), with label and z",
                    "histogram: its activations over the \(test.count) test images"],
            headings: (weightsHeading, "the test images that excite it most", "activations on the test set"),
            rows: rows,
            key: RGBImage.colorBar(scale, width: 300, label: "weights: blue negative, white 0, red positive (to the 99th percentile of |w|)"))
    }

    /// Each neuron of `layer` as 784 numbers over the pixels: its own weights for the first layer,
    /// and W_layer · ... · W_1 for deeper ones.
    static func pixelPatterns(_ network: Network<Float>, layer: Int) -> [[Double]] {
        var patterns = (0..<network.layers[0].outputCount).map { neuron in
            (0..<network.inputCount).map { Double(network.layers[0].weights[neuron, $0]) }
        }
        for index in stride(from: 1, through: layer, by: 1) {
            let weights = network.layers[index].weights
            patterns = (0..<weights.rows).map { neuron in
                (0..<network.inputCount).map { pixel in
                    (0..<weights.columns).reduce(0.0) { $0 + Double(weights[neuron, $1]) * patterns[$1][pixel] }
                }
            }
        }
        return patterns
    }
}
