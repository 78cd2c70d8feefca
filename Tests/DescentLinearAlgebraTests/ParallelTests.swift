import DescentLinearAlgebra
import Testing

@Suite("The worker pool behind threaded products")
struct ParallelTests {
    @Test("every index runs exactly once, run after run", arguments: [0, 1, 2, 3, 4])
    func everyIndexOnce(count: Int) {
        let runs = 300
        let slots = UnsafeMutablePointer<Int>.allocate(capacity: max(1, count))
        slots.initialize(repeating: 0, count: max(1, count))
        defer { slots.deallocate() }
        for _ in 0..<runs {
            // Each index writes only its own slot, so the writes do not race.
            Parallel.forEach(count) { index in slots[index] += 1 }
        }
        #expect((0..<count).allSatisfy { slots[$0] == runs })
    }

    @Test("a product split across threads equals the one-thread product exactly")
    func threadedProductIsExact() {
        var generator = SplitMix64(seed: 4)
        var a = Matrix<Float>(rows: 128, columns: 300), b = Matrix<Float>(rows: 256, columns: 300)
        for index in a.elements.indices { a.elements[index] = Float(generator.uniformDouble() - 0.5) }
        for index in b.elements.indices { b.elements[index] = Float(generator.uniformDouble() - 0.5) }
        var one = Matrix<Float>(rows: 128, columns: 256), two = one, three = one
        Matrix.multiply(a, .none, b, .transposed, into: &one, threads: 1)
        Matrix.multiply(a, .none, b, .transposed, into: &two, threads: 2)
        Matrix.multiply(a, .none, b, .transposed, into: &three, threads: 3)
        #expect(one == two)
        #expect(one == three)
    }
}
