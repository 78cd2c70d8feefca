import CDescentKernels

/// Flush-to-zero for the threads that compute: subnormal floats (below 1.2e-38) read and written
/// as zero. As a sigmoid network trains, gradients and their products fall into that range, and on
/// Intel cores each operation on one takes a microcode assist of a hundred cycles or more: the
/// video's 30 epochs ran three times slower by the last epoch. Flushed, every epoch takes the same
/// time. JAX/XLA and TensorFlow flush on their compute threads for the same reason; the difference
/// to a result is below float32's smallest normal number.
///
/// On x86-64 this sets MXCSR's FTZ and DAZ bits, on arm64 FPCR's FZ bit; elsewhere nothing.
/// Training and evaluation set it on the thread that calls them and restore the caller's mode when
/// they return; the worker pool (`Parallel`) runs every task in its caller's mode, and the library's
/// own worker threads (`WorkerThread`: validation ahead, distortions) flush for every job.
package enum SubnormalFlushing {
    /// Whether this thread flushes subnormals now.
    package static var isOn: Bool { descent_fp_mode_flushes(descent_fp_mode()) }

    /// Whether this architecture has a flush-to-zero mode to set.
    package static var isAvailable: Bool { descent_fp_can_flush() }

    /// Runs `body` with subnormals flushed on this thread, then restores the mode it found.
    @inlinable
    package static func flushed<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        let saved = mode()
        setMode(flushing(saved))
        defer { setMode(saved) }
        return try body()
    }

    /// Flushes subnormals on this thread from now on and returns the mode to give `restore(_:)`,
    /// for a function that flushes from here to its end (`defer { restore(saved) }`).
    package static func enter() -> UInt {
        let saved = mode()
        setMode(flushing(saved))
        return saved
    }

    /// Puts back the mode `enter()` returned.
    package static func restore(_ saved: UInt) { setMode(saved) }

    @usableFromInline static func mode() -> UInt { UInt(descent_fp_mode()) }
    @usableFromInline static func setMode(_ mode: UInt) { descent_fp_set_mode(mode) }
    @usableFromInline static func flushing(_ mode: UInt) -> UInt { UInt(descent_fp_mode_flushing(mode)) }
}
