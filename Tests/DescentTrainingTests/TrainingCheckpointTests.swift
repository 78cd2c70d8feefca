import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork
import DescentSafetensors
import Testing
import DescentTraining

@Suite("TrainingCheckpoint")
struct TrainingCheckpointTests {
    static let training = brightestPixelImages(count: 250, seed: 1)
    static let validation = brightestPixelImages(count: 50, seed: 2)

    static func configuration(_ optimizer: TrainingConfiguration.OptimizerKind, momentum: Double = 0) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.sizes = [4, 8, 4]
        configuration.epochs = 3
        configuration.batchSize = 7  // 250 = 35 · 7 + 5: a short last batch
        configuration.optimizer = optimizer
        configuration.momentum = momentum
        configuration.weightDecay = 0.5
        configuration.learningRate = optimizer == .adam ? 0.01 : 2
        return configuration
    }

    static func freshState(_ configuration: TrainingConfiguration) throws -> TrainingState<SplitMix64> {
        var generator = SplitMix64(seed: configuration.seed)
        let network = try configuration.makeNetwork(using: &generator)
        return TrainingState(network: network, configuration: configuration, trainingCount: training.count, generator: generator)
    }

    /// Trains to the end, stopping and going through the checkpoint's bytes at each of `stops`
    /// (counted in calls of `shouldStop`).
    static func train(_ configuration: TrainingConfiguration, stoppingAt stops: [Int]) throws -> (TrainingState<SplitMix64>, [UInt8]) {
        var state = try freshState(configuration)
        let trainer = Trainer(configuration: configuration)
        var asked = 0
        var lastBytes: [UInt8] = []
        while state.epoch <= configuration.epochs {
            try trainer.run(&state, on: .images(training), validation: .images(validation), shouldStop: {
                asked += 1
                return stops.contains(asked)
            })
            guard state.epoch <= configuration.epochs else { break }
            lastBytes = TrainingCheckpoint(configuration: configuration, state: state, metadata: ["note": "kept"]).encoded()
            let decoded = try TrainingCheckpoint(file: SafetensorsFile(bytes: lastBytes, source: "test"), source: "test")
            #expect(decoded.metadata == ["note": "kept"])
            #expect(decoded.configuration == configuration)
            state = decoded.state
        }
        return (state, lastBytes)
    }

    @Test("stopping anywhere and resuming from the file's bytes gives the same network, bit for bit",
          arguments: [(TrainingConfiguration.OptimizerKind.sgd, 0.0), (.sgd, 0.9), (.adam, 0.0)])
    func resumeIsExact(optimizer: TrainingConfiguration.OptimizerKind, momentum: Double) throws {
        let configuration = Self.configuration(optimizer, momentum: momentum)
        let (straight, _) = try Self.train(configuration, stoppingAt: [])
        // The first ask of an epoch comes before its shuffle; later asks come between batches.
        let (interrupted, bytes) = try Self.train(configuration, stoppingAt: [1, 2, 20, 37, 38, 60, 110])
        #expect(!bytes.isEmpty)
        #expect(Model(network: interrupted.network).encoded() == Model(network: straight.network).encoded())
        #expect(interrupted.reports.map(\.trainingCost) == straight.reports.map(\.trainingCost))
        #expect(interrupted.reports.map(\.validationAccuracy) == straight.reports.map(\.validationAccuracy))
        #expect(interrupted.generator == straight.generator)
    }

    @Test("resume is exact with Nesterov, a warmed-up cosine schedule, dropout, augmentation and early stopping's best network")
    func resumeIsExactWithTheLadder() throws {
        var configuration = Self.configuration(.nesterov, momentum: 0.9)
        configuration.hidden = .relu
        configuration.output = .softmax
        configuration.cost = .crossEntropy
        configuration.learningRate = 0.1
        configuration.schedule = LearningRateSchedule(shape: .cosine, warmupEpochs: 1)
        configuration.dropout = 0.25
        configuration.augmentation = Augmentation(maxShift: 1)
        configuration.patience = 5  // never reached in 3 epochs, so the best network is kept throughout
        let (straight, _) = try Self.train(configuration, stoppingAt: [])
        let (interrupted, bytes) = try Self.train(configuration, stoppingAt: [1, 2, 20, 37, 38, 60, 110])
        #expect(!bytes.isEmpty)
        #expect(Model(network: interrupted.network).encoded() == Model(network: straight.network).encoded())
        let best = try #require(straight.best)
        #expect(straight.bestEpoch != nil && interrupted.bestEpoch == straight.bestEpoch)
        #expect(Model(network: try #require(interrupted.best)).encoded() == Model(network: best).encoded())
        #expect(interrupted.generator == straight.generator)
    }

    @Test("a run stopped early stays finished, and its checkpoint keeps the best network")
    func earlyStoppingIsFinished() throws {
        var configuration = Self.configuration(.adam)
        configuration.epochs = 60
        configuration.patience = 1
        var state = try Self.freshState(configuration)
        let trainer = Trainer(configuration: configuration)
        try trainer.run(&state, on: .images(Self.training), validation: .images(Self.validation))
        #expect(trainer.isFinished(state))
        #expect(state.epoch <= 60)
        let bytes = TrainingCheckpoint(configuration: configuration, state: state).encoded()
        var decoded = try TrainingCheckpoint(file: SafetensorsFile(bytes: bytes, source: "test"), source: "test").state
        #expect(decoded.bestEpoch == state.bestEpoch)
        #expect(decoded.best == state.best)
        let before = decoded.network
        try trainer.run(&decoded, on: .images(Self.training), validation: .images(Self.validation))
        #expect(decoded.network == before)
    }

    @Test("the configuration survives its metadata")
    func configurationRoundTrip() throws {
        var configuration = TrainingConfiguration(preset: .nielsenCh3)
        configuration.optimizer = .sgd
        configuration.momentum = 0.25
        configuration.seed = 12_345_678_901
        #expect(try TrainingConfiguration(metadata: configuration.metadata) == configuration)
        for preset in [TrainingConfiguration.Preset.videoBest, .fast98, .mlp99] {
            var ladder = TrainingConfiguration(preset: preset)
            ladder.schedule = LearningRateSchedule(shape: .step, warmupEpochs: 2, stepEvery: 3, stepFactor: 0.5)
            ladder.patience = 4
            ladder.augmentation.maxShift = 2
            #expect(try TrainingConfiguration(metadata: ladder.metadata) == ladder)
            #expect(try TrainingConfiguration(metadata: TrainingConfiguration(preset: preset).metadata) == TrainingConfiguration(preset: preset))
        }
        var broken = configuration.metadata
        broken["batch_size"] = "ten"
        #expect(throws: ConfigurationError.self) { try TrainingConfiguration(metadata: broken) }
    }

    /// A checkpoint part-way through the second epoch, as a file to break.
    static func sampleFile() throws -> SafetensorsFile {
        let configuration = configuration(.adam)
        var state = try freshState(configuration)
        var asked = 0
        try Trainer(configuration: configuration).run(&state, on: .images(training), validation: .images(validation), shouldStop: {
            asked += 1
            return asked == 50
        })
        return try SafetensorsFile(bytes: TrainingCheckpoint(configuration: configuration, state: state).encoded(), source: "sample")
    }

    @Test("a damaged checkpoint is refused with a message naming what is wrong",
          arguments: ["format", "order", "epoch", "batch", "generator", "network", "extra", "moments", "learning_rate", "reports"])
    func damaged(_ damage: String) throws {
        var file = try Self.sampleFile()
        #expect(throws: Never.self) { try TrainingCheckpoint(file: file, source: "sample") }
        switch damage {
        case "format": file.metadata["format"] = "descent/1"
        case "order":
            var bytes = file.tensors["order"]!.bytes
            bytes[0..<4] = bytes[4..<8]  // an index twice
            file.tensors["order"] = Tensor(dtype: .i32, shape: [Self.training.count], bytes: bytes)
        case "epoch": file.metadata["epoch"] = "9"
        case "batch": file.metadata["batch"] = "-1"
        case "generator": file.metadata["generator"] = "x"
        case "network": file.tensors["network.layers.1.bias"] = Tensor([Float](repeating: 0, count: 3), shape: [3])
        case "extra": file.tensors["optimizer.velocity.0.weight"] = Tensor([Float](repeating: 0, count: 32), shape: [8, 4])
        case "moments": file.metadata["adam_steps"] = "0"
        case "learning_rate": file.metadata["learning_rate"] = "nan"
        default: file.tensors["reports"] = Tensor([Double](repeating: 0, count: 5), shape: [1, 5])
        }
        #expect {
            try TrainingCheckpoint(file: file, source: "sample")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("sample: ") && (error as? CheckpointError) != nil
        }
    }
}
