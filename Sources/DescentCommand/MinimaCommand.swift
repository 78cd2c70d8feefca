import ArgumentParser
import DescentDatasets
import DescentExperiments
import DescentLinearAlgebra
import DescentTraining
import Foundation

struct MinimaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "minima",
        abstract: "Train from many seeds: are the valleys equally deep, and are they really different valleys?",
        discussion: """
            The video ends on a claim: the network settles in "a happy local minimum", not surely the \
            lowest, and on structured data such minima "tend to be of equal quality". This trains the \
            recipe (the video's by default) from --seeds seeds and reports the spread of training cost \
            and of validation and test accuracy; does the same on shuffled labels of a few thousand \
            images; measures how far apart the trained networks are, ‖a − b‖ / ((‖a‖ + ‖b‖) / 2), and \
            the cost on the straight line from the first network to each other one (Goodfellow et al. \
            2015): the ridge is the highest cost on it minus the mean of its ends. Then it renumbers \
            each network's hidden neurons to match the first's (activation matching by the Hungarian \
            method, Ainsworth et al. 2023) and measures the line again: the ridge that goes was only a \
            relabelling. A wide 784-100-10 network gets the same treatment, with fewer seeds and epochs.
            """)

    @OptionGroup var data: DataOptions

    @Option(help: ArgumentHelp("The recipe trained from every seed (see `descent train --help`).", valueName: "preset"))
    var preset: TrainingConfiguration.Preset = .video

    @Option(help: ArgumentHelp("Neurons per layer, input first (default: the preset's).", valueName: "sizes"))
    var layers: LayerSizes?

    @Option(help: ArgumentHelp("Passes over the training set (default: the preset's).", valueName: "n"))
    var epochs: Int?

    @Option(help: ArgumentHelp("How many networks to train, from seeds --seed, --seed + 1, ...", valueName: "n"))
    var seeds: Int = 10

    @Option(help: ArgumentHelp("The first seed; run k is `descent train --seed` (first + k) with the same recipe.", valueName: "n"))
    var seed: UInt64 = 0

    @Option(name: .customLong("train-limit"), help: ArgumentHelp("Train on the first N of the 50,000 training images (default: all).", valueName: "n"))
    var trainLimit: Int?

    @Option(help: ArgumentHelp("Straight lines measured: from the first network to each of the next N (default: all the others).", valueName: "n"))
    var paths: Int?

    @Option(name: .customLong("path-points"), help: ArgumentHelp("Points on each straight line, ends included.", valueName: "n"))
    var pathPoints: Int = 21

    @Option(name: .customLong("path-images"), help: ArgumentHelp(
        "Training images the line's cost is measured on and the hidden neurons are matched on.", valueName: "n"))
    var pathImages: Int = 5000

    @Option(name: .customLong("shuffled-limit"), help: ArgumentHelp(
        "Also train every seed on shuffled labels of the first N training images (0: skip).", valueName: "n"))
    var shuffledLimit: Int = 2000

    @Option(name: .customLong("wide-layers"), help: ArgumentHelp("The wide network's sizes; the rest of its recipe is the preset's.", valueName: "sizes"))
    var wideLayers: LayerSizes = LayerSizes(argument: "784,100,10")!

    @Option(name: .customLong("wide-seeds"), help: ArgumentHelp("Seeds of the wide network (0: skip it).", valueName: "n"))
    var wideSeeds: Int = 4

    @Option(name: .customLong("wide-epochs"), help: ArgumentHelp("Epochs of the wide network.", valueName: "n"))
    var wideEpochs: Int = 10

    @Option(help: ArgumentHelp("Where to write the chart.", valueName: "file"))
    var out: String = "minima.svg"

    @OptionGroup var output: OutputOptions

    func makeConfiguration() throws -> TrainingConfiguration {
        var configuration = TrainingConfiguration(preset: preset)
        if let layers { configuration.sizes = layers.sizes }
        if let epochs { configuration.epochs = epochs }
        configuration.seed = seed
        try configuration.validate()
        return configuration
    }

    func makeWideConfiguration() throws -> TrainingConfiguration {
        var configuration = try makeConfiguration()
        configuration.sizes = wideLayers.sizes
        configuration.epochs = wideEpochs
        try configuration.validate()
        return configuration
    }

    mutating func validate() throws {
        guard (2...1000).contains(seeds) else { throw ValidationError("--seeds \(seeds): expected 2 to 1000 (pairs need two networks)") }
        do { _ = try makeConfiguration() } catch let error as ConfigurationError { throw ValidationError(error.description) }
        do { _ = try makeWideConfiguration() } catch ConfigurationError.invalid(let option, let value, let expected) {
            // The wide network's own options: its sizes and epochs are the only values it does not share.
            let name = ["layers": "wide-layers", "epochs": "wide-epochs"][option] ?? option
            throw ValidationError(ConfigurationError.invalid(option: name, value: value, expected: expected).description)
        }
        if let trainLimit, trainLimit < 10 { throw ValidationError("--train-limit \(trainLimit): expected at least 10") }
        if let paths, !(0..<seeds).contains(paths) { throw ValidationError("--paths \(paths): expected 0 to \(seeds - 1) (one fewer than --seeds)") }
        guard (2...1001).contains(pathPoints) else { throw ValidationError("--path-points \(pathPoints): expected 2 to 1001") }
        guard pathImages >= 10 else { throw ValidationError("--path-images \(pathImages): expected at least 10") }
        guard shuffledLimit == 0 || shuffledLimit >= 10 else { throw ValidationError("--shuffled-limit \(shuffledLimit): expected 0 (skip) or at least 10") }
        guard wideSeeds == 0 || (2...1000).contains(wideSeeds) else { throw ValidationError("--wide-seeds \(wideSeeds): expected 0 (skip) or 2 to 1000") }
    }

    mutating func run() async throws {
        let configuration = try makeConfiguration()
        let console = Console(quiet: output.json)
        let loaded = try await DataLocation.load(data) { console.note($0) }
        // The networks see every image through the recipe's preprocessing, as `descent train` does.
        let prepare = configuration.preprocessing
        let training = prepare.apply(to: loaded.training.prefix(trainLimit ?? loaded.training.count))
        let (validation, test) = (prepare.apply(to: loaded.validation), prepare.apply(to: loaded.test))
        let started = Date()

        var parts = try makeParts(configuration, training: training, validation: validation)
        for index in parts.indices { try run(&parts[index], test: test, console: console) }
        let seconds = Date().timeIntervalSince(started)
        try Output.write(figure(parts).svg(), to: out)
        if output.json {
            var object: [String: Any] = ["out": out, "seconds": seconds, "preset": preset.rawValue, "path_images": min(pathImages, training.count),
                                         "path_points": pathPoints, "distance_definition": "|a-b| / ((|a|+|b|)/2)",
                                         "ridge_definition": "max(cost on line) - mean(end costs)"]
            for part in parts { object[part.kind.rawValue] = json(part) }
            Format.printJSON(object)
            return
        }
        for part in parts { say(part, console: console) }
        console.say("Wrote \(out) in \(Format.duration(seconds)).")
    }

    /// The main recipe, its shuffled-label twin and the wide network, not yet run.
    func makeParts(_ configuration: TrainingConfiguration, training: LabeledImages, validation: LabeledImages) throws -> [MinimaPart] {
        let seedList = (0..<UInt64(seeds)).map { seed &+ $0 }
        let probe = training.prefix(pathImages)
        var parts = [MinimaPart(kind: .main, title: "\(Self.sizesText(configuration.sizes)) (\(preset.rawValue) preset)",
                                configuration: configuration, seeds: seedList, training: training, validation: validation, probe: probe, paths: paths)]
        if shuffledLimit > 0 {
            var generator = SplitMix64(seed: seed)
            let shuffled = training.prefix(shuffledLimit).relabeled(.shuffled, using: &generator)
            // Its neurons are matched on its own images: there the labels do not matter, the pictures do.
            parts.append(MinimaPart(kind: .shuffled, title: "\(Self.sizesText(configuration.sizes)) on shuffled labels", configuration: configuration,
                                    seeds: seedList, training: shuffled, validation: validation.prefix(0), probe: shuffled.prefix(pathImages), paths: 0))
        }
        if wideSeeds > 0 {
            let wide = try makeWideConfiguration()
            parts.append(MinimaPart(kind: .wide, title: "\(Self.sizesText(wide.sizes)) (wide)", configuration: wide,
                                    seeds: (0..<UInt64(wideSeeds)).map { seed &+ $0 }, training: training, validation: validation, probe: probe, paths: nil))
        }
        return parts
    }

    /// Trains and compares one part's networks, printing each run as it ends.
    func run(_ part: inout MinimaPart, test: LabeledImages, console: Console) throws {
        console.say("\(part.title): \(part.seeds.count) seeds, \(part.configuration.epochs) epochs each on \(part.training.count) "
            + "training images\(part.kind == .shuffled ? " whose labels are shuffled (a subset, to stay fast)" : "").")
        let experiment = Minima(configuration: part.configuration, seeds: part.seeds, pathPairs: part.paths, pathPoints: pathPoints)
        let started = Date()
        part.report = try experiment.run(training: part.training, validation: part.validation, test: test, probe: part.probe) { event in
            if case .trained(let run) = event { console.say(Self.runLine(run)) }
        }
        part.seconds = Date().timeIntervalSince(started)
    }

    static func sizesText(_ sizes: [Int]) -> String { sizes.map(String.init).joined(separator: "-") }

    static func runLine(_ run: MinimaRun) -> String {
        String(format: "  seed %3llu  training cost %.4f  training %@  validation %@  test %@", run.seed, run.trainingCost,
               Format.percent(run.trainingAccuracy), run.validationAccuracy.map(Format.percent) ?? "   -  ", Format.percent(run.testAccuracy))
    }
}

/// One of the command's three experiments: what it trains, and once run, what it found.
struct MinimaPart {
    /// Which of the three it is; its raw value is its key in the JSON.
    enum Kind: String {
        /// The recipe on true labels.
        case main
        /// The same recipe on a subset whose labels are shuffled.
        case shuffled
        /// The recipe with the wide network's sizes and epochs.
        case wide
    }

    let kind: Kind
    let title: String
    let configuration: TrainingConfiguration
    let seeds: [UInt64]
    let training: LabeledImages
    let validation: LabeledImages
    /// The images its lines are measured on and its neurons matched on.
    let probe: LabeledImages
    /// Straight lines to measure; nil: from the first network to every other.
    let paths: Int?
    var report = MinimaReport(runs: [], pairs: [])
    /// How long training and comparing took.
    var seconds = 0.0
}
