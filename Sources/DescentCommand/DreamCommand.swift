import ArgumentParser
import DescentDatasets
import DescentExperiments
import Foundation
import DescentLinearAlgebra
import DescentNetwork
import DescentPictures


/// `--digit 5` or `--digit all`.
struct DigitChoice: ExpressibleByArgument {
    let digits: [Int]
    init?(argument: String) {
        if argument == "all" {
            digits = Array(0..<10)
        } else if let digit = Int(argument), (0..<10).contains(digit) {
            digits = [digit]
        } else {
            return nil
        }
    }
}

/// `--neuron 1:7`: hidden layer 1 (the first), neuron 7.
struct NeuronChoice: ExpressibleByArgument {
    let layer: Int
    let index: Int
    init?(argument: String) {
        let parts = argument.split(separator: ":").map { Int($0) }
        guard parts.count == 2, let layer = parts[0], let index = parts[1], layer >= 1, index >= 0 else { return nil }
        self.layer = layer
        self.index = index
    }
}

struct DreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dream",
        abstract: "Ask the network to draw: gradient ascent on the pixels to maximise one output or neuron.",
        discussion: """
            The weights stay fixed; the 784 pixels move uphill on the chosen neuron's activation (minus \
            any penalty), each kept within 0...1, each step moving no pixel more than --step-size. The \
            network ends up sure it sees the digit, yet the picture rarely looks like one: it recognises \
            digits but cannot draw them.
            """)

    @OptionGroup var model: ModelOption

    @Option(help: ArgumentHelp("The output to maximise: a digit 0-9, or all for a strip of ten.", valueName: "digit|all"))
    var digit: DigitChoice?

    @Option(help: ArgumentHelp("Maximise a hidden neuron instead: LAYER:INDEX, layers counted from 1.", valueName: "layer:index"))
    var neuron: NeuronChoice?

    @Option(help: "Start from noise (uniform pixels) or from a blank page.")
    var start: DreamStart = .noise

    @Option(name: .customLong("noise-level"), help: "With --start noise: pixels start uniform in 0...this (strong noise saturates sigmoid neurons and stalls the ascent).")
    var noiseLevel: Double = 0.1

    @Option(help: "Gradient ascent steps.")
    var steps: Int = 300

    @Option(name: .customLong("step-size"), help: "The most any pixel moves in one step.")
    var stepSize: Double = 0.02

    @Option(help: "L2 penalty λ·mean(x²): keeps ink sparse.")
    var l2: Double = 0

    @Option(help: "Smoothness penalty μ·mean((xᵢ − xⱼ)²) over neighbouring pixels: keeps strokes smooth.")
    var smoothness: Double = 0

    @Option(help: "Seeds the starting noise.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Where to write the PNG.", valueName: "file"))
    var out: String = "dream.png"

    @OptionGroup var output: OutputOptions

    mutating func validate() throws {
        guard (digit == nil) != (neuron == nil) else { throw ValidationError("give --digit or --neuron (one of them)") }
        guard (1...100_000).contains(steps) else { throw ValidationError("--steps \(steps): expected 1 to 100000") }
        guard stepSize > 0, stepSize <= 1 else { throw ValidationError("--step-size \(stepSize): expected a number in (0, 1]") }
        guard noiseLevel >= 0, noiseLevel <= 1 else { throw ValidationError("--noise-level \(noiseLevel): expected 0...1") }
        guard l2 >= 0, smoothness >= 0 else { throw ValidationError("--l2 and --smoothness must be zero or positive") }
    }

    mutating func run() throws {
        let network = try model.loadDigitModel().network
        let targets = try self.targets(in: network)
        var results: [(target: InputGradientTarget, result: DreamResult)] = []
        for target in targets {
            var generator = SplitMix64(seed: seed)
            var settings = DreamSettings(target: target)
            (settings.start, settings.noiseLevel, settings.steps) = (start, noiseLevel, steps)
            (settings.stepSize, settings.l2, settings.smoothness) = (stepSize, l2, smoothness)
            results.append((target, Dream.run(network, settings: settings, side: 28, using: &generator)))
        }
        try Output.write(sheet(results).image(), to: out)
        if output.json {
            Format.printJSON(["out": out, "model": model.path, "dreams": results.map { item in
                ["target": name(item.target), "start_value": item.result.startValue, "final_value": item.result.finalValue,
                 "prediction": item.result.prediction.label, "outputs": item.result.prediction.outputs] as [String: Any]
            }])
            return
        }
        emit("Gradient ascent on the pixels of \(model.path), \(steps) steps from \(start.rawValue); wrote \(out).")
        for (target, result) in results {
            emit(String(format: "  %@: %.3f -> %.3f; the network now reads it as %d (output %.3f)", name(target),
                        result.startValue, result.finalValue, result.prediction.label, result.prediction.confidence))
        }
    }

    func targets(in network: Network<Float>) throws -> [InputGradientTarget] {
        if let digit { return digit.digits.map { .output($0) } }
        guard let neuron else { return [] }
        guard neuron.layer < network.layers.count, neuron.index < network.layers[neuron.layer - 1].outputCount else {
            throw CommandError("--neuron \(neuron.layer):\(neuron.index): \(model.path) has hidden layers 1...\(network.layers.count - 1) of sizes \(network.sizes.dropFirst().dropLast())")
        }
        return [.neuron(layer: neuron.layer - 1, index: neuron.index)]
    }

    func name(_ target: InputGradientTarget) -> String {
        switch target {
        case .output(let digit): return "output \(digit)"
        case .neuron(let layer, let index): return "layer \(layer + 1) neuron \(index)"
        }
    }

    func sheet(_ results: [(target: InputGradientTarget, result: DreamResult)]) -> TileSheet {
        let tiles = results.map { target, result in
            TileSheet.Tile(image: RGBImage(intensities: result.pixels, width: 28, height: 28), captions: [
                TileSheet.Caption(name(target)),
                TileSheet.Caption(String(format: "%.2f→%.2f", result.startValue, result.finalValue), color: .darkGray),
                TileSheet.Caption("reads as \(result.prediction.label)", color: Color.series(0)),
            ])
        }
        let startName = start == .noise ? "noise in 0...\(noiseLevel)" : "a blank page"
        var penalties = "no penalty"
        if l2 > 0 || smoothness > 0 { penalties = "L2 penalty \(l2), smoothness penalty \(smoothness)" }
        return TileSheet(title: "What \(model.path) draws when asked",
                         notes: ["gradient ascent on the pixels from \(startName), \(steps) steps of at most \(stepSize), \(penalties)",
                                 "under each: the neuron maximised, its activation before → after, and the network's answer"],
                         tiles: tiles, columns: min(10, tiles.count), scale: 3)
    }
}
