import DescentDatasets
import DescentExperiments
import DescentLinearAlgebra
import DescentNetwork
import DescentTestSupport
import DescentTraining
import Foundation
import Testing

@Suite("Minima: aligning networks and the straight line between them")
struct MinimaTests {
    @Test("alignment recovers a known permutation of the hidden neurons, and the line is then flat",
          arguments: [Activation.sigmoid, .tanh])
    func recoversPermutation(hidden: Activation) throws {
        // Sigmoid and tanh neurons are never constant on these images; a dead ReLU neuron would
        // correlate with nothing, and could be paired with any other dead one.
        var generator = SplitMix64(seed: 51)
        let images = randomImages(count: 300, seed: 52)
        let network = try Network<Float>(sizes: [16, 12, 8, 10], hidden: hidden, output: .softmax, cost: .crossEntropy,
                                         initialization: .he, using: &generator)
        let permutations = network.layers.dropLast().map { layer in
            var permutation = Array(0..<layer.outputCount)
            generator.shuffle(&permutation)
            return permutation
        }
        let shuffled = network.permutingHiddenNeurons(by: permutations)
        let alignment = NeuronAlignment(aligning: HiddenActivations(of: shuffled, on: images), to: HiddenActivations(of: network, on: images))
        // Undoing π takes position i from the neuron π moved it to: the inverse of π.
        let inverses = permutations.map { permutation in
            var inverse = [Int](repeating: 0, count: permutation.count)
            for (new, old) in permutation.enumerated() { inverse[old] = new }
            return inverse
        }
        #expect(alignment.permutations == inverses)
        #expect(alignment.matchedCorrelations.allSatisfy { abs($0 - 1) < 1e-9 })
        #expect(shuffled.permutingHiddenNeurons(by: alignment.permutations) == network)
        #expect(NeuronAlignment.aligned(shuffled, to: network, on: images) == network)

        // As permuted, the middle of the straight line is another function; once aligned the line is
        // one point ((1 − t)·w + t·w rounds to w or a neighbour of it).
        let before = LinearPath(from: network, to: shuffled, on: images, points: 11)
        let after = LinearPath(from: network, to: NeuronAlignment.aligned(shuffled, to: network, on: images), on: images, points: 11)
        #expect(abs(before.costs[5] - before.costs[0]) > 1e-3)
        #expect(after.ridge < 1e-6 && after.costs.allSatisfy { abs($0 - after.costs[0]) < 1e-6 })
        #expect(Minima.relativeDistance(network, shuffled) > 0.5)
    }

    @Test("the line's end points are the two networks' own costs")
    func endPoints() throws {
        var generator = SplitMix64(seed: 53)
        let images = randomImages(count: 200, seed: 54)
        let a = try Network<Float>(sizes: [16, 6, 6, 10], using: &generator)
        let b = try Network<Float>(sizes: [16, 6, 6, 10], using: &generator)
        let path = LinearPath(from: a, to: b, on: images)
        #expect(path.positions.count == 21 && path.positions.first == 0 && path.positions.last == 1)
        #expect(path.costs.first == ModelLandscape.costAndAccuracy(a, on: images).cost)
        #expect(path.costs.last == ModelLandscape.costAndAccuracy(b, on: images).cost)
        #expect(path.accuracies.last == ModelLandscape.costAndAccuracy(b, on: images).accuracy)
        #expect(path.ridge >= 0 && path.ridge == max(0, path.costs.max()! - (path.costs[0] + path.costs[20]) / 2))
    }

    @Test("spread: mean, extremes and standard deviation")
    func spread() throws {
        let spread = try #require(Spread([1, 2, 3, 6]))
        #expect(spread.mean == 3 && spread.minimum == 1 && spread.maximum == 6 && spread.range == 5)
        #expect(abs(spread.standardDeviation - (3.5 as Double).squareRoot()) < 1e-12)
        #expect(Spread([]) == nil)
    }

    @Test("each run is the trainer's run from its seed; every pair is compared, the first ones measured")
    func runsAndPairs() throws {
        let images = randomImages(count: 200, seed: 55)
        var configuration = TrainingConfiguration()
        configuration.sizes = [16, 8, 8, 10]
        configuration.epochs = 2
        let report = try Minima(configuration: configuration, seeds: [7, 8, 9], pathPairs: 1, pathPoints: 5)
            .run(training: images, validation: images.prefix(50), test: images.prefix(60), probe: images.prefix(100))
        var generator = SplitMix64(seed: 8)
        let trained = try Trainer(configuration: configuration).train(
            configuration.makeNetwork(using: &generator), on: images, validation: images.prefix(50), using: &generator)
        #expect(report.runs.map(\.seed) == [7, 8, 9])
        #expect(report.runs[1].network == trained.network)
        #expect(report.pairs.map { [$0.first, $0.second] } == [[0, 1], [0, 2], [1, 2]])
        #expect(report.measuredPairs.count == 1 && report.measuredPairs[0].path?.costs.count == 5)
        #expect(report.runs.allSatisfy { $0.validationAccuracy != nil })
        // Independent random starts are nearly orthogonal: about √2 apart in units of their length.
        #expect(report.pairs.allSatisfy { $0.startDistance > 1 && $0.startDistance < 1.8 }, "\(report.pairs.map(\.startDistance))")
    }
}

/// Runs on the real MNIST (../shared/mnist, or $DESCENT_TEST_MNIST). Under CI=true it always runs,
/// and fails if the data is missing; elsewhere it is skipped, visibly, without the data.
@Suite("Minima on the real MNIST", .enabled(if: TestData.mnistFolder != nil || TestData.isCI, "needs ../shared/mnist"))
struct MinimaMNISTTests {
    @Test("three seeds of the video's network on a small subset: equal depth, ridges measured")
    func threeSeeds() throws {
        let mnist = try MNIST(folder: try #require(TestData.mnistFolder, "MNIST not found: set DESCENT_TEST_MNIST to its folder"))
        var configuration = TrainingConfiguration(preset: .video)
        configuration.epochs = 3
        let report = try Minima(configuration: configuration, seeds: [0, 1, 2]).run(
            training: mnist.training.prefix(5000), validation: mnist.validation.prefix(1000), test: mnist.test.prefix(2000),
            probe: mnist.training.prefix(1000))
        #expect(report.runs.count == 3 && report.runs.allSatisfy { $0.trainingCost.isFinite && $0.validationAccuracy != nil })
        let test = try #require(report.testAccuracy)
        // Measured: 3 epochs on 5,000 images reach about 85-88%; the floor is for a broken network.
        #expect(test.minimum > 0.75 && test.range < 0.06, "test accuracy \(test)")
        #expect(report.pairs.count == 3 && report.measuredPairs.count == 2)
        for pair in report.measuredPairs {
            let (path, aligned) = (try #require(pair.path), try #require(pair.alignedPath))
            #expect(path.costs.first == aligned.costs.first)
            #expect(abs(path.costs.last! - aligned.costs.last!) < 1e-5)  // the same function, summed in another order
            #expect(pair.alignedDistance < pair.distance)
            #expect(pair.alignment.matchedCorrelations.allSatisfy { $0 > 0.3 })
        }
        // Both ridges were measured on both measured pairs: heights of a cost path, finite and at least 0.
        let (ridge, alignedRidge) = (try #require(report.ridge), try #require(report.alignedRidge))
        #expect([ridge, alignedRidge].allSatisfy { $0.minimum >= 0 && $0.maximum.isFinite }, "ridge \(ridge), aligned \(alignedRidge)")
    }
}
