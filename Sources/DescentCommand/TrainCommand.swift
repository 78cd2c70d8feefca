import ArgumentParser
import Foundation
import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork
import DescentTraining

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a network on MNIST (or a CSV file, or any IDX set) and write it to a model file.",
        discussion: """
            With no options it trains the video's network: 784-16-16-10, sigmoid in every layer, \
            quadratic cost, mini-batch SGD with batch size 10 and learning rate 3.0, 30 epochs, \
            N(0, 1/fan_in) weights, seed 0. Options override the preset's values. Training uses the \
            first 50,000 training images; validation accuracy is measured on the last 10,000 after \
            each epoch, and test accuracy on the 10,000 test images once, at the end. With --csv or \
            --idx it trains on those files instead, and a preset takes its first and last layer \
            sizes from the data. With --dataset spirals (or circles, xor, blobs, moons) it draws a \
            2-D point set, holds out --test-share of it for the test, and trains the playground \
            preset unless another is named.
            """)

    @OptionGroup var data: DataOptions

    @OptionGroup var source: DataSourceOptions

    @OptionGroup var pointSet: PointSetOptions

    @Option(help: ArgumentHelp(
        "A named recipe: video (784-16-16-10, the default), nielsen (784-30-10), nielsen-ch3 (784-100-10, cross-entropy, L2 5.0, learning rate 0.5), "
            + "video-best (784-16-16-10, ReLU, deskewed, Adam, cosine), fast98 (784-256-128-10, 4 epochs: 98% in about 2 s), "
            + "mlp99 (784-800-800-10, elastic distortions, dropout: 99%), fast99 (mlp99 in 10 epochs: 99% in a minute), video-distilled (784-16-16-10 taught by an mlp99 model: needs --teacher), "
            + "playground (2-32-32-K ReLU for 2-D point sets, the default with --dataset spirals and the other shapes). "
            + "`descent info` shows a model's values."))
    var preset: TrainingConfiguration.Preset?

    @Option(help: ArgumentHelp(
        "Knowledge distillation: a model file whose softened outputs teach the network, beside the labels (a softmax network of the same inputs, outputs and preprocessing).",
        valueName: "model"))
    var teacher: String?

    @Option(name: .customLong("distillation-alpha"), help: ArgumentHelp(
        "With --teacher: the weight α of the label's cross-entropy; the teacher's term weighs 1 − α (default: the preset's, else 0.3).", valueName: "α"))
    var distillationAlpha: Double?

    @Option(help: ArgumentHelp("With --teacher: the temperature T that softens both networks' outputs (default: the preset's, else 4).", valueName: "T"))
    var temperature: Double?

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

    @Option(help: ArgumentHelp(
        "The arithmetic of the training's matrix products: float32 (bit-for-bit reproducible), bf16 (operands rounded to bfloat16, sums in float32; weights and Adam stay float32), or auto (bf16 where the CPU multiplies bfloat16 in hardware: AVX512_BF16, AMX, Arm BF16). Default: float32, except mlp99 and fast99, which use auto.",
        valueName: "precision"))
    var precision: TrainingOptions.PrecisionChoice?

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

    /// The recipe options as the library reads them.
    var options: TrainingOptions {
        var options = TrainingOptions()
        options.preset = preset ?? (data.pointShape != nil ? .playground : nil)
        options.layers = layers?.sizes
        options.hidden = activation
        options.output = output
        options.cost = cost
        options.initialization = `init`
        options.learningRate = learningRate
        options.momentum = momentum
        options.weightDecay = weightDecay
        options.batchSize = batchSize
        options.epochs = epochs
        options.seed = seed
        options.optimizer = optimizer
        options.threads = threads
        options.schedule = schedule
        options.warmupEpochs = warmupEpochs
        options.stepEvery = stepEvery
        options.stepFactor = stepFactor
        options.patience = patience
        options.dropout = dropout
        options.shift = shift
        options.rotation = rotation
        options.scaling = scaling
        options.elasticAlpha = elasticAlpha
        options.elasticSigma = elasticSigma
        options.preprocessing = preprocessing
        options.precision = precision
        return options
    }

    /// The configuration for examples `inputCount` wide in `classCount` classes; checked.
    func makeConfiguration(inputCount: Int, classCount: Int, images: Bool = true) throws -> TrainingConfiguration {
        try options.configuration(inputCount: inputCount, classCount: classCount, images: images)
    }

    mutating func validate() throws {
        do {
            // The data's shape is known only once it is loaded: here every other value is checked.
            _ = try makeConfiguration(inputCount: layers?.sizes.first ?? 784, classCount: layers?.sizes.last ?? 10)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        if let trainLimit, trainLimit < 1 { throw ValidationError("--train-limit \(trainLimit) is not allowed; expected a positive number") }
        if let checkpointEvery, checkpointEvery < 1 {
            throw ValidationError("--checkpoint-every \(checkpointEvery) is not allowed; expected a positive number of epochs")
        }
        if teacher == nil, resume == nil {
            if let option = [("--distillation-alpha", distillationAlpha != nil), ("--temperature", temperature != nil)].first(where: \.1) {
                throw ValidationError("\(option.0) sets up distillation; give the teacher with --teacher")
            }
            if let preset, let distillation = preset.distillation {
                throw ValidationError("--preset \(preset.rawValue) learns from a teacher: make one with "
                    + "`descent train --preset \(distillation.teacher.rawValue) --out \(distillation.teacher.rawValue).safetensors`, "
                    + "then add --teacher \(distillation.teacher.rawValue).safetensors")
            }
        }
        if data.pointShape == nil, let option = pointSet.given.first {
            throw ValidationError("\(option) describes a point set; name one with --dataset spirals (or circles, xor, blobs, moons)")
        }
        if let shape = data.pointShape, let option = source.given.first {
            throw ValidationError("--dataset \(shape.rawValue) draws its own points; drop \(option)")
        }
        if resume != nil, let option = recipeOptionsGiven.first {
            throw ValidationError("--resume continues the checkpoint's own recipe and data; drop \(option)")
        }
    }

    /// The options that change what is trained, which a resumed run takes from its checkpoint.
    var recipeOptionsGiven: [String] {
        let data: [(String, Bool)] = [
            ("--train-on-all", trainOnAll), ("--train-limit", trainLimit != nil), ("--dataset", self.data.datasetName != .images(.mnist)),
            ("--report", report != nil), ("--teacher", teacher != nil), ("--distillation-alpha", distillationAlpha != nil),
            ("--temperature", temperature != nil),
        ]
        return options.given + source.given + pointSet.given + data.filter(\.1).map(\.0)
    }

    mutating func run() async throws {
        let json = output_.json
        let console = Console(quiet: json)
        let resumed = try resume.map { try TrainingCheckpoint.load($0) }
        let settings = RunSettings(command: self, resumed: resumed)
        let source = resumed.map { DataSourceOptions(checkpointMetadata: $0.metadata) } ?? self.source
        var data: TrainingData
        var classCount = 10
        if let loaded = try source.load() {
            (data, classCount) = loaded
        } else if let points = try pointSetData(resumed: resumed) {
            (data, classCount) = points
        } else {
            var dataOptions = self.data
            dataOptions.dataset = settings.dataset
            data = TrainingData(try await DataLocation.load(dataOptions, trainOnAll: settings.trainOnAll) { console.note($0) })
        }
        if let limit = settings.trainLimit { data.training = data.training.prefix(limit) }
        data = try source.mixingExtraImages(into: data, classCount: classCount)
        if let count = data.metadata["extra_images_count"], let repeats = data.metadata["extra_images_repeats"] {
            console.say("Mixing in the \(count) pictures of \(source.extraImages ?? ""), each \(repeats) times an epoch "
                + "(\(Format.percent(Double((Int(count) ?? 0) * (Int(repeats) ?? 0)) / Double(max(1, data.training.count)))) of the training images)")
        }
        if settings.report != nil, data.training.images == nil {
            throw ValidationError("--report draws the test images and the mistakes; \(data.name) holds features, not images")
        }
        var run = try resumed.map { try TrainingRun(resuming: $0, data: data) }
            ?? TrainingRun(configuration: makeConfiguration(inputCount: data.training.width, classCount: classCount,
                                                       images: data.training.images != nil), data: data)
        run.threads = threads ?? Parallel.availableProcessors
        run.checkpointing = TrainingRun.Checkpointing(path: settings.checkpointPath, everyEpochs: checkpointEvery)
        run.checkpointMetadata = settings.checkpointMetadata.merging(source.checkpointMetadata) { own, _ in own }
        run.measuresTestEveryEpoch = settings.report != nil
        if let teacherPath = settings.teacher {
            let teacher = try Teacher.load(teacherPath, alpha: settings.distillationAlpha, temperature: settings.temperature)
            do {
                try run.distill(from: teacher)
            } catch {
                throw try failure(error, out: settings.out)
            }
        }
        if let resumed { console.say("Resuming \(resume ?? "") at epoch \(resumed.epoch), batch \(resumed.batch + 1)") }
        console.say(announcement(run.configuration, trainingCount: data.training.count,
                                 dataset: data.name + (data.training.images == nil ? " examples" : " images")))
        if let teacher = run.teacher {
            console.say("Taught by \(teacher.name) (\(teacher.model.network.sizes.map(String.init).joined(separator: "-"))): "
                + "cost α·CE(label) + (1 − α)·T²·CE(teacher at T), α \(teacher.alpha), T \(teacher.temperature)")
        }
        let bar = ProgressBar(enabled: !json && ProgressBar.isTerminal, epochs: run.configuration.epochs)
        let interruption = Interruption()
        let result: TrainingOutcome
        do {
            result = try run.run(progress: { event in
                switch event {
                case .progress(let epoch, let done, let total):
                    bar.update(epoch: epoch, done: done, total: total)
                case .epochFinished(let report):
                    bar.clear()
                    console.say(Format.epochLine(report, of: run.configuration.epochs, validationCount: data.validation.count))
                case .started, .networkAfterEpoch:
                    break
                }
            }, shouldStop: { interruption.isRequested })
        } catch {
            interruption.finish()
            bar.clear()
            throw try failure(error, out: settings.out)
        }
        interruption.finish()  // Ctrl-C during the final save ends the process as usual.
        bar.clear()
        if let stopped = result.stopped {
            console.note("Interrupted in epoch \(stopped.epoch) before batch \(stopped.batch + 1); the run is saved in \(settings.checkpointPath).")
            console.note("Resume with: descent train --resume \(settings.checkpointPath)" + (self.data.folder.map { " --data \($0)" } ?? ""))
            throw ExitCode(130)
        }
        try result.model.save(to: settings.out)
        let reportFiles = try settings.report.map { folder in
            try TrainReport(result: result, configuration: run.configuration, dataset: settings.dataset, trainingCount: data.training.count,
                            modelPath: settings.out).write(to: folder)
        }
        finish(result, reportFiles: reportFiles, configuration: run.configuration, out: settings.out, console: console)
    }

    /// The point set's splits and class count, drawn as the options say or rebuilt from a resumed
    /// run's checkpoint; nil when no point set is named.
    func pointSetData(resumed: TrainingCheckpoint?) throws -> (data: TrainingData, classCount: Int)? {
        if let resumed {
            guard let data = try PointSetOptions.trainingData(checkpointMetadata: resumed.metadata) else { return nil }
            return (data, resumed.configuration.sizes.last ?? 2)
        }
        guard let shape = self.data.pointShape else { return nil }
        let data = try pointSet.trainingData(shape: shape, seed: seed ?? 0)
        return (data, shape.isRegression ? 1 : try pointSet.recipe(shape: shape).classes)
    }

    /// The line that says what is about to be trained.
    func announcement(_ configuration: TrainingConfiguration, trainingCount: Int, dataset: String) -> String {
        "Training \(configuration.sizes.map(String.init).joined(separator: "-")) "
            + "(\(configuration.parameterCount) weights and biases) on \(trainingCount) \(dataset): "
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
        if configuration.precision == .bfloat16 { parts.append("products in bfloat16 (\(ProductPrecision.bfloat16KernelName))") }
        return parts.isEmpty ? "" : "; " + parts.joined(separator: "; ")
    }

    /// Prints the outcome: the summary as JSON, or the test accuracy and where the files went.
    func finish(_ result: TrainingOutcome, reportFiles: [String]?, configuration: TrainingConfiguration, out: String, console: Console) {
        let test = result.test ?? Evaluation(network: result.model.network, on: result.testExamples)
        if output_.json {
            var summary = Format.trainingSummary(result.epochs, test: test, out: out, configuration: configuration)
            if let reportFiles { summary["report"] = reportFiles }
            Format.printJSON(summary)
        } else {
            console.say(test.total == 0 ? "No test set: give one with --test-csv to measure it."
                : "Test accuracy: \(test.correct) / \(test.total) (\(Format.percent(test.accuracy)))")
            console.say("Model written to \(out)")
            if let reportFiles { console.say("Report written: " + reportFiles.joined(separator: ", ")) }
        }
    }

    /// The error to report for a run that failed; after a divergence, the model from the last
    /// completed epoch is written first, if there is one.
    func failure(_ error: TrainingError, out: String) throws -> any Error {
        switch error {
        case .configuration(let error):
            return ValidationError(error.description)
        case .diverged(_, _, _, let lastGood):
            guard let lastGood else { return CommandError("\(error.description). No epoch completed, so no model was written.") }
            try lastGood.save(to: out)
            return CommandError("\(error.description). The model from the end of epoch \(lastGood.metadata["epochs_completed"] ?? "?") was written to \(out).")
        case .data(let message) where resume != nil:
            return CommandError("\(message); point --data at the same files")
        case .data, .checkpoint:
            return CommandError(error.description)
        }
    }
}
