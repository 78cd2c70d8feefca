// LinearAlgebra: row-major matrices, the one matrix-multiply seam every layer goes through, and
// the seeded random numbers every draw comes from. It knows nothing of networks or data sets.

import CDescentKernels

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

    /// Replaces each value x with max(x, 0).
    static func relu(_ values: UnsafeMutableBufferPointer<Self>)

    /// Sets delta[i] to 0 where outputs[i] (a ReLU's output) is not positive: its backward step.
    static func reluBackward(_ delta: UnsafeMutableBufferPointer<Self>, outputs: UnsafeBufferPointer<Self>)

    /// The backward step of a ReLU layer under dropout, whose outputs were multiplied by `mask`:
    /// delta[i] = 0 where mask[i] is 0, else delta[i] · mask[i] · (outputs[i] / mask[i] > 0 ? 1 : 0).
    static func droppedOutReluBackward(_ delta: UnsafeMutableBufferPointer<Self>, outputs: UnsafeBufferPointer<Self>,
                                       mask: UnsafeBufferPointer<Self>)

    /// Dropout masks drawn from a SplitMix64 stream at `state`: draw k (from 1), `SplitMix64.mixed(state
    /// + k · increment)`, serves entries 2k − 2 (its high 32 bits) and 2k − 1 (its low 32 bits); an
    /// entry is `kept` where its bits are below `threshold`, else 0. `state` ends one increment a draw further.
    static func dropoutMasks(_ mask: UnsafeMutableBufferPointer<Self>, state: inout UInt64, threshold: UInt64, kept: Self)

    /// One Adam step over parallel buffers (Kingma & Ba 2015): g' = g + decay·w,
    /// m ← β1·m + (1−β1)·g', v ← β2·v + (1−β2)·g'², w ← w − rate·m / (√v / root2 + ε).
    static func adamStep(
        weights: UnsafeMutableBufferPointer<Self>, gradients: UnsafeBufferPointer<Self>,
        first: UnsafeMutableBufferPointer<Self>, second: UnsafeMutableBufferPointer<Self>,
        beta1: Self, beta2: Self, epsilon: Self, rate: Self, root2: Self, decay: Self)

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
    /// The portable loop: 1 / (1 + e^-x) for each value, through `exp`.
    public static func sigmoid(_ values: UnsafeMutableBufferPointer<Self>) {
        for index in values.indices { values[index] = 1 / (1 + exp(-values[index])) }
    }

    /// The portable loop: max(x, 0) for each value.
    public static func relu(_ values: UnsafeMutableBufferPointer<Self>) {
        for index in values.indices { values[index] = max(values[index], 0) }
    }

    /// The portable loop: delta[i] = 0 wherever outputs[i] is not positive (NaN included).
    public static func reluBackward(_ delta: UnsafeMutableBufferPointer<Self>, outputs: UnsafeBufferPointer<Self>) {
        for index in delta.indices where !(outputs[index] > 0) { delta[index] = 0 }
    }

    /// The portable loop.
    public static func droppedOutReluBackward(_ delta: UnsafeMutableBufferPointer<Self>, outputs: UnsafeBufferPointer<Self>,
                                              mask: UnsafeBufferPointer<Self>) {
        precondition(outputs.count >= delta.count && mask.count >= delta.count,
                     "droppedOutReluBackward: \(outputs.count) outputs and \(mask.count) mask entries for \(delta.count) deltas")
        for index in delta.indices {
            let m = mask[index]
            delta[index] = m == 0 ? 0 : delta[index] * m * (outputs[index] / m > 0 ? 1 : 0)
        }
    }

    /// The portable loop.
    public static func dropoutMasks(_ mask: UnsafeMutableBufferPointer<Self>, state: inout UInt64, threshold: UInt64, kept: Self) {
        let base = state
        for pair in 0..<(mask.count / 2) {
            let bits = SplitMix64.mixed(base &+ UInt64(pair + 1) &* SplitMix64.increment)
            mask[2 * pair] = bits >> 32 < threshold ? kept : 0
            mask[2 * pair + 1] = bits & 0xFFFF_FFFF < threshold ? kept : 0
        }
        if mask.count % 2 == 1 {
            let bits = SplitMix64.mixed(base &+ UInt64(mask.count / 2 + 1) &* SplitMix64.increment)
            mask[mask.count - 1] = bits >> 32 < threshold ? kept : 0
        }
        state = base &+ UInt64((mask.count + 1) / 2) &* SplitMix64.increment
    }

    /// The portable loop, one element at a time, in the order the protocol's formula is written.
    public static func adamStep(
        weights w: UnsafeMutableBufferPointer<Self>, gradients g: UnsafeBufferPointer<Self>,
        first m: UnsafeMutableBufferPointer<Self>, second v: UnsafeMutableBufferPointer<Self>,
        beta1: Self, beta2: Self, epsilon: Self, rate: Self, root2: Self, decay: Self
    ) {
        for index in w.indices {
            let gradient = g[index] + decay * w[index]
            m[index] = beta1 * m[index] + (1 - beta1) * gradient
            v[index] = beta2 * v[index] + (1 - beta2) * gradient * gradient
            w[index] -= rate * m[index] / (v[index].squareRoot() / root2 + epsilon)
        }
    }

    /// `naiveGEMM`, the reference triple loop that every faster kernel is tested against.
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
    /// e^x, by the C library's `expf`.
    public static func exp(_ x: Float) -> Float { expf(x) }
    /// The natural logarithm, by the C library's `logf`.
    public static func log(_ x: Float) -> Float { logf(x) }
    /// The hyperbolic tangent, by the C library's `tanhf`.
    public static func tanh(_ x: Float) -> Float { tanhf(x) }

    /// The C kernels of CDescentKernels: AVX-512, AVX2/FMA or NEON where the CPU has them, else a portable loop.
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        descent_sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// Vectorised in C (AVX-512, AVX2 or NEON where available).
    public static func sigmoid(_ values: UnsafeMutableBufferPointer<Float>) {
        if let base = values.baseAddress { descent_sigmoid(base, values.count) }
    }

    /// In C: AVX-512 or NEON where available, else a loop the compiler vectorises.
    public static func relu(_ values: UnsafeMutableBufferPointer<Float>) {
        if let base = values.baseAddress { descent_relu(base, values.count) }
    }

    /// In C: AVX-512 or NEON where available, else a loop the compiler vectorises.
    public static func reluBackward(_ delta: UnsafeMutableBufferPointer<Float>, outputs: UnsafeBufferPointer<Float>) {
        precondition(outputs.count >= delta.count, "reluBackward: \(outputs.count) outputs for \(delta.count) deltas")
        if let d = delta.baseAddress, let a = outputs.baseAddress { descent_relu_backward(d, a, delta.count) }
    }

    /// In C, without a branch on the mask.
    public static func droppedOutReluBackward(_ delta: UnsafeMutableBufferPointer<Float>, outputs: UnsafeBufferPointer<Float>,
                                              mask: UnsafeBufferPointer<Float>) {
        precondition(outputs.count >= delta.count && mask.count >= delta.count,
                     "droppedOutReluBackward: \(outputs.count) outputs and \(mask.count) mask entries for \(delta.count) deltas")
        if let d = delta.baseAddress, let a = outputs.baseAddress, let m = mask.baseAddress {
            descent_dropout_relu_backward(d, a, m, delta.count)
        }
    }

    /// In C, without a branch on the draws.
    public static func dropoutMasks(_ mask: UnsafeMutableBufferPointer<Float>, state: inout UInt64, threshold: UInt64, kept: Float) {
        if let base = mask.baseAddress { descent_dropout_masks(&state, mask.count, threshold, kept, base) }
    }

    /// Vectorised in C (AVX-512, AVX2 or NEON where available).
    public static func adamStep(
        weights: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
        first: UnsafeMutableBufferPointer<Float>, second: UnsafeMutableBufferPointer<Float>,
        beta1: Float, beta2: Float, epsilon: Float, rate: Float, root2: Float, decay: Float
    ) {
        guard let w = weights.baseAddress, let g = gradients.baseAddress, let m = first.baseAddress, let v = second.baseAddress else { return }
        descent_adam(weights.count, w, g, m, v, beta1, beta2, epsilon, rate, root2, decay)
    }

    /// Which kernel family `gemm` runs on this CPU: "avx512", "avx2-fma", "neon" or "portable".
    public static var gemmKernelName: String { String(cString: descent_sgemm_kernel_name()) }
}

extension Double: MatrixScalar {
    /// e^x, by the C library's `exp`.
    public static func exp(_ x: Double) -> Double { libmExp(x) }
    /// The natural logarithm, by the C library's `log`.
    public static func log(_ x: Double) -> Double { libmLog(x) }
    /// The hyperbolic tangent, by the C library's `tanh`.
    public static func tanh(_ x: Double) -> Double { libmTanh(x) }
}

// The C library's functions (Glibc, Musl or Darwin, imported above) under names of their own:
// inside `Double.exp` a plain `exp` would be the method itself. At file scope it is libm's.
private func libmExp(_ x: Double) -> Double { exp(x) }
private func libmLog(_ x: Double) -> Double { log(x) }
private func libmTanh(_ x: Double) -> Double { tanh(x) }
