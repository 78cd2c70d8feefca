import CDescentKernels

/// The instruction-set families of the float32 kernels behind `gemm`, the activations, Adam and
/// the sparse first layer (CDescentKernels). The best family the CPU runs is chosen at first use;
/// `use(_:)` picks another, for a benchmark or a test that compares two on one machine.
///
/// Same inputs, same family, same threads: same result, bit for bit. Two families sum in different
/// orders, so a model trained with one may differ from the same run with another in the last bits.
package enum KernelFamily: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// Plain C loops that the compiler vectorises for the baseline instruction set.
    case portable = 0
    /// AArch64's Advanced SIMD (Apple Silicon, Graviton).
    case neon = 1
    /// x86-64 with AVX2 and FMA (Haswell, Zen).
    case avx2 = 2
    /// x86-64 with AVX-512 F, BW, VL and DQ (Skylake-SP and later Xeons, Zen 4).
    case avx512 = 3

    private var family: descent_kernel_family { descent_kernel_family(rawValue: UInt32(rawValue)) }

    /// The name `descent bench` prints and `--kernel` takes: "portable", "neon", "avx2-fma" or "avx512".
    package var description: String { String(cString: descent_kernels_name(family)) }

    /// The family named `name` ("avx2" is accepted for "avx2-fma"), or nil.
    package init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.description == name || ($0 == .avx2 && name == "avx2") }) else {
            return nil
        }
        self = match
    }

    /// Whether this build and this CPU can run the family.
    package var isSupported: Bool { descent_kernels_supported(family) }

    /// The fastest family this CPU runs.
    package static var best: KernelFamily { KernelFamily(rawValue: Int(descent_kernels_best().rawValue)) ?? .portable }

    /// The family in use.
    package static var current: KernelFamily { KernelFamily(rawValue: Int(descent_kernels_current().rawValue)) ?? .portable }

    /// Uses `family` for every kernel from now on; false, and no change, where it is not supported.
    /// Call it between runs, never while another thread computes.
    @discardableResult
    package static func use(_ family: KernelFamily) -> Bool { descent_kernels_use(family.family) }

    /// Runs `body` with `family` on this thread only (and in the pool's workers while they run its
    /// tasks), then goes back to the process's family: for tests that compare families while other
    /// tests compute.
    /// - Precondition: `family.isSupported`.
    package static func on<Result>(_ family: KernelFamily, _ body: () throws -> Result) rethrows -> Result {
        precondition(descent_kernels_use_on_thread(Int32(family.rawValue)), "KernelFamily.on(\(family)): not supported here")
        defer { descent_kernels_use_on_thread(-1) }
        return try body()
    }
}
