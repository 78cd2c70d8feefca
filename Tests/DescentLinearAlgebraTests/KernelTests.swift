import CDescentKernels
import DescentLinearAlgebra
import Testing

@Suite("Fast float32 kernels against the naive reference", .serialized)
struct KernelTests {
    /// Shapes with odd sizes and every tail: rows past a tile of 4, columns past 2 and 16, k past 8;
    /// k up to 64 with B transposed takes the small-transpose path.
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (3, 5, 7), (4, 16, 8), (5, 17, 9), (10, 16, 784), (10, 10, 16), (10, 16, 16), (16, 784, 10),
        (7, 33, 15), (128, 256, 31), (13, 3, 100),
        // The packed path (m >= 32, n >= 16, k >= 32): whole and ragged panels, k past one KC block.
        (32, 16, 32), (37, 45, 300), (64, 100, 513), (128, 10, 128), (45, 784, 64),
    ]

    func check(_ family: KernelFamily) {
        KernelFamily.on(family) { checkProducts() }
    }

    func checkProducts() {
        var generator = SplitMix64(seed: 99)
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.uniformDouble() * 2 - 1) } }
        for (m, n, k) in Self.shapes {
            for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                for (alpha, beta) in [(Float(1), Float(0)), (-0.3, 1), (2, 0.5)] {
                    let a = random(m * k), b = random(k * n)
                    let lda = transposeA ? m : k, ldb = transposeB ? k : n
                    // A NaN in C must not leak through when beta is 0.
                    let start = beta == 0 ? [Float](repeating: .nan, count: m * n) : random(m * n)
                    var fast = start, reference = start
                    descent_sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, &fast, n)
                    descent_sgemm_reference(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, &reference, n)
                    // Relative to the scale rounding errors live on, |alpha|·Σp |op(A)ip·op(B)pj| + |beta·Cij|
                    // (a dot product's error bound is proportional to it), so cancellation in a sum
                    // of random signs does not make two correct orders of summation look different.
                    var worst: Float = 0
                    for i in 0..<m {
                        for j in 0..<n {
                            var magnitude: Float = 0
                            for p in 0..<k {
                                let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                                let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                                magnitude += abs(x * y)
                            }
                            let index = i * n + j
                            let scale = max(abs(alpha) * magnitude + (beta == 0 ? 0 : abs(beta * start[index])), .leastNormalMagnitude)
                            worst = max(worst, abs(fast[index] - reference[index]) / scale)
                        }
                    }
                    #expect(worst <= 1e-5, "\(m)x\(n)x\(k) tA \(transposeA) tB \(transposeB) alpha \(alpha) beta \(beta): \(worst)")
                }
            }
        }
    }

    @Test("the family this CPU uses by default equals the reference within 1e-5") func fastPath() { checkProducts() }
    @Test("the portable products equal the reference within 1e-5") func portablePath() { check(.portable) }
    @Test("the AVX2 products equal the reference within 1e-5", .enabled(if: KernelFamily.avx2.isSupported, "not run: this CPU has no AVX2 and FMA"))
    func avx2Path() { check(.avx2) }
    @Test("the AVX-512 products equal the reference within 1e-5", .enabled(if: KernelFamily.avx512.isSupported, "not run: this CPU has no AVX-512"))
    func avx512Path() { check(.avx512) }
    @Test("the NEON products equal the reference within 1e-5", .enabled(if: KernelFamily.neon.isSupported, "not run: not an arm64 build (tests/kernels runs NEON under qemu)"))
    func neonPath() { check(.neon) }

    @Test("a family chosen for one thread is used there, and not elsewhere")
    func familyOnOneThread() {
        let before = KernelFamily.current
        KernelFamily.on(.portable) { #expect(Float.gemmKernelName == "portable") }
        #expect(KernelFamily.current == before)
    }

    @Test("the reference kernel is the definition")
    func reference() {
        var c: [Float] = [0, 0, 0, 0]
        descent_sgemm_reference(false, false, 2, 2, 2, 1, [1, 2, 3, 4], 2, [5, 6, 7, 8], 2, 0, &c, 2)
        #expect(c == [19, 22, 43, 50])
    }

    @Test("Float's gemm seam goes to the fast kernel")
    func seam() {
        #expect(["avx512", "avx2-fma", "neon", "portable"].contains(Float.gemmKernelName))
        #expect(Float.gemmKernelName == KernelFamily.best.description)
        let a = Matrix<Float>(rows: 2, columns: 2, elements: [1, 2, 3, 4])
        var c = Matrix<Float>(rows: 2, columns: 2)
        Matrix.multiply(a, .none, a, .transposed, into: &c)
        #expect(c.elements == [5, 11, 11, 25])
    }
}

@Suite("Vectorised sigmoid")
struct SigmoidTests {
    @Test("equals 1/(1+e^-x) within 1e-6 relative, including the clamped extremes, in every family this CPU runs",
          arguments: KernelFamily.allCases.filter(\.isSupported))
    func matchesDefinition(family: KernelFamily) {
        KernelFamily.on(family) { checkSigmoid() }
    }

    func checkSigmoid() {
        var values: [Float] = (0..<2001).map { Float($0 - 1000) / 10 } + [-1e30, 1e30, 0, 88.5, -88.5]
        let expected = values.map { x -> Double in 1 / (1 + Double.exp(-Double(x))) }
        values.withUnsafeMutableBufferPointer { Float.sigmoid($0) }
        for (value, exact) in zip(values, expected) {
            #expect(abs(Double(value) - exact) <= 1e-6 * max(exact, 1e-30) || abs(Double(value) - exact) < 1e-38, "\(value) vs \(exact)")
            #expect(value.isFinite)
        }
    }
}
