import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork
import DescentTestSupport
import Testing
import DescentTraining
import Foundation

/// The library's one training run: it checks, prepares, trains, saves and returns the model.
@Suite("Training run")
struct TrainingRunTests {
    /// Made-up 28x28 images whose label is where the ink is: learnable, and slanted, so deskewing changes them.
    static func images(count: Int, seed: UInt64, classes: Int = 4) -> LabeledImages {
        var generator = SplitMix64(seed: seed)
        var pixels = [UInt8](repeating: 0, count: count * 784)
        var labels: [UInt8] = []
        for index in 0..<count {
            let label = Int(generator.next() % UInt64(classes))
            labels.append(UInt8(label))
            let column = 4 + label * 5
            for row in 4..<24 {
                let x = column + (row - 4) / 6  // a slant
                pixels[index * 784 + row * 28 + x] = UInt8.random(in: 150...255, using: &generator)
                pixels[index * 784 + row * 28 + x + 1] = UInt8.random(in: 50...255, using: &generator)
            }
        }
        return LabeledImages(rows: 28, columns: 28, pixels: pixels, labels: labels)
    }

    static func data(classes: Int = 4) -> TrainingData {
        TrainingData(name: "made-up", training: images(count: 200, seed: 1, classes: classes),
                     validation: images(count: 40, seed: 2, classes: classes), test: images(count: 60, seed: 3, classes: classes))
    }

    static func configuration(_ preset: TrainingConfiguration.Preset = .video, epochs: Int = 2) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(preset: preset)
        configuration.sizes = [784, 8, 4]
        configuration.epochs = epochs
        return configuration
    }

    @Test("it checks the configuration against the data, naming the option or the example")
    func checksConfigurationAndData() throws {
        var wide = Self.configuration()
        wide.sizes = [100, 8, 4]
        #expect(throws: TrainingError.self) { try TrainingRun(configuration: wide, data: Self.data()) }
        do {
            _ = try TrainingRun(configuration: wide, data: Self.data())
        } catch {
            #expect(error.description.contains("--layers 100"), "\(error)")
        }
        var negative = Self.configuration()
        negative.learningRate = -1
        do {
            _ = try TrainingRun(configuration: negative, data: Self.data())
            Issue.record("a negative learning rate was accepted")
        } catch {
            #expect(error.description.contains("--learning-rate"), "\(error)")
        }
        // Six classes of labels for a network of four outputs: the label would index past the outputs.
        do {
            _ = try TrainingRun(configuration: Self.configuration(), data: Self.data(classes: 6))
            Issue.record("labels beyond the outputs were accepted")
        } catch {
            guard case .data(let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("label") && message.contains("4 outputs"), "\(message)")
        }
        var empty = Self.data()
        empty.training = empty.training.prefix(0)
        #expect(throws: TrainingError.self) { try TrainingRun(configuration: Self.configuration(), data: empty) }
    }

    @Test("a deskewing run trains on deskewed images, records it, and measures the test set as the model sees it")
    func preprocessingIsApplied() throws {
        var configuration = Self.configuration(.videoBest, epochs: 2)
        configuration.sizes = [784, 8, 4]
        let data = Self.data()
        let result = try TrainingRun(configuration: configuration, data: data).run()
        #expect(result.model.metadata["preprocessing"] == "deskew")
        // The same epoch loop on images deskewed by hand gives the same network.
        var generator = SplitMix64(seed: configuration.seed)
        let network = try configuration.makeNetwork(using: &generator)
        let byHand = try Trainer(configuration: configuration).train(
            network, on: Preprocessing.deskew.apply(to: data.training.images!), validation: Preprocessing.deskew.apply(to: data.validation.images!),
            using: &generator)
        #expect(result.model.network == byHand.network)
        var again = SplitMix64(seed: configuration.seed)
        let raw = try Trainer(configuration: configuration).train(
            try configuration.makeNetwork(using: &again), on: data.training.images!, validation: data.validation.images!, using: &again)
        #expect(result.model.network != raw.network)
        let test = Evaluation(network: result.model.network, on: Preprocessing.deskew.apply(to: data.test.images!))
        #expect(result.test == test)
        #expect(result.model.metadata["test_accuracy"] == "\(test.accuracy)")
    }

    @Test("the model carries its complete metadata")
    func completeMetadata() throws {
        var run = try TrainingRun(configuration: Self.configuration(), data: Self.data())
        run.modelMetadata["trained_by"] = "a test"
        let result = try run.run()
        let metadata = result.model.metadata
        for key in ["layers", "seed", "preprocessing", "dataset", "training_examples", "training_sha256", "epochs_completed",
                    "validation_accuracy", "test_accuracy", "trained_by"] {
            #expect(metadata[key] != nil, "\(key) missing")
        }
        #expect(metadata["dataset"] == "made-up" && metadata["training_examples"] == "200" && metadata["epochs_completed"] == "2")
        #expect(metadata["training_sha256"] == Self.data().training.sha256)
        #expect(try TrainingConfiguration(metadata: metadata) == run.configuration)
    }

    @Test("it reports its start, honours a stop, and the checkpoint it leaves resumes to the same model", arguments: [
        TrainingConfiguration.Preset.video, .videoBest,
    ])
    func stopAndResume(preset: TrainingConfiguration.Preset) throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var configuration = Self.configuration(preset, epochs: 3)
        configuration.sizes = [784, 8, 4]
        configuration.augmentation.maxShift = 1
        let whole = try TrainingRun(configuration: configuration, data: Self.data()).run()
        #expect(whole.isFinished && whole.epochs.count == 3)

        var run = try TrainingRun(configuration: configuration, data: Self.data())
        run.checkpointing = .init(path: folder.file("run.checkpoint.safetensors"))
        run.checkpointMetadata["out"] = "somewhere.safetensors"
        var asked = 0
        var started = 0
        let first = try run.run(progress: { if case .started = $0 { started += 1 } }, shouldStop: {
            asked += 1
            return asked > 6
        })
        #expect(started == 1)
        guard let stopped = first.stopped else {
            Issue.record("the run did not stop after \(asked) questions")
            return
        }
        #expect(stopped.epoch >= 1 && first.test == nil)
        let loaded = try TrainingCheckpoint.load(folder.file("run.checkpoint.safetensors"))
        #expect(loaded.epoch == stopped.epoch && loaded.batch == stopped.batch)
        let resumed = try TrainingRun(resuming: loaded, data: Self.data())
        #expect(resumed.checkpointMetadata["out"] == "somewhere.safetensors")
        var restarted = 0
        let second = try resumed.run(progress: { if case .started = $0 { restarted += 1 } })
        #expect(restarted == 0)
        #expect(second.model.encoded() == whole.model.encoded())
    }

    @Test("on two threads each epoch is validated while the next trains: the same reports, events and model")
    func validationAhead() throws {
        let configuration = Self.configuration(.video, epochs: 4)
        let alone = try TrainingRun(configuration: configuration, data: Self.data()).run()
        var run = try TrainingRun(configuration: configuration, data: Self.data())
        run.threads = 2
        var finished: [Int] = []
        var networks: [Int] = []
        let ahead = try run.run(progress: { event in
            switch event {
            case .epochFinished(let report): finished.append(report.epoch)
            case .networkAfterEpoch(let epoch, _): networks.append(epoch)
            default: break
            }
        })
        #expect(finished == [1, 2, 3, 4] && networks == [1, 2, 3, 4])
        #expect(ahead.model.encoded() == alone.model.encoded())
        #expect(ahead.epochs.map(\.validationAccuracy) == alone.epochs.map(\.validationAccuracy))
        #expect(ahead.epochs.map(\.trainingCost) == alone.epochs.map(\.trainingCost))

        // Stopped in its third epoch, the run has reported the two it ended, and resumes to the same model.
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        run.checkpointing = .init(path: folder.file("ahead.checkpoint.safetensors"))
        var asked = 0
        let stopped = try run.run(shouldStop: {
            asked += 1
            return asked > 2 * 20 + 5  // 20 batches an epoch: five batches into the third
        })
        #expect(stopped.stopped?.epoch == 3)
        #expect(stopped.epochs.map(\.validationAccuracy) == Array(alone.epochs.prefix(2).map(\.validationAccuracy)))
        let checkpoint = try TrainingCheckpoint.load(folder.file("ahead.checkpoint.safetensors"))
        #expect(checkpoint.state.reports.count == 2)
        var resumed = try TrainingRun(resuming: checkpoint, data: Self.data())
        resumed.threads = 2
        #expect(try resumed.run().model.encoded() == alone.model.encoded())
    }

    @Test("a checkpoint is refused on other data")
    func resumeOnOtherData() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var run = try TrainingRun(configuration: Self.configuration(), data: Self.data())
        run.checkpointing = .init(path: folder.file("c.safetensors"))
        var asked = 0
        _ = try run.run(shouldStop: { asked += 1; return asked > 5 })
        var other = Self.data()
        other.training = .images(Self.images(count: 200, seed: 9))
        let resumed = try TrainingRun(resuming: try TrainingCheckpoint.load(folder.file("c.safetensors")), data: other)
        do {
            _ = try resumed.run()
            Issue.record("a checkpoint was resumed on other data")
        } catch {
            guard case .data(let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("SHA-256"), "\(message)")
        }
    }

    @Test("divergence hands back the last good model with its metadata")
    func divergence() throws {
        var configuration = Self.configuration(epochs: 3)
        configuration.learningRate = 1e30
        do {
            _ = try TrainingRun(configuration: configuration, data: Self.data()).run()
            Issue.record("a learning rate of 1e30 did not diverge")
        } catch {
            guard case .diverged(_, _, _, let lastGood) = error else { Issue.record("\(error)"); return }
            if let lastGood { #expect(lastGood.metadata["dataset"] == "made-up") }
            #expect(error.description.contains("NaN or infinite"))
        }
    }

    @Test("options give the preset's configuration with the given values, checked")
    func options() throws {
        var options = TrainingOptions()
        options.preset = .fast98
        options.epochs = 3
        options.preprocessing = Preprocessing.none  // spelled out: `.none` alone would be the optional's
        var expected = TrainingConfiguration(preset: .fast98)
        expected.epochs = 3
        expected.preprocessing = .none
        #expect(try options.configuration() == expected)
        #expect(options.given == ["--preset", "--epochs", "--preprocessing"])
        options.dropout = 1.5
        #expect(throws: ConfigurationError.invalid(option: "dropout", value: "1.5", expected: "a probability in 0..<1")) {
            try options.configuration()
        }
    }
}

/// A run on `Float` features rather than images: any width, any number of classes.
@Suite("Training run on features")
struct FeatureTrainingTests {
    /// TensorFlow Playground's two spirals: two interleaved arms, a point's class its arm.
    static func spirals(count: Int, seed: UInt64) throws -> LabeledFeatures {
        var generator = SplitMix64(seed: seed)
        var rows: [[Float]] = []
        var labels: [Int] = []
        for index in 0..<count {
            let arm = index % 2
            let t = Float(Double(generator.next() >> 11) / Double(1 << 53)).squareRoot() * 3 * .pi
            let radius = t / (3 * .pi) * 5
            let angle = t + Float(arm) * .pi
            rows.append([radius * cos(angle), radius * sin(angle)])
            labels.append(arm)
        }
        return try LabeledFeatures(rows: rows, labels: labels)
    }

    @Test("two spirals from Float arrays: at least 99% training accuracy with a small network")
    func spiralsLearned() throws {
        var options = TrainingOptions()
        options.preset = .videoBest
        options.layers = [2, 32, 32, 2]
        options.epochs = 300
        options.batchSize = 32
        options.learningRate = 0.01
        let training = try Self.spirals(count: 600, seed: 1)
        let data = TrainingData(name: "spirals", training: training, validation: try Self.spirals(count: 100, seed: 2),
                                test: try Self.spirals(count: 200, seed: 3), classNames: ["inner", "outer"])
        let result = try TrainingRun(configuration: options.configuration(inputCount: 2, classCount: 2, images: false), data: data).run()
        let trainingAccuracy = Evaluation(network: result.model.network, on: .features(training)).accuracy
        #expect(trainingAccuracy >= 0.99)
        #expect(result.model.metadata["preprocessing"] == "none")
        #expect(result.model.metadata["input_width"] == "2")
        #expect(result.model.classNames == ["inner", "outer"])
        let reloaded = Model(network: result.model.network, metadata: result.model.metadata)
        #expect(reloaded.classNames == ["inner", "outer"])
    }

    @Test("features refuse deskewing and distortions, and class names of the wrong count")
    func refusals() throws {
        let features = try Self.spirals(count: 20, seed: 1)
        var configuration = TrainingConfiguration(preset: .videoBest)
        configuration.sizes = [2, 4, 2]
        let data = TrainingData(name: "s", training: features, validation: features, test: features)
        #expect(throws: TrainingError.self) { try TrainingRun(configuration: configuration, data: data) }  // deskew
        configuration.preprocessing = .none
        configuration.augmentation.maxRotation = 5
        #expect(throws: TrainingError.self) { try TrainingRun(configuration: configuration, data: data) }
        configuration.augmentation.maxRotation = 0
        var named = data
        named.classNames = ["one", "two", "three"]
        #expect(throws: TrainingError.self) { try TrainingRun(configuration: configuration, data: named) }
        _ = try TrainingRun(configuration: configuration, data: data)
    }
}
