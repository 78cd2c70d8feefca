import DescentLinearAlgebra
import Testing

@Suite("Matrix multiply")
struct MatrixTests {
    /// C = alpha·op(A)·op(B) + beta·C by the definition, index by index.
    static func definition(_ a: Matrix<Double>, _ opA: Transpose, _ b: Matrix<Double>, _ opB: Transpose,
                           _ c: Matrix<Double>, alpha: Double, beta: Double) -> Matrix<Double> {
        let left = opA == .transposed ? a.transposed() : a
        let right = opB == .transposed ? b.transposed() : b
        var result = c
        for i in 0..<left.rows {
            for j in 0..<right.columns {
                var sum = 0.0
                for p in 0..<left.columns { sum += left[i, p] * right[p, j] }
                result[i, j] = alpha * sum + beta * c[i, j]
            }
        }
        return result
    }

    static func random(_ rows: Int, _ columns: Int, _ generator: inout SplitMix64) -> Matrix<Double> {
        Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in generator.uniformDouble() * 2 - 1 })
    }

    @Test("every transpose combination on odd shapes", arguments: [(1, 1, 1), (3, 5, 7), (17, 9, 33), (10, 16, 784)])
    func shapes(m: Int, n: Int, k: Int) {
        var generator = SplitMix64(seed: UInt64(m * 1000 + n * 10 + k))
        for opA in [Transpose.none, .transposed] {
            for opB in [Transpose.none, .transposed] {
                let a = opA == .none ? Self.random(m, k, &generator) : Self.random(k, m, &generator)
                let b = opB == .none ? Self.random(k, n, &generator) : Self.random(n, k, &generator)
                let c = Self.random(m, n, &generator)
                for (alpha, beta) in [(1.0, 0.0), (0.5, 1.0), (-2.0, 0.25)] {
                    var result = c
                    Matrix.multiply(a, opA, b, opB, into: &result, alpha: alpha, beta: beta)
                    let expected = Self.definition(a, opA, b, opB, c, alpha: alpha, beta: beta)
                    for index in expected.elements.indices {
                        #expect(abs(result.elements[index] - expected.elements[index]) <= 1e-12 * Double(k),
                                "op \(opA) \(opB) alpha \(alpha) beta \(beta) at \(index)")
                    }
                }
            }
        }
    }

    @Test("leading rows only: a workspace sized for a larger batch")
    func leadingRows() {
        var generator = SplitMix64(seed: 7)
        let a = Self.random(8, 5, &generator)
        let b = Self.random(4, 5, &generator)
        var result = Matrix<Double>(rows: 8, columns: 4, repeating: 99)
        Matrix.multiply(a, .none, b, .transposed, into: &result, m: 3)
        let expected = Self.definition(Matrix(rows: 3, columns: 5, elements: Array(a.elements[0..<15])), .none, b, .transposed,
                                       Matrix(rows: 3, columns: 4), alpha: 1, beta: 0)
        for index in 0..<12 { #expect(abs(result.elements[index] - expected.elements[index]) < 1e-12) }
        #expect(result.elements[12...].allSatisfy { $0 == 99 }, "rows past m are untouched")
    }

    @Test func transposeAndConvert() {
        let m = Matrix<Float>(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
        #expect(m.transposed().elements == [1, 4, 2, 5, 3, 6])
        #expect(m.converted(to: Double.self).elements == [1, 2, 3, 4, 5, 6])
        #expect(m[1, 2] == 6)
    }
}
