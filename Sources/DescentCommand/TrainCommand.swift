import ArgumentParser
import Foundation
import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork
import DescentTraining

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

    @Option(help: ArgumentHelp(
        "A named recipe: video (784-16-16-10, the default), nielsen (784-30-10), nielsen-ch3 (784-100-10, cross-entropy, L2 5.0, learning rate 0.5), "
            + "video-best (784-16-16-10, ReLU, deskewed, Adam, cosine), fast98 (784-256-128-10, 98% in a minute), "
            + "mlp99 (784-800-800-10, elastic distortions, dropout: 99%). `descent info` shows a model's values."))
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

    @Option(help: "How the learning rate changes: constant, step (× --step-factor every --step-every epochs) or cosine (down to nearly 0 at the end).")
    var schedule: LearningRateSchedule.Shape?

    @Option(name: .customLong("warmup-epochs"), help: ArgumentHelp("Epochs of linear learning-rate warm-up before the schedule.", valueName: "n"))
    var warmupEpochs: Int?

    @Option(name: .customLong("step-every"), help: ArgumentHelp("With --schedule step: epochs between drops (default 10).", valueName: "n"))
    var stepEvery: Int?

    @Option(name: .customLong("step-factor"), help: ArgumentHelp("With --schedule step: what each drop multiplies the rate by (default 0.1).", valueName: "x"))
    var stepFactor: Double?

    @Option(help: ArgumentHelp("Early stopping: stop when validation accuracy has not improved for n epochs; keep the best epoch's network.", valueName: "n"))
    var patience: Int?

    @Option(help: ArgumentHelp("Probability of dropping each hidden unit during training (inverted dropout; off when evaluating).", valueName: "p"))
    var dropout: Double?

    @Option(help: ArgumentHelp("Augmentation: random whole-pixel shifts of up to n pixels on each axis.", valueName: "n"))
    var shift: Int?

    @Option(help: ArgumentHelp("Augmentation: random rotations of up to ± this many degrees.", valueName: "degrees"))
    var rotation: Double?

    @Option(help: ArgumentHelp("Augmentation: random scalings by 1 ± up to this fraction.", valueName: "fraction"))
    var scaling: Double?

    @Option(name: .customLong("elastic-alpha"), help: ArgumentHelp(
        "Augmentation: elastic distortions (Simard et al. 2003) of this strength in pixels (34 in the paper; 0 is off).", valueName: "α"))
    var elasticAlpha: Double?

    @Option(name: .customLong("elastic-sigma"), help: ArgumentHelp(
        "Augmentation: the Gaussian smoothing of the elastic field, in pixels (default 4, as in the paper).", valueName: "σ"))
    var elasticSigma: Double?

    @Option(help: "Applied to every image in training and in every later use of the model (recorded in the model file): none or deskew.")
    var preprocessing: Preprocessing?

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
        if let schedule { configuration.schedule.shape = schedule }
        if let warmupEpochs { configuration.schedule.warmupEpochs = warmupEpochs }
        if let stepEvery { configuration.schedule.stepEvery = stepEvery }
        if let stepFactor { configuration.schedule.stepFactor = stepFactor }
        if let patience { configuration.patience = patience }
        if let dropout { configuration.dropout = dropout }
        if let shift { configuration.augmentation.maxShift = shift }
        if let rotation { configuration.augmentation.maxRotation = rotation }
        if let scaling { configuration.augmentation.maxScaling = scaling }
        if let elasticAlpha { configuration.augmentation.elasticAlpha = elasticAlpha }
        if let elasticSigma { configuration.augmentation.elasticSigma = elasticSigma }
        if let preprocessing { configuration.preprocessing = preprocessing }
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
            ("--schedule", schedule != nil), ("--warmup-epochs", warmupEpochs != nil), ("--step-every", stepEvery != nil),
            ("--step-factor", stepFactor != nil), ("--patience", patience != nil), ("--dropout", dropout != nil),
            ("--shift", shift != nil), ("--rotation", rotation != nil), ("--scaling", scaling != nil),
            ("--elastic-alpha", elasticAlpha != nil), ("--elastic-sigma", elasticSigma != nil), ("--preprocessing", preprocessing != nil),
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
        let loaded = try await DataLocation.load(dataOptions, trainOnAll: run.trainOnAll) { console.note($0) }
        var training = loaded.training
        if let limit = run.trainLimit { training = training.prefix(limit) }
        // The model sees every image through its preprocessing: training, validation and test alike.
        let prepare = configuration.preprocessing
        training = prepare.apply(to: training)
        let mnist = (validation: prepare.apply(to: loaded.validation), test: prepare.apply(to: loaded.test))
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
        if !trainer.isFinished(state) {
            try run.checkpoint(state, configuration: configuration, trainingSHA256: trainingSHA256, testAccuracies: testAccuracies).save(to: run.checkpointPath)
            console.note("Interrupted in epoch \(state.epoch) before batch \(state.batch + 1); the run is saved in \(run.checkpointPath).")
            console.note("Resume with: descent train --resume \(run.checkpointPath)" + (data.folder.map { " --data \($0)" } ?? ""))
            throw ExitCode(130)
        }
        let result = TrainingResult(network: state.best ?? state.network, epochs: state.reports, bestEpoch: state.bestEpoch)
        let test = Evaluation(network: result.network, on: mnist.test)
        let model = makeModel(result.network, configuration: configuration, training: training, trainingSHA256: trainingSHA256, epochs: result.epochs, test: test,
                              dataset: run.dataset, bestEpoch: result.bestEpoch)
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
            + extras(configuration)
    }

    /// The ingredients beyond the video's recipe, as a clause of the announcement ("" when none is used).
    func extras(_ configuration: TrainingConfiguration) -> String {
        var parts: [String] = []
        if configuration.optimizer != .sgd { parts.append(configuration.optimizer.rawValue) }
        if !configuration.schedule.isConstant {
            parts.append("\(configuration.schedule.shape.rawValue) schedule"
                + (configuration.schedule.warmupEpochs > 0 ? " after \(configuration.schedule.warmupEpochs) warm-up epochs" : ""))
        }
        if configuration.preprocessing != .none { parts.append(configuration.preprocessing.rawValue) }
        if !configuration.augmentation.isIdentity { parts.append("augmentation: \(configuration.augmentation.summary)") }
        if configuration.dropout > 0 { parts.append("dropout \(configuration.dropout)") }
        if let patience = configuration.patience { parts.append("early stopping after \(patience) epochs without improvement") }
        return parts.isEmpty ? "" : "; " + parts.joined(separator: "; ")
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
        epochs: [EpochReport], test: Evaluation?, dataset: DatasetKind, bestEpoch: Int? = nil
    ) -> Model {
        var metadata = configuration.metadata
        metadata["dataset"] = dataset.rawValue
        metadata["training_examples"] = "\(training.count)"
        metadata["training_sha256"] = trainingSHA256
        metadata["epochs_completed"] = "\(epochs.count)"
        let kept = bestEpoch.map { epochs[$0 - 1] } ?? epochs.last
        if let kept { metadata["validation_accuracy"] = "\(kept.validationAccuracy)" }
        if let bestEpoch { metadata["best_epoch"] = "\(bestEpoch)" }
        if let test { metadata["test_accuracy"] = "\(test.accuracy)" }
        return Model(network: network, metadata: metadata)
    }
}
