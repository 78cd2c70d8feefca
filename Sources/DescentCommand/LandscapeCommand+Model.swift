import ArgumentParser
import DescentExperiments
import Foundation
import DescentLinearAlgebra
import DescentPictures
import DescentTraining

/// `descent landscape --model M`: the real cost around a trained network.
struct ModelLandscapeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Plot the MNIST cost around this trained model instead of a built-in function.", valueName: "file"))
    var model: String?

    @Option(help: "Grid points along each direction.")
    var resolution: Int = 21

    @Option(help: "The plane spans α, β in −extent...extent (1 moves each neuron's weights by their own norm).")
    var extent: Double = 1

    @Option(help: "Test images the cost is measured on.")
    var images: Int = 1000

    @Option(help: "Seeds the two random directions.")
    var seed: UInt64 = 0

    @OptionGroup var data: DataOptions

    func validate() throws {
        guard (3...101).contains(resolution) else { throw ValidationError("--resolution \(resolution): expected 3 to 101") }
        guard extent > 0, extent <= 100 else { throw ValidationError("--extent \(extent): expected a number in (0, 100]") }
        guard (1...10_000).contains(images) else { throw ValidationError("--images \(images): expected 1 to 10000") }
    }

    func run(out: String, json: Bool) async throws {
        let path = model ?? ""
        let network = try ModelOption.loadDigitModel(path).network
        let console = Console(quiet: json)
        let mnist = try await DataLocation.load(data) { console.note($0) }
        let test = mnist.test.prefix(images)
        var generator = SplitMix64(seed: seed)
        let directions = (ModelLandscape.direction(like: network, using: &generator), ModelLandscape.direction(like: network, using: &generator))
        let started = Date()
        let landscape = ModelLandscape(network: network, data: test, directions: directions, extent: extent, resolution: resolution) { done in
            if !json { console.note("  row \(done)/\(resolution) of the grid") }
        }
        let centre = resolution / 2
        let costs = landscape.costs.flatMap { $0 }
        let map = ContourMap(
            title: "The cost around \(path), on a random plane through its weights",
            notes: ["θ = θ* + α·d₁ + β·d₂, d₁ and d₂ random and scaled neuron by neuron to the trained weights' norms (Li et al. 2018)",
                    "mean \(network.cost.rawValue) cost on \(test.count) test images; \(resolution)x\(resolution) grid, seed \(seed)"],
            xLabel: "α (along d₁)", yLabel: "β (along d₂)", valueLabel: "cost",
            xRange: -extent...extent, yRange: -extent...extent, values: landscape.costs, logarithmic: true,
            marks: [ContourMap.Mark(name: "trained weights (α = β = 0)", x: 0, y: 0)])
        try Output.write(try map.svg(), to: out)
        let centreCost = landscape.costs[centre][centre], centreAccuracy = landscape.accuracies[centre][centre]
        if json {
            Format.printJSON(["out": out, "model": path, "coordinates": landscape.coordinates, "costs": landscape.costs,
                              "accuracies": landscape.accuracies, "seconds": Date().timeIntervalSince(started)])
            return
        }
        console.say("Wrote \(out): the cost of \(path) on a \(resolution)x\(resolution) grid over α, β in ±\(extent).")
        console.say(String(format: "  at the trained weights: cost %.4f, accuracy %@", centreCost, Format.percent(centreAccuracy)))
        console.say(String(format: "  over the plane: cost from %.4f to %.4f; lowest point of the grid %@", costs.min() ?? 0, costs.max() ?? 0,
                           (costs.min() ?? 0) >= centreCost ? "is the trained weights" : "is elsewhere"))
        console.say("  along α (β = 0): " + zip(landscape.coordinates, landscape.costs[centre]).map {
            String(format: "%+.2f:%.3f", $0, $1)
        }.joined(separator: " "))
    }
}
