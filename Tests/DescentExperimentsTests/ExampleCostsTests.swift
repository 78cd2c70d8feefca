import DescentDatasets
import DescentExperiments
import DescentLinearAlgebra
import DescentNetwork
import DescentTraining
import Testing

@Suite("The cost of every example")
struct ExampleCostsTests {
    static func images(count: Int, seed: UInt64) -> LabeledImages {
        var generator = SplitMix64(seed: seed)
        let pixels = (0..<(count * 784)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return LabeledImages(rows: 28, columns: 28, pixels: pixels, labels: (0..<count).map { UInt8($0 % 10) })
    }

    @Test("their mean is the network's cost, and each prediction the evaluation's", arguments: [1, 7, 1234])
    func agreesWithTheBatchedCost(count: Int) throws {
        var generator = SplitMix64(seed: 5)
        let network = try TrainingConfiguration().makeNetwork(using: &generator)
        let data = Self.images(count: count, seed: UInt64(count))
        let costs = ExampleCosts(network: network, on: data, batchSize: 500)
        #expect(costs.costs.count == count)
        let batched = ModelLandscape.costAndAccuracy(network, on: data)
        #expect(abs(costs.mean - batched.cost) <= 1e-5 * max(1, batched.cost))
        #expect(costs.predictions == Evaluation(network: network, on: data).predictions)
        // One example alone costs what it costs in a batch.
        let single = ExampleCosts(network: network, on: data.prefix(1))
        #expect(abs(single.costs[0] - costs.costs[0]) <= 1e-6)
    }

    @Test("the cheapest and the dearest come in order, and the histogram counts every example")
    func extremes() throws {
        var generator = SplitMix64(seed: 6)
        let network = try TrainingConfiguration().makeNetwork(using: &generator)
        let costs = ExampleCosts(network: network, on: Self.images(count: 300, seed: 9))
        let cheapest = costs.cheapest(5).map { costs.costs[$0] }
        let dearest = costs.dearest(5).map { costs.costs[$0] }
        #expect(cheapest == cheapest.sorted() && dearest == dearest.sorted(by: >))
        #expect(cheapest[0] == costs.costs.min() && dearest[0] == costs.costs.max())
        #expect(costs.cheapest(1000).count == 300 && costs.dearest(-1).isEmpty)
        let histogram = costs.histogram(bins: 7)
        #expect(histogram.counts.count == 7 && histogram.counts.reduce(0, +) == 300 && histogram.upperBound == costs.costs.max())
        #expect(ExampleCosts(network: network, on: Self.images(count: 0, seed: 1)).mean == 0)
    }
}
