package import DescentDatasets
import DescentLinearAlgebra
package import DescentNetwork
package import DescentTraining

/// One network trained from one seed.
package struct MinimaRun: Sendable {
    /// The seed of its starting weights and of its shuffles: `descent train --seed` with the same
    /// recipe and data trains the same network.
    package let seed: UInt64
    /// The network before training.
    package let start: Network<Float>
    /// The network after training.
    package let network: Network<Float>
    /// The trainer's report of each epoch. Its validation accuracy is measured only when early
    /// stopping (`configuration.patience`) needs it, and is 0 otherwise.
    package let epochs: [EpochReport]
    /// The mean cost of the trained network over the whole training set (without regularisation).
    package let trainingCost: Double
    /// The share of the training set it classifies right, by the labels it was trained on.
    package let trainingAccuracy: Double
    /// The share of the validation set the trained network classifies right; nil when there were
    /// no validation images.
    package let validationAccuracy: Double?
    /// The share of the test set it classifies right.
    package let testAccuracy: Double
}

/// Two of the trained networks compared: how far apart, and, for some pairs, the cost on the
/// straight line between them, before and after their hidden neurons are matched.
package struct MinimaPair: Sendable {
    /// Indices into `MinimaReport.runs`; the second network is the one renumbered.
    package let first: Int, second: Int
    /// The starting networks' relative distance (`Minima.relativeDistance`).
    package let startDistance: Double
    /// The trained networks' relative distance.
    package let distance: Double
    /// The relative distance once the second network's hidden neurons are renumbered to match the first's.
    package let alignedDistance: Double
    /// The renumbering.
    package let alignment: NeuronAlignment
    /// The cost on the straight line between the two as trained; nil for pairs not measured.
    package let path: LinearPath?
    /// The cost on the straight line from the first to the renumbered second.
    package let alignedPath: LinearPath?
}

/// Several networks trained alike from different seeds, and how their valleys compare: the
/// experiment behind the video's last claim, that on structured data the local minima a network
/// finds "tend to be of equal quality" (Choromanska et al., "The loss surfaces of multilayer
/// networks", 2015), and that many apparent differences between them are only a renumbering of
/// hidden neurons (Entezari et al. 2022; Ainsworth, Hayase & Srinivasa, "Git Re-Basin", 2023).
package struct Minima: Sendable {
    /// The recipe every run is trained with (its seed is not used: see `seeds`).
    package var configuration: TrainingConfiguration
    /// One run a seed.
    package var seeds: [UInt64]
    /// How many pairs get the straight-line cost, before and after alignment: the first network
    /// with each of the next `pathPairs`.
    package var pathPairs: Int
    /// Points on each straight line, ends included.
    package var pathPoints: Int

    /// An experiment on `seeds`, with paths from the first network to every other by default.
    package init(configuration: TrainingConfiguration, seeds: [UInt64], pathPairs: Int? = nil, pathPoints: Int = 21) {
        self.configuration = configuration
        self.seeds = seeds
        self.pathPairs = pathPairs ?? max(0, seeds.count - 1)
        self.pathPoints = pathPoints
    }

    /// ‖a − b‖ / ((‖a‖ + ‖b‖) / 2): the distance between two networks' parameter vectors in units
    /// of their mean length. 0 for equal networks; about √2 for two independent random vectors of
    /// the same length, which are nearly orthogonal in thousands of dimensions.
    package static func relativeDistance(_ a: Network<Float>, _ b: Network<Float>) -> Double {
        let scale = (a.parameterNorm + b.parameterNorm) / 2
        return scale > 0 ? a.parameterDistance(to: b) / scale : 0
    }

    /// Trains one network a seed, then compares every pair.
    /// - Parameters:
    ///   - training: The images and labels every run learns from.
    ///   - validation: Measured once at the end of each run, or after every epoch when early
    ///     stopping needs it (may be empty).
    ///   - test: Measured once at the end of each run.
    ///   - probe: The images the hidden neurons are matched on and the straight-line costs are measured on.
    ///   - progress: Called as each run starts and ends, and as each pair is compared.
    /// - Throws: `TrainerError` if a run diverges, or `NetworkError` if the sizes make no network.
    /// - Complexity: O(seeds · epochs · training.count · parameterCount + pathPairs · pathPoints ·
    ///   probe.count · parameterCount + seeds² · probe.count · n²).
    package func run(
        training: LabeledImages, validation: LabeledImages, test: LabeledImages, probe: LabeledImages,
        progress: (MinimaEvent) -> Void = { _ in }
    ) throws -> MinimaReport {
        let trainer = Trainer(configuration: configuration)
        var runs: [MinimaRun] = []
        for (index, seed) in seeds.enumerated() {
            progress(.training(run: index + 1, of: seeds.count, seed: seed))
            var generator = SplitMix64(seed: seed)
            let start = try configuration.makeNetwork(using: &generator)
            // Measuring the validation set after every epoch costs about as much as the epoch itself
            // for the video's network; only early stopping needs it.
            let watched = configuration.patience == nil ? validation.prefix(0) : validation
            let result = try trainer.train(start, on: training, validation: watched, using: &generator)
            let fit = ModelLandscape.costAndAccuracy(result.network, on: training)
            let run = MinimaRun(
                seed: seed, start: start, network: result.network, epochs: result.epochs, trainingCost: fit.cost,
                trainingAccuracy: fit.accuracy,
                validationAccuracy: validation.count > 0 ? ModelLandscape.costAndAccuracy(result.network, on: validation).accuracy : nil,
                testAccuracy: ModelLandscape.costAndAccuracy(result.network, on: test).accuracy)
            runs.append(run)
            progress(.trained(run))
        }
        return MinimaReport(runs: runs, pairs: compare(runs, on: probe, progress: progress))
    }

    /// Every pair i < j: distances before and after matching j's hidden neurons to i's; the
    /// straight-line costs for the pairs (0, j) with j ≤ `pathPairs`.
    func compare(_ runs: [MinimaRun], on probe: LabeledImages, progress: (MinimaEvent) -> Void) -> [MinimaPair] {
        let activations = runs.map { HiddenActivations(of: $0.network, on: probe) }
        let indices = runs.indices.flatMap { first in runs.indices.filter { $0 > first }.map { (first, $0) } }
        return indices.enumerated().map { number, pair in
            progress(.comparing(pair: number + 1, of: indices.count))
            let (a, b) = (runs[pair.0].network, runs[pair.1].network)
            let alignment = NeuronAlignment(aligning: activations[pair.1], to: activations[pair.0])
            let aligned = b.permutingHiddenNeurons(by: alignment.permutations)
            let measured = pair.0 == 0 && pair.1 <= pathPairs
            return MinimaPair(
                first: pair.0, second: pair.1, startDistance: Self.relativeDistance(runs[pair.0].start, runs[pair.1].start),
                distance: Self.relativeDistance(a, b), alignedDistance: Self.relativeDistance(a, aligned), alignment: alignment,
                path: measured ? LinearPath(from: a, to: b, on: probe, points: pathPoints) : nil,
                alignedPath: measured ? LinearPath(from: a, to: aligned, on: probe, points: pathPoints) : nil)
        }
    }
}

/// Something the minima experiment reports while it works.
package enum MinimaEvent: Sendable {
    /// Training run `run` of `of`, from `seed`, has started.
    case training(run: Int, of: Int, seed: UInt64)
    /// A run has finished.
    case trained(MinimaRun)
    /// Comparing pair `pair` of `of` has started.
    case comparing(pair: Int, of: Int)
}
