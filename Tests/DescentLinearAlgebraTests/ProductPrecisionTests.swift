import CDescentKernels
import DescentLinearAlgebra
import Testing

@Suite("Product precision")
struct ProductPrecisionTests {
    /// 1 + 2⁻⁹ is a float32 but not a bfloat16: it rounds to 1 (below half of bfloat16's 2⁻⁷ step).
    static let offGrid: Float = 1 + 0x1p-9

    /// An m x k matrix of `offGrid` times a k x n matrix of ones: k·(1 + 2⁻⁹) in float32, exactly k in bfloat16.
    static func product(m: Int, n: Int, k: Int, threads: Int) -> Matrix<Float> {
        let a = Matrix<Float>(rows: m, columns: k, elements: Array(repeating: offGrid, count: m * k))
        let b = Matrix<Float>(rows: k, columns: n, elements: Array(repeating: 1, count: k * n))
        var c = Matrix<Float>(rows: m, columns: n)
        Matrix.multiply(a, .none, b, .none, into: &c, threads: threads)
        return c
    }

    @Test("in bfloat16 the operands are rounded, in float32 they are not")
    func roundsOperands() {
        let float32 = Self.product(m: 3, n: 5, k: 64, threads: 1)
        let bfloat16 = ProductPrecision.with(.bfloat16) { Self.product(m: 3, n: 5, k: 64, threads: 1) }
        #expect(float32.elements.allSatisfy { $0 == 64 * Self.offGrid })
        #expect(bfloat16.elements.allSatisfy { $0 == 64 })
    }

    @Test("the precision holds in the pool's workers and ends with the closure")
    func reachesWorkersAndEnds() {
        #expect(ProductPrecision.current == .float32)
        let threaded = ProductPrecision.with(.bfloat16) { () -> Matrix<Float> in
            #expect(ProductPrecision.current == .bfloat16)
            return Self.product(m: 128, n: 512, k: 256, threads: 2)
        }
        #expect(threaded.elements.allSatisfy { $0 == 256 }, "a column block computed in float32")
        #expect(ProductPrecision.current == .float32)
        #expect(Self.product(m: 2, n: 2, k: 256, threads: 1).elements.allSatisfy { $0 == 256 * Self.offGrid })
    }

    @Test("a bfloat16 product agrees with the rounded reference on random operands", arguments: [false, true])
    func agreesWithReference(transposeB: Bool) {
        var generator = SplitMix64(seed: 29)
        let (m, n, k) = (37, 70, 300)
        func random(_ rows: Int, _ columns: Int) -> Matrix<Float> {
            Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in Float(generator.uniformDouble() * 2 - 1) })
        }
        let a = random(m, k), b = transposeB ? random(n, k) : random(k, n)
        var c = Matrix<Float>(rows: m, columns: n)
        ProductPrecision.with(.bfloat16) { Matrix.multiply(a, .none, b, transposeB ? .transposed : .none, into: &c, threads: 2) }
        var reference = [Float](repeating: 0, count: m * n)
        descent_sgemm_bf16_reference(false, transposeB, m, n, k, 1, a.elements, k, b.elements, transposeB ? k : n, 0, &reference, n)
        var float32 = Matrix<Float>(rows: m, columns: n)
        Matrix.multiply(a, .none, b, transposeB ? .transposed : .none, into: &float32)
        var largestFromFloat32: Float = 0
        for index in reference.indices {
            // Sums of 300 products below 1 in magnitude, in another order: float32 rounding only.
            #expect(abs(c.elements[index] - reference[index]) <= 1e-4, "at \(index)")
            largestFromFloat32 = max(largestFromFloat32, abs(c.elements[index] - float32.elements[index]))
        }
        // Rounding to 8 significant bits moves such sums by about 1e-2: far more than float32's order.
        #expect(largestFromFloat32 > 1e-3)
    }
}
