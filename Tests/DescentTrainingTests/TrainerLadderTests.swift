import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork
import Testing
import DescentTraining

/// The ingredients beyond the video's recipe, wired through the trainer.
@Suite("Trainer: schedules, dropout, augmentation, early stopping")
struct TrainerLadderTests {
    var configuration: TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.sizes = [4, 16, 4]
        configuration.hidden = .relu
        configuration.output = .softmax
        configuration.cost = .crossEntropy
        configuration.initialization = .he
        configuration.epochs = 6
        configuration.learningRate = 0.5
        return configuration
    }

    func train(_ configuration: TrainingConfiguration, validation: LabeledImages = brightestPixelImages(count: 200, seed: 2)) throws -> Trainer.Result {
        var generator = SplitMix64(seed: configuration.seed)
        let network = try configuration.makeNetwork(using: &generator)
        return try Trainer(configuration: configuration).train(
            network, on: brightestPixelImages(count: 1000, seed: 1), validation: validation, using: &generator)
    }

    func bytes(_ result: Trainer.Result) -> [UInt8] { Model(network: result.network).encoded() }

    @Test("every ingredient learns, and the same seed gives the same bytes", arguments: [
        "nesterov", "adam+cosine+warm-up", "step", "dropout", "dropout+sgd", "shift",
    ])
    func ingredient(name: String) throws {
        var recipe = configuration
        switch name {
        case "nesterov":
            recipe.optimizer = .nesterov
            recipe.momentum = 0.9
            recipe.learningRate = 0.05
        case "adam+cosine+warm-up":
            recipe.optimizer = .adam
            recipe.learningRate = 0.01
            recipe.schedule = LearningRateSchedule(shape: .cosine, warmupEpochs: 1)
        case "step":
            recipe.schedule = LearningRateSchedule(shape: .step, stepEvery: 2, stepFactor: 0.5)
        case "dropout":
            recipe.optimizer = .adam
            recipe.learningRate = 0.01
            recipe.dropout = 0.3
        case "dropout+sgd":
            recipe.dropout = 0.3  // the sparse first-layer path
        default:
            recipe.augmentation = Augmentation(maxShift: 1)
        }
        try recipe.validate(inputCount: 4, classCount: 4)
        let first = try train(recipe)
        if name != "shift" { #expect(first.epochs.last!.validationAccuracy > 0.9, "\(name)") }
        #expect(bytes(first) == bytes(try train(recipe)))
        #expect(bytes(first) != bytes(try train(configuration)))
    }

    @Test("the schedule really changes the step: a cosine run differs from a constant one only through the rate")
    func scheduleChangesRate() throws {
        var cosine = configuration
        cosine.schedule = LearningRateSchedule(shape: .cosine)
        var constant = configuration
        constant.schedule = LearningRateSchedule(shape: .constant)
        #expect(bytes(try train(cosine)) != bytes(try train(constant)))
        #expect(bytes(try train(constant)) == bytes(try train(configuration)))
    }

    @Test("early stopping stops after `patience` epochs without improvement and returns the best epoch's network")
    func earlyStopping() throws {
        var recipe = configuration
        recipe.epochs = 40
        recipe.patience = 2
        let validation = brightestPixelImages(count: 200, seed: 2)
        let result = try train(recipe, validation: validation)
        let best = try #require(result.bestEpoch)
        let accuracies = result.epochs.map(\.validationAccuracy)
        #expect(result.epochs.count < 40)
        #expect(result.epochs.count == best + 2)
        #expect(accuracies[best - 1] == accuracies.max())
        #expect(accuracies[best...].allSatisfy { $0 <= accuracies[best - 1] })
        #expect(Evaluation(network: result.network, on: validation).accuracy == accuracies[best - 1])
        #expect(try train(configuration).bestEpoch == nil)
    }

    @Test("bad values are refused naming their option")
    func invalid() {
        let cases: [(String, (inout TrainingConfiguration) -> Void)] = [
            ("dropout", { $0.dropout = 1 }),
            ("patience", { $0.patience = 0 }),
            ("warmup-epochs", { $0.schedule.warmupEpochs = 6 }),
            ("step-factor", { $0.schedule.stepFactor = 0 }),
            ("step-every", { $0.schedule.stepEvery = 0 }),
            ("shift", { $0.augmentation.maxShift = -1 }),
            ("elastic-alpha", { $0.augmentation.elasticAlpha = .nan }),
            ("momentum", { $0.optimizer = .nesterov }),
        ]
        for (option, change) in cases {
            var bad = configuration
            change(&bad)
            do {
                try bad.validate(inputCount: 4, classCount: 4)
                Issue.record("\(option): accepted")
            } catch {
                guard case .invalid(let named, _, _) = error else { continue }
                #expect(named == option)
            }
        }
    }

    @Test("presets: video is unchanged; the new ones validate and use their ingredients")
    func presets() throws {
        #expect(TrainingConfiguration(preset: .video) == TrainingConfiguration())
        for preset in [TrainingConfiguration.Preset.videoBest, .fast98, .mlp99, .fast99, .videoDistilled] {
            let configuration = TrainingConfiguration(preset: preset)
            try configuration.validate()
            #expect(configuration.preprocessing == .deskew && configuration.optimizer == .adam && configuration.schedule.shape == .cosine)
            #expect(configuration.metadata["preprocessing"] == "deskew")
        }
        #expect(TrainingConfiguration(preset: .videoBest).sizes == [784, 16, 16, 10])
        #expect(TrainingConfiguration(preset: .videoDistilled).sizes == [784, 16, 16, 10])
        #expect(TrainingConfiguration(preset: .videoDistilled).batchSize == 32)
        var fast99 = TrainingConfiguration(preset: .mlp99)
        fast99.epochs = 10
        #expect(TrainingConfiguration(preset: .fast99) == fast99)
        #expect(TrainingConfiguration.Preset.videoDistilled.distillation?.teacher == .mlp99)
        #expect(TrainingConfiguration.Preset.allCases.filter { $0.distillation != nil } == [.videoDistilled])
        // The video's recipe writes no key of the new ingredients.
        #expect(TrainingConfiguration().metadata.keys.sorted() == [
            "batch_size", "cost", "epochs", "hidden_activation", "init", "layers", "learning_rate", "momentum", "optimizer",
            "output_activation", "preprocessing", "seed", "weight_decay",
        ])
    }
}
