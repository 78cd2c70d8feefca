import ArgumentParser
import Foundation
import Datasets
import LinearAlgebra
import NeuralNetwork
import Training

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a network on MNIST and write it to a model file.",
        discussion: """
            With no options it trains the video's network: 784-16-16-10, sigmoid in every layer, \
            quadratic cost, mini-batch SGD with batch size 10 and learning rate 3.0, 30 epochs, \
            N(0, 1/fan_in) weights, seed 0. Options override the preset's values. Training uses the \
            first 50,000 training images; validation accuracy is measured on the last 10,000 after \
            each epoch, and test accuracy on the 10,000 test images once, at the end.
            """)

    @OptionGroup var data: DataOptions

    @Option(help: "A named recipe: video (784-16-16-10, the default), nielsen (784-30-10), nielsen-ch3 (784-100-10, cross-entropy, L2 5.0, learning rate 0.5).")
    var preset: TrainingConfiguration.Preset?

    @Option(help: ArgumentHelp("Neurons per layer, input first.", valueName: "sizes"))
    var layers: LayerSizes?

    @Option(help: "Activation of the hidden layers: sigmoid, relu or tanh.")
    var activation: Activation?

    @Option(help: "Activation of the output layer: sigmoid or softmax.")
    var output: Activation?

    @Option(help: "Cost: quadratic, (1/2n) Σ‖y − a‖², or cross-entropy.")
    var cost: Cost?

    @Option(help: "Weight initialisation: normal (N(0,1)), scaled-normal (N(0,1/fan_in)), he or glorot.")
    var `init`: Initialization?

    @Option(name: .customLong("learning-rate"), help: "The step size η of gradient descent.")
    var learningRate: Double?

    @Option(help: "Momentum μ in 0..<1: v ← μv − η∇C, w ← w + v.")
    var momentum: Double?

    @Option(name: .customLong("weight-decay"), help: ArgumentHelp(
        "L2 regularisation λ: the cost becomes C + λ/(2n)·Σw², n the number of training images (Nielsen's scaling; 5.0 in nielsen-ch3)."))
    var weightDecay: Double?

    @Option(name: .customLong("batch-size"), help: "Examples per mini-batch.")
    var batchSize: Int?

    @Option(help: "How the gradient becomes a step: sgd (with --momentum) or adam.")
    var optimizer: TrainingConfiguration.OptimizerKind?

    @Option(help: ArgumentHelp("Threads for large matrix products (default: all cores); results do not depend on it.", valueName: "n"))
    var threads: Int?

    @Option(help: "Passes over the training set.")
    var epochs: Int?

    @Option(help: "Seeds every random draw: the same seed gives the same model, byte for byte.")
    var seed: UInt64?

    @Flag(name: .customLong("train-on-all"), help: "Train on all 60,000 training images (validation then overlaps training).")
    var trainOnAll = false

    @Option(name: .customLong("train-limit"), help: ArgumentHelp("Use only the first N training images (quick experiments).", valueName: "n"))
    var trainLimit: Int?

    @Option(help: ArgumentHelp("Where to write the model (default: model.safetensors, or the resumed run's).", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp(
        "Where Ctrl-C and --checkpoint-every save the run (default: the model's name with .checkpoint.safetensors, or the file resumed from).",
        valueName: "file"))
    var checkpoint: String?

    @Option(name: .customLong("checkpoint-every"), help: ArgumentHelp("Also save a checkpoint after every n epochs.", valueName: "n"))
    var checkpointEvery: Int?

    @Option(help: ArgumentHelp(
        "Continue the run saved in this checkpoint, with its own recipe and data; it ends with the model an uninterrupted run writes.",
        valueName: "checkpoint"))
    var resume: String?

    @Option(help: ArgumentHelp(
        "Also write a report into this folder: curves.svg, confusion.svg, mistakes.png, report.json and report.html (test accuracy is then measured after every epoch).",
        valueName: "dir"))
    var report: String?

    @OptionGroup var output_: OutputOptions

    func makeConfiguration() throws -> TrainingConfiguration {
        var configuration = TrainingConfiguration(preset: preset ?? .video)
        if let layers { configuration.sizes = layers.sizes }
        if let activation { configuration.hidden = activation }
        if let output { configuration.output = output }
        if let cost { configuration.cost = cost }
        if let `init` { configuration.initialization = `init` }
        if let learningRate { configuration.learningRate = learningRate }
        if let momentum { configuration.momentum = momentum }
        if let weightDecay { configuration.weightDecay = weightDecay }
        if let batchSize { configuration.batchSize = batchSize }
        if let epochs { configuration.epochs = epochs }
        if let seed { configuration.seed = seed }
        if let optimizer { configuration.optimizer = optimizer }
        configuration.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        try configuration.validate()
        return configuration
    }

    mutating func validate() throws {
        do {
            _ = try makeConfiguration()
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        if let trainLimit, trainLimit < 1 { throw ValidationError("--train-limit \(trainLimit) is not allowed; expected a positive number") }
        if let checkpointEvery, checkpointEvery < 1 {
            throw ValidationError("--checkpoint-every \(checkpointEvery) is not allowed; expected a positive number of epochs")
        }
        if resume != nil, let option = recipeOptionsGiven.first {
            throw ValidationError("--resume continues the checkpoint's own recipe and data; drop \(option)")
        }
    }

    /// The options that change what is trained, which a resumed run takes from its checkpoint.
    var recipeOptionsGiven: [String] {
        let given: [(String, Bool)] = [
            ("--preset", preset != nil), ("--layers", layers != nil), ("--activation", activation != nil),
            ("--output", output != nil), ("--cost", cost != nil), ("--init", `init` != nil),
            ("--learning-rate", learningRate != nil), ("--momentum", momentum != nil), ("--weight-decay", weightDecay != nil),
            ("--batch-size", batchSize != nil), ("--optimizer", optimizer != nil), ("--epochs", epochs != nil),
            ("--seed", seed != nil), ("--train-on-all", trainOnAll), ("--train-limit", trainLimit != nil),
            ("--dataset", data.dataset != .mnist), ("--report", report != nil),
        ]
        return given.filter(\.1).map(\.0)
    }

    mutating func run() async throws {
        let json = output_.json
        let console = Console(quiet: json)
        let resumed = try resume.map { try TrainingCheckpoint.load($0) }
        var configuration = try resumed?.configuration ?? makeConfiguration()
        if resumed != nil { configuration.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount }
        let run = RunSettings(command: self, resumed: resumed)
        var dataOptions = data
        dataOptions.dataset = run.dataset
        let mnist = try await DataLocation.load(dataOptions, trainOnAll: run.trainOnAll) { console.note($0) }
        var training = mnist.training
        if let limit = run.trainLimit { training = training.prefix(limit) }
        let trainingSHA256 = training.sha256  // Identifies the data in the model file and the checkpoint.

        var state: TrainingState<SplitMix64>
        if let resumed {
            state = resumed.state
            try run.check(resumed, against: training, sha256: trainingSHA256)
            console.say("Resuming \(resume ?? "") at epoch \(state.epoch), batch \(state.batch + 1)")
        } else {
            var generator = SplitMix64(seed: configuration.seed)
            let network = try configuration.makeNetwork(using: &generator)
            state = TrainingState(network: network, configuration: configuration, trainingCount: training.count, generator: generator)
        }
        console.say(announcement(state.network, trainingCount: training.count, configuration: configuration))
        let trainer = Trainer(configuration: configuration)
        let bar = ProgressBar(enabled: !json && ProgressBar.isTerminal, epochs: configuration.epochs)
        var testAccuracies = resumed?.testAccuracies ?? []
        var checkpointFailure: (any Error)? = nil
        let measureTest = run.report != nil
        let interruption = Interruption()
        let outcome = Result { () throws(TrainingError) in
            try trainer.run(&state, on: training, validation: mnist.validation, progress: { event in
                switch event {
                case .progress(let epoch, let done, let total):
                    bar.update(epoch: epoch, done: done, total: total)
                case .epochFinished(let report):
                    bar.clear()
                    console.say(Format.epochLine(report, of: configuration.epochs, validationCount: mnist.validation.count))
                case .networkAfterEpoch(_, let network):
                    if measureTest { testAccuracies.append(Evaluation(network: network, on: mnist.test).accuracy) }
                }
            }, shouldStop: { interruption.isRequested || checkpointFailure != nil }, epochEnded: { state in
                guard let every = checkpointEvery, (state.epoch - 1) % every == 0, state.epoch <= configuration.epochs else { return }
                do {
                    try run.checkpoint(state, configuration: configuration, trainingSHA256: trainingSHA256, testAccuracies: testAccuracies).save(to: run.checkpointPath)
                } catch {
                    checkpointFailure = error
                }
            })
        }
        interruption.finish()
        bar.clear()
        if let checkpointFailure { throw checkpointFailure }
        if case .failure(let error) = outcome {
            throw try keepLastGood(after: error, configuration: configuration, training: training, out: run.out, dataset: run.dataset)
        }
        if state.epoch <= configuration.epochs {
            try run.checkpoint(state, configuration: configuration, trainingSHA256: trainingSHA256, testAccuracies: testAccuracies).save(to: run.checkpointPath)
            console.note("Interrupted in epoch \(state.epoch) before batch \(state.batch + 1); the run is saved in \(run.checkpointPath).")
            console.note("Resume with: descent train --resume \(run.checkpointPath)" + (data.folder.map { " --data \($0)" } ?? ""))
            throw ExitCode(130)
        }
        let result = TrainingResult(network: state.network, epochs: state.reports)
        let test = Evaluation(network: result.network, on: mnist.test)
        let model = makeModel(result.network, configuration: configuration, training: training, trainingSHA256: trainingSHA256, epochs: result.epochs, test: test,
                              dataset: run.dataset)
        try model.save(to: run.out)
        let reportFiles = try run.report.map { folder in
            try TrainReport(configuration: configuration, dataset: run.dataset, trainingCount: training.count, epochs: result.epochs,
                            testAccuracies: testAccuracies, test: test, testImages: mnist.test, modelPath: run.out).write(to: folder)
        }
        finish(result, test: test, reportFiles: reportFiles, configuration: configuration, out: run.out, console: console)
    }

    /// The line that says what is about to be trained.
    func announcement(_ network: Network<Float>, trainingCount: Int, configuration: TrainingConfiguration) -> String {
        "Training \(network.sizes.map(String.init).joined(separator: "-")) "
            + "(\(network.parameterCount) weights and biases) on \(trainingCount) \(data.dataset.rawValue) images: "
            + "\(configuration.hidden.rawValue)/\(configuration.output.rawValue), \(configuration.cost.rawValue) cost, "
            + "batch \(configuration.batchSize), learning rate \(configuration.learningRate), \(configuration.epochs) epochs, seed \(configuration.seed)"
    }

    /// Prints the outcome: the summary as JSON, or the test accuracy and where the files went.
    func finish(
        _ result: TrainingResult, test: Evaluation, reportFiles: [String]?, configuration: TrainingConfiguration, out: String, console: Console
    ) {
        if output_.json {
            var summary = Format.trainingSummary(result.epochs, test: test, out: out, configuration: configuration)
            if let reportFiles { summary["report"] = reportFiles }
            Format.printJSON(summary)
        } else {
            console.say("Test accuracy: \(test.correct) / \(test.total) (\(Format.percent(test.accuracy)))")
            console.say("Model written to \(out)")
            if let reportFiles { console.say("Report written: " + reportFiles.joined(separator: ", ")) }
        }
    }

    /// Writes the model from the last completed epoch, if any, and returns the error to report.
    func keepLastGood(after error: TrainingError, configuration: TrainingConfiguration, training: LabeledImages, out: String, dataset: DatasetKind) throws -> CommandError {
        switch error {
        case .diverged(_, _, _, let lastGood, let epochs):
            guard let lastGood else {
                return CommandError("\(error.description). No epoch completed, so no model was written.")
            }
            let model = makeModel(lastGood, configuration: configuration, training: training, trainingSHA256: training.sha256,
                                  epochs: epochs, test: nil, dataset: dataset)
            try model.save(to: out)
            return CommandError("\(error.description). The model from the end of epoch \(epochs.count) was written to \(out).")
        }
    }

    func makeModel(
        _ network: Network<Float>, configuration: TrainingConfiguration, training: LabeledImages, trainingSHA256: String,
        epochs: [EpochReport], test: Evaluation?, dataset: DatasetKind
    ) -> Model {
        var metadata = configuration.metadata
        metadata["dataset"] = dataset.rawValue
        metadata["training_examples"] = "\(training.count)"
        metadata["training_sha256"] = trainingSHA256
        metadata["epochs_completed"] = "\(epochs.count)"
        if let last = epochs.last { metadata["validation_accuracy"] = "\(last.validationAccuracy)" }
        if let test { metadata["test_accuracy"] = "\(test.accuracy)" }
        metadata["preprocessing"] = "none"
        return Model(network: network, metadata: metadata)
    }
}
