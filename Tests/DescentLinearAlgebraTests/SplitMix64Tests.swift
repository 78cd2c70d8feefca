import DescentLinearAlgebra
import Testing

@Suite("SplitMix64 and seeded draws")
struct SplitMix64Tests {
    @Test("matches the reference C implementation")
    func referenceValues() {
        // splitmix64.c (Vigna) with x = 0: the first outputs.
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func sameSeedSameStream() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42), c = SplitMix64(seed: 43)
        let first = (0..<10).map { _ in a.next() }
        #expect(first == (0..<10).map { _ in b.next() })
        #expect(first != (0..<10).map { _ in c.next() })
    }

    @Test func uniformIntStaysInRangeAndCoversIt() {
        var generator = SplitMix64(seed: 1)
        var seen = Array(repeating: 0, count: 7)
        for _ in 0..<7000 {
            let value = generator.uniformInt(below: 7)
            #expect((0..<7).contains(value))
            seen[value] += 1
        }
        #expect(seen.allSatisfy { $0 > 850 && $0 < 1150 }, "roughly uniform: \(seen)")
    }

    @Test func shuffleIsAPermutationAndSeeded() {
        var a = SplitMix64(seed: 3), b = SplitMix64(seed: 3)
        var x = Array(0..<100), y = Array(0..<100)
        a.shuffle(&x)
        b.shuffle(&y)
        #expect(x == y)
        #expect(x != Array(0..<100))
        #expect(x.sorted() == Array(0..<100))
    }

    @Test func standardNormalHasMeanZeroAndUnitVariance() {
        var generator = SplitMix64(seed: 5)
        let draws = (0..<20000).map { _ in generator.standardNormal() }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count)
        #expect(abs(mean) < 0.03)
        #expect(abs(variance - 1) < 0.05)
    }
}
