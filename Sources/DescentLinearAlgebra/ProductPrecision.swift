import CDescentKernels

/// The arithmetic of the dense matrix products (`gemm`) in training.
///
/// - `float32`: every product in float32, with fused multiply-adds. The same inputs on the same
///   kernel family and threads give the same model, bit for bit.
/// - `bfloat16`: mixed precision. Each product rounds its two operands to bfloat16 (to nearest, ties
///   to even), multiplies those exactly and sums in float32; the weights, the optimiser's state
///   and everything else stay float32. Where the CPU has bfloat16 dot products (AVX512_BF16,
///   AMX-BF16, Arm's BF16) the products run up to twice as fast; elsewhere they are computed the
///   same way with float32 arithmetic, slower than `float32`.
public enum ProductPrecision: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// Every product in float32.
    case float32
    /// Operands rounded to bfloat16, sums in float32.
    case bfloat16 = "bf16"

    /// The name `--precision` takes and model metadata records: "float32" or "bf16".
    public var description: String { rawValue }

    /// Whether this CPU multiplies bfloat16 in hardware (AVX512_BF16, AMX-BF16 or Arm's BF16), so
    /// that `bfloat16` is faster than `float32` here.
    public static var hasFastBFloat16: Bool { descent_bf16_best() != DESCENT_BF16_PORTABLE }

    /// The name of the bfloat16 kernels in use: "avx512-bf16", "amx-bf16", "neon-bf16" or "portable-bf16".
    public static var bfloat16KernelName: String { String(cString: descent_bf16_name(descent_bf16_current())) }

    /// The precision of this thread's products now.
    package static var current: ProductPrecision { descent_products_bf16_on_thread() ? .bfloat16 : .float32 }

    /// Runs `body` with this thread's products (and the worker pool's, while they run its tasks) in
    /// `precision`, then restores the precision it found.
    package static func with<Result, Failure: Error>(
        _ precision: ProductPrecision, _ body: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let saved = descent_products_bf16_on_thread()
        descent_products_use_bf16_on_thread(precision == .bfloat16)
        defer { descent_products_use_bf16_on_thread(saved) }
        return try body()
    }
}
