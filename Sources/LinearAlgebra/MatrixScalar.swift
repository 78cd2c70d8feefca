// LinearAlgebra: row-major matrices, the one matrix-multiply seam every layer goes through, and
// the seeded random numbers every draw comes from. It knows nothing of networks or data sets.

import CKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A floating-point type the network can compute in: `Float` for training, `Double` for checking
/// gradients against finite differences.
///
/// `gemm` is the seam where fast kernels plug in: generic code calls `Scalar.gemm`, which is
/// `naiveGEMM` unless a conforming type supplies a faster one.
public protocol MatrixScalar: BinaryFloatingPoint, Sendable, Codable where Self.RawSignificand: FixedWidthInteger {
    /// e^x.
    static func exp(_ x: Self) -> Self
    /// The natural logarithm.
    static func log(_ x: Self) -> Self
    /// The hyperbolic tangent.
    static func tanh(_ x: Self) -> Self

    /// Replaces each value x with the logistic function 1 / (1 + e^-x).
    static func sigmoid(_ values: UnsafeMutableBufferPointer<Self>)

    /// C = alpha · op(A) · op(B) + beta · C, where op(A) is m x k and op(B) is k x n, all row-major.
    ///
    /// A is m x k with row stride `lda`, or k x m if `transposeA`; B is k x n with row stride `ldb`,
    /// or n x k if `transposeB`; C is m x n with row stride `ldc`. With beta = 0, C is not read.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

extension MatrixScalar {
    public static func sigmoid(_ values: UnsafeMutableBufferPointer<Self>) {
        for index in values.indices { values[index] = 1 / (1 + exp(-values[index])) }
    }

    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
    ) {
        naiveGEMM(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                  a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

extension Float: MatrixScalar {
    public static func exp(_ x: Float) -> Float { expf(x) }
    public static func log(_ x: Float) -> Float { logf(x) }
    public static func tanh(_ x: Float) -> Float { tanhf(x) }

    /// The C kernels of CKernels: AVX2/FMA where the CPU has them, else a portable loop.
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        descent_sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// Vectorised in C where AVX2 is available.
    public static func sigmoid(_ values: UnsafeMutableBufferPointer<Float>) {
        if let base = values.baseAddress { descent_sigmoid(base, values.count) }
    }

    /// Which kernel `gemm` runs on this CPU: "avx2-fma" or "portable".
    public static var gemmKernelName: String { String(cString: descent_sgemm_kernel_name()) }
}

extension Double: MatrixScalar {
    public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    public static func log(_ x: Double) -> Double { Glibc.log(x) }
    public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
}
