
/// A dense matrix of `rows x columns` scalars stored row-major: element (i, j) is
/// `elements[i * columns + j]`.
public struct Matrix<Scalar: MatrixScalar>: Equatable, Sendable {
    /// The number of rows; at least 0.
    public let rows: Int
    /// The number of columns; at least 0.
    public let columns: Int
    /// The `rows * columns` elements, row-major: (i, j) is at `i * columns + j`.
    public package(set) var elements: [Scalar]

    /// A matrix with every element `value`.
    // Specialized for the scalars the library uses: unspecialized, `Array(repeating:count:)` copies
    // each element through a value witness, and a 784x256 gradient took 0.5 ms to make.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix: \(rows)x\(columns)")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// A matrix holding `elements`, row-major.
    public init(rows: Int, columns: Int, elements: [Scalar]) {
        precondition(elements.count == rows * columns, "Matrix: \(elements.count) elements for \(rows)x\(columns)")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// The element in row `row` and column `column`, both counted from 0.
    /// - Precondition: `0 <= row < rows` and `0 <= column < columns`; the message gives the numbers.
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix: [\(row), \(column)] outside \(rows)x\(columns)")
            return elements[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix: [\(row), \(column)] outside \(rows)x\(columns)")
            elements[row * columns + column] = newValue
        }
    }

    /// The transpose, as a new matrix.
    public func transposed() -> Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { result[j, i] = self[i, j] }
        }
        return result
    }

    /// The same numbers in another floating-point type.
    public func converted<Other: MatrixScalar>(to _: Other.Type = Other.self) -> Matrix<Other> {
        Matrix<Other>(rows: rows, columns: columns, elements: elements.map { Other($0) })
    }
}

/// Whether op(A) is A itself or its transpose, in `Matrix.multiply`.
public enum Transpose: Sendable {
    /// op(A) = A.
    case none
    /// op(A) = Aᵀ, read from A's storage without copying it.
    case transposed
}

extension Matrix {
    /// `result = alpha · op(a) · op(b) + beta · result`, through `Scalar.gemm`.
    ///
    /// `m` (rows of op(a) and of the result used) and `k` (the shared dimension) default to the
    /// matrices' full sizes; smaller values use only the leading rows, so a workspace sized for the
    /// largest batch serves a smaller last batch too.
    /// - Precondition: the shapes agree; the message gives them.
    /// - Complexity: O(m·n·k).
    @_specialize(exported: true, where Scalar == Float)
    public static func multiply(
        _ a: Matrix, _ opA: Transpose = .none, _ b: Matrix, _ opB: Transpose = .none,
        into result: inout Matrix, m: Int? = nil, k: Int? = nil, alpha: Scalar = 1, beta: Scalar = 0, threads: Int = 1
    ) {
        let transposeA = opA == .transposed
        let transposeB = opB == .transposed
        let m = m ?? (transposeA ? a.columns : a.rows)
        let k = k ?? (transposeA ? a.rows : a.columns)
        let n = transposeB ? b.rows : b.columns
        precondition(k <= (transposeA ? a.rows : a.columns) && k <= (transposeB ? b.columns : b.rows)
                     && n == result.columns && m <= result.rows && m <= (transposeA ? a.columns : a.rows),
                     "matmul: op(\(a.rows)x\(a.columns)) * op(\(b.rows)x\(b.columns)) into \(result.rows)x\(result.columns), m \(m) k \(k)")
        a.elements.withUnsafeBufferPointer { aBuffer in
            b.elements.withUnsafeBufferPointer { bBuffer in
                result.elements.withUnsafeMutableBufferPointer { cBuffer in
                    guard m > 0, n > 0, let aBase = aBuffer.baseAddress, let bBase = bBuffer.baseAddress,
                          let cBase = cBuffer.baseAddress else { return }
                    let product = Product(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                          a: aBase, lda: a.columns, b: bBase, ldb: b.columns, beta: beta, c: cBase, ldc: result.columns)
                    product.run(threads: threads)
                }
            }
        }
    }
}

/// One C = alpha·op(A)·op(B) + beta·C, which can be cut into column blocks that threads compute
/// independently: each block of C depends on all of op(A) and its own columns of op(B) only.
private struct Product<Scalar: MatrixScalar>: @unchecked Sendable {
    // @unchecked: the pointers outlive `run`, and blocks write disjoint columns of C.
    let transposeA: Bool, transposeB: Bool
    let m: Int, n: Int, k: Int
    let alpha: Scalar
    let a: UnsafePointer<Scalar>, lda: Int
    let b: UnsafePointer<Scalar>, ldb: Int
    let beta: Scalar
    let c: UnsafeMutablePointer<Scalar>, ldc: Int

    /// Products smaller than this many multiply-adds are not worth waking a second thread for.
    static var parallelThreshold: Int { 1 << 19 }

    func run(threads: Int) {
        let blocks = m * n * k >= Self.parallelThreshold ? min(max(1, threads), max(1, n / 16)) : 1
        guard blocks > 1 else {
            Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                        a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        // Column blocks rounded to 16 so each block's tiles stay whole.
        let width = ((n + blocks - 1) / blocks + 15) / 16 * 16
        Parallel.forEach(blocks) { block in
            let first = block * width
            guard first < n else { return }
            let columns = min(width, n - first)
            let bBlock = transposeB ? b + first * ldb : b + first
            Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: columns, k: k, alpha: alpha,
                        a: a, lda: lda, b: bBlock, ldb: ldb, beta: beta, c: c + first, ldc: ldc)
        }
    }
}
