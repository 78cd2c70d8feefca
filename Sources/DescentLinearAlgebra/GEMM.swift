/// The reference matrix multiply: C = alpha · op(A) · op(B) + beta · C, straightforward loops in
/// the order that keeps the innermost loop on contiguous memory. Every faster kernel must equal
/// this one within a relative 1e-5 (see `MatrixScalar.gemm` for the shapes).
///
/// The three cases the network needs, with B the batch size:
/// - forward, A·Bᵀ: inputs (B x in) times weights (out x in) transposed;
/// - weight gradient, Aᵀ·B: deltas (B x out) transposed times inputs (B x in);
/// - backward deltas, A·B: deltas (B x out) times weights (out x in).
/// - Complexity: O(m·n·k).
@inlinable
package func naiveGEMM<Scalar: BinaryFloatingPoint>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Scalar,
    a: UnsafePointer<Scalar>, lda: Int, b: UnsafePointer<Scalar>, ldb: Int,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int
) {
    for i in 0..<m {
        let row = c + i * ldc
        if beta == 0 {
            row.update(repeating: 0, count: n)
        } else if beta != 1 {
            for j in 0..<n { row[j] *= beta }
        }
        if transposeB {
            // C[i, j] += alpha · Σp op(A)[i, p] · B[j, p]: a dot product of two rows.
            for j in 0..<n {
                let bRow = b + j * ldb
                var sum: Scalar = 0
                for p in 0..<k {
                    let aValue = transposeA ? a[p * lda + i] : a[i * lda + p]
                    sum += aValue * bRow[p]
                }
                row[j] += alpha * sum
            }
        } else {
            // C[i, :] += alpha · op(A)[i, p] · B[p, :]: one scaled row added per p.
            for p in 0..<k {
                let scale = alpha * (transposeA ? a[p * lda + i] : a[i * lda + p])
                if scale == 0 { continue }
                let bRow = b + p * ldb
                for j in 0..<n { row[j] += scale * bRow[j] }
            }
        }
    }
}
