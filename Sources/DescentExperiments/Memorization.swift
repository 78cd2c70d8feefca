public import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork
public import DescentTraining

/// One network trained on one kind of labels.
public struct MemorizationRun: Sendable {
    /// How the labels were spoiled.
    public let noise: LabelNoise
    /// Per epoch: training cost and accuracy on the labels trained on (spoiled ones included), and,
    /// as `validationAccuracy`, the accuracy on the held-out test images with their true labels.
    public let epochs: [EpochReport]
    /// The share of training labels that are still the true ones.
    public let labelAgreement: Double
}

/// Something the memorisation experiment reports while it works.
public enum MemorizationEvent: Sendable {
    /// Training on `noise` (run `run` of `of`) has started.
    case started(noise: LabelNoise, run: Int, of: Int)
    /// The trainer's own event for the current run.
    case training(TrainingProgress)
}

/// Trains the same network, from the same starting weights, on true labels and on spoiled ones,
/// to see how well and how fast it fits labels that say nothing about the pictures (Zhang et al.
/// 2017; Arpit et al., "A closer look at memorization in deep networks", 2017).
public struct Memorization: Sendable {
    /// The recipe every variant is trained with (its seed is not used: see `run`).
    public var configuration: TrainingConfiguration
    /// The kinds of labels, one run each, in order.
    public var variants: [LabelNoise]

    /// The default recipe, sized to run on two cores in a few minutes and still fit shuffled labels:
    /// 784-100-10 (a wide hidden layer has room to memorise), ReLU, softmax with cross-entropy,
    /// He initialisation, SGD with learning rate 0.01 and momentum 0.9, batch 10, 25 epochs.
    public static var defaultConfiguration: TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.sizes = [784, 100, 10]
        configuration.hidden = .relu
        configuration.output = .softmax
        configuration.cost = .crossEntropy
        configuration.initialization = .he
        configuration.learningRate = 0.01
        configuration.momentum = 0.9
        configuration.batchSize = 10
        configuration.epochs = 25
        return configuration
    }

    /// An experiment with the given recipe and variants.
    public init(configuration: TrainingConfiguration = Memorization.defaultConfiguration, variants: [LabelNoise] = LabelNoise.standard) {
        self.configuration = configuration
        self.variants = variants
    }

    /// Trains one network a variant.
    /// - Parameters:
    ///   - training: The images and true labels to spoil and train on.
    ///   - test: Held-out images with true labels, measured after every epoch.
    ///   - generator: The source of the starting weights (drawn once, the same for every variant),
    ///     the spoiled labels and the shuffles.
    ///   - progress: Called as each run starts and with each of the trainer's events.
    /// - Throws: `TrainingError.diverged` if a run diverges, or `NetworkError` if the sizes make no network.
    /// - Complexity: O(variants · epochs · training.count · parameterCount).
    public func run(
        training: LabeledImages, test: LabeledImages, using generator: inout some RandomNumberGenerator,
        progress: (MemorizationEvent) -> Void = { _ in }
    ) throws -> [MemorizationRun] {
        let weightSeed = generator.next()
        let trainer = Trainer(configuration: configuration)
        var runs: [MemorizationRun] = []
        for (index, noise) in variants.enumerated() {
            progress(.started(noise: noise, run: index + 1, of: variants.count))
            var weights = SplitMix64(seed: weightSeed)
            let network = try configuration.makeNetwork(using: &weights)
            let labeled = training.relabeled(noise, classCount: network.outputCount, using: &generator)
            let result: Trainer.Result
            do {
                result = try trainer.train(network, on: labeled, validation: test, using: &generator) { progress(.training($0)) }
            } catch {
                throw error.trainingError
            }
            runs.append(MemorizationRun(noise: noise, epochs: result.epochs, labelAgreement: labeled.labelAgreement(with: training)))
        }
        return runs
    }
}
