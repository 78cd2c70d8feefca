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

    @Test("the bucketed sums equal the sorted prefix sums, across exponents, half zeros and ties, flushed or not")
    func bucketedSums() {
        var generator = SplitMix64(seed: 8)
        for count in [1, 3, 64, 1000, 20_000] {
            var values = (0..<count).map { _ in
                let scale = [1e-300, 1e-40, 1e-3, 1, 7, 1e10][Int.random(in: 0...5, using: &generator)]
                return generator.uniformDouble() * scale
            }
            // Zeros, as a gradient has for every weight from an unlit pixel: a fraction's bucket may be theirs.
            for index in stride(from: 0, to: count, by: 2) { values[index] = 0 }
            if count > 2 { (values[1], values[2]) = (values[2], values[2]) }
            let sorted = values.sorted(by: >)
            let wanted = Array(Set([1, count / 100 + 1, count / 10 + 1, count]))
            let sums = values.withUnsafeBufferPointer { GradientHighlights.sumsOfLargest(wanted, in: $0) }
            // The explorer computes with subnormals flushed: the buckets must hold all the same.
            let flushed = SubnormalFlushing.flushed { values.withUnsafeBufferPointer { GradientHighlights.sumsOfLargest(wanted, in: $0) } }
            #expect(zip(sums, flushed).allSatisfy { abs($0 - $1) <= 1e-12 * $0 })
            for (want, sum) in zip(wanted, sums) {
                let expected = sorted.prefix(want).reduce(0, +)
                #expect(abs(sum - expected) <= 1e-12 * expected, "\(want) of \(count): \(sum) vs \(expected)")
            }
        }
    }
}
