import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork
import DescentSafetensors
import Testing
import DescentTraining

/// 2x2 "images" whose label is the brightest pixel: a task a small network learns in a few epochs.
func brightestPixelImages(count: Int, seed: UInt64) -> LabeledImages {
    var generator = SplitMix64(seed: seed)
    var pixels: [UInt8] = []
    var labels: [UInt8] = []
    for _ in 0..<count {
        let label = generator.uniformInt(below: 4)
        for position in 0..<4 { pixels.append(position == label ? 200 + UInt8(generator.uniformInt(below: 56)) : UInt8(generator.uniformInt(below: 100))) }
        labels.append(UInt8(label))
    }
    return LabeledImages(rows: 2, columns: 2, pixels: pixels, labels: labels)
}

@Suite("Trainer")
struct TrainerTests {
    var configuration: TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.sizes = [4, 8, 4]
        configuration.epochs = 8
        configuration.learningRate = 3
        return configuration
    }

    func train(_ configuration: TrainingConfiguration) throws -> Trainer.Result {
        var generator = SplitMix64(seed: configuration.seed)
        let network = try configuration.makeNetwork(using: &generator)
        return try Trainer(configuration: configuration).train(
            network, on: brightestPixelImages(count: 1000, seed: 1), validation: brightestPixelImages(count: 200, seed: 2),
            using: &generator)
    }

    @Test("it learns: cost falls and validation accuracy rises well above chance")
    func learns() throws {
        let result = try train(configuration)
        #expect(result.epochs.count == 8)
        #expect(result.epochs.last!.trainingCost < result.epochs.first!.trainingCost)
        #expect(result.epochs.last!.validationAccuracy > 0.9)
        let evaluation = Evaluation(network: result.network, on: brightestPixelImages(count: 300, seed: 3))
        #expect(evaluation.accuracy > 0.9)
        #expect(evaluation.confusion.flatMap { $0 }.reduce(0, +) == 300)
    }

    @Test("an evaluation on two threads is the one on one thread, bit for bit")
    func evaluationThreads() throws {
        var generator = SplitMix64(seed: 17)
        let network = try Network<Float>(sizes: [784, 320, 200, 10], hidden: .relu, output: .softmax, cost: .crossEntropy,
                                         initialization: .he, using: &generator)
        let count = 700  // a batch of 500 and one of 200
        let pixels = (0..<(count * 784)).map { _ in generator.uniformInt(below: 3) == 0 ? UInt8(generator.uniformInt(below: 256)) : 0 }
        let labels = (0..<count).map { _ in UInt8(generator.uniformInt(below: 10)) }
        let images = LabeledImages(rows: 28, columns: 28, pixels: pixels, labels: labels)
        let one = Evaluation(network: network, on: images)
        let two = Evaluation(network: network, on: images, threads: 2)
        #expect(one.predictions == two.predictions)
        #expect(one.confidences.map(\.bitPattern) == two.confidences.map(\.bitPattern))
        #expect(one == two && one.total == count)
    }

    @Test("the same seed gives identical model bytes; another seed does not")
    func deterministic() throws {
        let first = Model(network: try train(configuration).network).encoded()
        let second = Model(network: try train(configuration).network).encoded()
        var other = configuration
        other.seed = 1
        let third = Model(network: try train(other).network).encoded()
        #expect(first == second)
        #expect(first != third)
    }

    @Test("momentum, weight decay, cross-entropy and softmax train too")
    func otherRecipes() throws {
        var recipe = configuration
        recipe.momentum = 0.9
        recipe.learningRate = 0.1
        recipe.weightDecay = 1
        recipe.cost = .crossEntropy
        recipe.output = .softmax
        recipe.hidden = .relu
        recipe.initialization = .he
        #expect(try train(recipe).epochs.last!.validationAccuracy > 0.9)
    }

    @Test("a cost that becomes NaN stops training, naming the epoch, and keeps the last good network")
    func divergence() throws {
        var recipe = configuration
        recipe.cost = .crossEntropy
        recipe.output = .softmax
        recipe.hidden = .relu
        recipe.learningRate = 1e38
        recipe.epochs = 3
        do {
            _ = try train(recipe)
            Issue.record("training with learning rate 1e38 did not diverge")
        } catch let error as TrainerError {
            guard case .diverged(let epoch, let batch, _, let lastGood, let epochs) = error else { return }
            #expect(epoch >= 1 && batch >= 1)
            #expect(epochs.count == epoch - 1)
            #expect((lastGood == nil) == (epoch == 1))
            #expect(error.description.contains("smaller learning rate"))
        }
    }

    @Test("presets and validation of options")
    func presets() {
        #expect(TrainingConfiguration(preset: .video).sizes == [784, 16, 16, 10])
        #expect(TrainingConfiguration(preset: .nielsen).sizes == [784, 30, 10])
        let ch3 = TrainingConfiguration(preset: .nielsenCh3)
        #expect(ch3.sizes == [784, 100, 10] && ch3.cost == .crossEntropy && ch3.weightDecay == 5 && ch3.learningRate == 0.5)
        var bad = TrainingConfiguration()
        bad.learningRate = -1
        #expect(throws: ConfigurationError.self) { try bad.validate() }
        bad = TrainingConfiguration()
        bad.sizes = [100, 10]
        #expect(throws: ConfigurationError.self) { try bad.validate() }
        bad = TrainingConfiguration()
        bad.momentum = 1
        #expect(throws: ConfigurationError.self) { try bad.validate() }
        #expect(throws: Never.self) { try TrainingConfiguration().validate() }
    }
}
