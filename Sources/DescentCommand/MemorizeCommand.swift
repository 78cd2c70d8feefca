import ArgumentParser
import DescentExperiments
import Foundation
import DescentLinearAlgebra
import DescentPictures
import DescentTraining

struct MemorizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memorize",
        abstract: "Train on true, partly replaced and shuffled labels: can the network memorise nonsense?",
        discussion: """
            Zhang et al. (2017) showed that networks fit even random labels, only more slowly; Arpit et \
            al. (2017) that they learn the real patterns first. This trains the same network, from the \
            same starting weights, on the true labels, on labels replaced with probability 0.2 and 0.5, \
            and on shuffled labels, and plots training cost and training and test accuracy per epoch \
            for all four. The defaults (1,500 images, 784-100-10 ReLU/softmax, SGD with momentum, 25 \
            epochs) take two or three minutes on two cores.
            """)

    @OptionGroup var data: DataOptions

    @Option(name: .customLong("train-limit"), help: ArgumentHelp("Train on the first N training images.", valueName: "n"))
    var trainLimit: Int = 1500

    @Option(name: .customLong("test-limit"), help: ArgumentHelp("Measure test accuracy on the first N test images.", valueName: "n"))
    var testLimit: Int = 1000

    @Option(help: ArgumentHelp("Neurons per layer, input first.", valueName: "sizes"))
    var layers: LayerSizes?

    @Option(name: .customLong("learning-rate"), help: "The step size of SGD.")
    var learningRate: Double?

    @Option(help: "Momentum in 0..<1.")
    var momentum: Double?

    @Option(name: .customLong("batch-size"), help: "Examples per mini-batch.")
    var batchSize: Int?

    @Option(help: "Passes over the training set.")
    var epochs: Int?

    @Option(help: "Seeds the starting weights, the spoiled labels and the shuffles.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Where to write the chart.", valueName: "file"))
    var out: String = "memorize.svg"

    @OptionGroup var output: OutputOptions

    func makeConfiguration() throws -> TrainingConfiguration {
        var configuration = Memorization.defaultConfiguration
        if let layers { configuration.sizes = layers.sizes }
        if let learningRate { configuration.learningRate = learningRate }
        if let momentum { configuration.momentum = momentum }
        if let batchSize { configuration.batchSize = batchSize }
        if let epochs { configuration.epochs = epochs }
        configuration.seed = seed
        try configuration.validate()
        return configuration
    }

    mutating func validate() throws {
        do { _ = try makeConfiguration() } catch let error as ConfigurationError { throw ValidationError(error.description) }
        guard trainLimit >= 10, testLimit >= 1 else { throw ValidationError("--train-limit needs at least 10 and --test-limit at least 1") }
    }

    mutating func run() async throws {
        let configuration = try makeConfiguration()
        let console = Console(quiet: output.json)
        let mnist = try await DataLocation.load(data) { console.note($0) }
        let training = mnist.training.prefix(trainLimit), test = mnist.test.prefix(testLimit)
        console.say("Training \(configuration.sizes.map(String.init).joined(separator: "-")) on \(training.count) images "
            + "four times (true, 20% and 50% replaced, shuffled labels), \(configuration.epochs) epochs each; test accuracy on \(test.count) test images.")
        var generator = SplitMix64(seed: seed)
        var current = ""
        let started = Date()
        let runs = try Memorization(configuration: configuration).run(training: training, test: test, using: &generator) { event in
            switch event {
            case .started(let noise, let run, let total):
                current = noise.name
                console.say("Run \(run)/\(total): \(noise.name)")
            case .training(.epochFinished(let report)) where report.epoch % 5 == 0 || report.epoch == 1 || report.epoch == configuration.epochs:
                console.say(String(format: "  %@ epoch %2d  cost %.3f  training accuracy %@  test accuracy %@", current, report.epoch,
                                   report.trainingCost, Format.percent(report.trainingAccuracy), Format.percent(report.validationAccuracy)))
            case .training:
                break
            }
        }
        let seconds = Date().timeIntervalSince(started)
        try Output.write(figure(runs, configuration: configuration, trainingCount: training.count, testCount: test.count).svg(), to: out)
        if output.json {
            Format.printJSON(["out": out, "seconds": seconds, "training_images": training.count, "test_images": test.count,
                              "layers": configuration.sizes, "runs": runs.map(json)])
            return
        }
        console.say("")
        console.say("labels            agree  final training  final test  epochs to 50% / 90% training accuracy")
        for run in runs {
            console.say(run.noise.name.padding(toLength: 16, withPad: " ", startingAt: 0)
                + String(format: "  %4.0f%%   %@         %@      %@ / %@", run.labelAgreement * 100,
                         Format.percent(run.epochs.last?.trainingAccuracy ?? 0), Format.percent(run.epochs.last?.validationAccuracy ?? 0),
                         epochsTo(0.5, run), epochsTo(0.9, run)))
        }
        console.say("Wrote \(out) in \(Format.duration(seconds)).")
    }

    func epochsTo(_ accuracy: Double, _ run: MemorizationRun) -> String {
        run.epochs.first { $0.trainingAccuracy >= accuracy }.map { "\($0.epoch)" } ?? "never"
    }

    func json(_ run: MemorizationRun) -> [String: Any] {
        ["labels": run.noise.name, "label_agreement": run.labelAgreement,
         "epochs": run.epochs.map { ["epoch": $0.epoch, "training_cost": $0.trainingCost, "training_accuracy": $0.trainingAccuracy,
                                     "test_accuracy": $0.validationAccuracy, "seconds": $0.seconds] }]
    }

    func figure(_ runs: [MemorizationRun], configuration: TrainingConfiguration, trainingCount: Int, testCount: Int) -> Figure {
        func points(_ run: MemorizationRun, _ value: (EpochReport) -> Double) -> [(x: Double, y: Double)] {
            run.epochs.map { (x: Double($0.epoch), y: value($0)) }
        }
        let costs = runs.enumerated().map { index, run in
            LineChart.Series(name: "\(run.noise.name): training", points: points(run) { $0.trainingCost }, color: Color.series(index))
        }
        var accuracies = runs.enumerated().flatMap { index, run in [
            LineChart.Series(name: "\(run.noise.name): training", points: points(run) { $0.trainingAccuracy }, color: Color.series(index)),
            LineChart.Series(name: "\(run.noise.name): test", points: points(run) { $0.validationAccuracy }, color: Color.series(index), dashed: true),
        ] }
        accuracies.append(LineChart.Series(name: "chance (10%)", points: [(x: 1, y: 0.1), (x: Double(configuration.epochs), y: 0.1)],
                                           color: .darkGray, dashed: true))
        return Figure(
            title: "Memorisation: the same network on true, partly replaced and shuffled labels",
            notes: ["\(configuration.sizes.map(String.init).joined(separator: "-")) \(configuration.hidden.rawValue)/\(configuration.output.rawValue), "
                    + "\(configuration.cost.rawValue), SGD learning rate \(configuration.learningRate), momentum \(configuration.momentum), "
                    + "batch \(configuration.batchSize); \(trainingCount) training images, test accuracy on \(testCount) test images with true labels",
                    "solid: training (on the labels it was given); dashed: test"],
            panels: [
                LineChart(title: "Training cost", xLabel: "epoch", yLabel: "mean \(configuration.cost.rawValue) cost", series: costs),
                LineChart(title: "Accuracy", xLabel: "epoch", yLabel: "share classified right", series: accuracies,
                          yRange: 0...1, yPercent: true),
            ])
    }
}
