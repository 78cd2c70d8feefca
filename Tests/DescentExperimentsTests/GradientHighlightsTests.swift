@testable import DescentExperiments
import DescentLinearAlgebra
import DescentNetwork
import DescentTraining
import Testing

@Suite("GradientHighlights: the largest components and shares without a full sort")
struct GradientHighlightsTests {
    @Test("the same largest components and shares as GradientAnalysis's ranking", arguments: [1, 2, 3])
    func matchesTheRanking(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        var configuration = TrainingConfiguration()
        configuration.sizes = [784, 30, 20, 10]
        let network = try configuration.makeNetwork(using: &generator)
        let input = (0..<784).map { _ in Float.random(in: 0...1, using: &generator) }
        let nudges = ExampleNudges(network: network, input: input, label: Int(seed) % 10)
        let analysis = nudges.analysis
        let highlights = nudges.highlights(largest: 10, fractions: [0.01, 0.1, 1])
        #expect(highlights.largest == Array(analysis.ranked.prefix(10)))
        #expect(highlights.parameterCount == network.parameterCount)
        #expect(abs(highlights.squaredNorm - analysis.squaredNorm) <= 1e-9 * analysis.squaredNorm)
        for (fraction, share) in zip([0.01, 0.1, 1], highlights.sharesOfLargest) {
            #expect(abs(share - analysis.share(ofLargest: fraction)) < 1e-9, "\(fraction)")
        }
    }

    @Test("selection sums the largest values, ties and repeats included")
    func selection() {
        var generator = SplitMix64(seed: 7)
        for count in [1, 2, 5, 50, 333] {
            let values = (0..<count).map { _ in Double(Int.random(in: 0...9, using: &generator)) }
            let sorted = values.sorted(by: >)
            for wanted in Set([1, count / 2 + 1, count]) {
                var copy = values
                #expect(GradientHighlights.sumOfLargest(wanted, in: &copy) == sorted.prefix(wanted).reduce(0, +), "\(wanted) of \(count)")
            }
        }
    }
}
