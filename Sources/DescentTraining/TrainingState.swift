import DescentLinearAlgebra
package import DescentNetwork

/// Where a training run stands: everything the next mini-batch depends on. Saving it (see
/// `TrainingCheckpoint`) and running on from the saved copy gives the same network, bit for bit,
/// as never having stopped.
package struct TrainingState<Generator: RandomNumberGenerator> {
    /// The network as trained so far.
    package var network: Network<Float>
    /// The optimizer with its running state (momentum's velocity, Adam's moments and step count).
    package var optimizer: TrainingOptimizer
    /// The source of every random draw still to come.
    package var generator: Generator
    /// The epoch in progress, from 1; one past the last epoch when training is done.
    package var epoch: Int
    /// The next mini-batch of `epoch`, from 0. At 0 the epoch has not begun: its shuffle is not drawn.
    package var batch: Int
    /// The order in which `epoch` visits the training examples. Shuffled in place at the start of
    /// each epoch, so each epoch's order depends on the one before.
    package var order: [Int]
    /// Over the batches of `epoch` done so far: Σ cost × examples, and examples classified right.
    package var costSum: Double
    package var correct: Int
    /// Seconds spent on `epoch` so far, in earlier runs too.
    package var epochSeconds: Double
    /// The reports of the completed epochs.
    package var reports: [EpochReport]
    /// The network at the end of the last completed epoch, kept in case the cost diverges.
    package var lastGood: Network<Float>?
    /// With early stopping (`TrainingConfiguration.patience`), the network of the completed epoch with
    /// the best validation accuracy so far (the earliest of equals), and that epoch, from 1.
    package var best: Network<Float>?
    package var bestEpoch: Int?

    /// The state before the first batch: `network` fresh, `configuration`'s optimizer, the
    /// examples in their natural order.
    package init(network: Network<Float>, configuration: TrainingConfiguration, trainingCount: Int, generator: Generator) {
        self.network = network
        optimizer = configuration.makeOptimizer(trainingSetSize: trainingCount)
        self.generator = generator
        epoch = 1
        batch = 0
        order = Array(0..<trainingCount)
        costSum = 0
        correct = 0
        epochSeconds = 0
        reports = []
        lastGood = nil
        best = nil
        bestEpoch = nil
    }
}

extension TrainingState: Sendable where Generator: Sendable {}
