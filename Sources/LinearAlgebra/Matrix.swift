/// A dense matrix of `rows x columns` scalars stored row-major: element (i, j) is
/// `elements[i * columns + j]`.
public struct Matrix<Scalar: MatrixScalar>: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public var elements: [Scalar]

    /// A matrix with every element `value`.
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

    public subscript(row: Int, column: Int) -> Scalar {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
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
    case none
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
    public static func multiply(
        _ a: Matrix, _ opA: Transpose = .none, _ b: Matrix, _ opB: Transpose = .none,
        into result: inout Matrix, m: Int? = nil, k: Int? = nil, alpha: Scalar = 1, beta: Scalar = 0
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
                    Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                a: aBase, lda: a.columns, b: bBase, ldb: b.columns,
                                beta: beta, c: cBase, ldc: result.columns)
                }
            }
        }
    }
}
