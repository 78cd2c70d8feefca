@testable import DescentNetwork
import DescentLinearAlgebra
import Testing

@Suite("Lit inputs encoded once")
struct SparseInputsTests {
    @Test("two or three threads encode exactly what one does, blank and odd-length examples included", arguments: [2, 3])
    func threads(threads: Int) {
        var generator = SplitMix64(seed: 5)
        // 9,001 examples (past the size where threads share the work): some blank, some with an odd
        // number of lit inputs, whose blocks end with a pad byte.
        let examples: [[UInt8]] = (0..<9001).map { index in
            if index % 97 == 0 { return [UInt8](repeating: 0, count: 50) }
            return (0..<50).map { _ in generator.uniformInt(below: 3) == 0 ? UInt8(1 + generator.uniformInt(below: 255)) : 0 }
        }
        let one = SparseInputs(count: examples.count, inputCount: 50) { examples[$0][...] }
        let many = SparseInputs(count: examples.count, inputCount: 50, threads: threads) { examples[$0][...] }
        #expect(many.entries == one.entries)
        #expect(many.storage == one.storage)
        #expect(one.entries.map { Int($0.count) } == examples.map { $0.filter { $0 != 0 }.count })
        for index in [0, 1, 2, 4321, 9000] {
            let (positions, bytes) = one.withValues(of: one.entries[index]) { positions, bytes in
                (Array(UnsafeBufferPointer(start: positions, count: Int(one.entries[index].count))),
                 Array(UnsafeBufferPointer(start: bytes, count: Int(one.entries[index].count))))
            }
            #expect(positions.map(Int.init) == examples[index].indices.filter { examples[index][$0] != 0 })
            #expect(bytes == examples[index].filter { $0 != 0 })
        }
    }
}
