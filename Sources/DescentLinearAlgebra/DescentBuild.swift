import CDescentKernels
import Foundation
import Synchronization

/// How this copy of Descent was built: whether its kernels were compiled with optimisation.
///
/// SwiftPM's debug configuration (`swift build`, `swift run`, `swift test`, Xcode's Debug scheme)
/// compiles the C kernels without optimisation, and training then runs many times slower: the
/// video's network trains for 3 epochs in a few seconds instead of a fraction of one. Release mode
/// (`swift run -c release`, `swift build -c release`, Xcode's Release configuration) optimises
/// them.
///
/// The library never prints, with one exception: the first training run of a process whose kernels
/// are not optimised writes ``unoptimizedWarning`` to standard error, once. An app that shows
/// ``isOptimized`` itself, or that is slow on purpose, calls ``silenceUnoptimizedWarning()`` first.
public enum DescentBuild {
    /// Whether the kernels (matrix products, activations, Adam, the sparse first layer) were compiled
    /// with optimisation: true in release mode, false in SwiftPM's and Xcode's debug configuration.
    public static let isOptimized = descent_kernels_optimized()

    /// The line the first training run writes to standard error when ``isOptimized`` is false.
    public static let unoptimizedWarning =
        "Descent: this is a debug build, whose kernels are not optimised: training runs many times slower. "
        + "Build in release mode: swift run -c release (or swift build -c release; in Xcode, the Release configuration)."

    /// Whether the warning has been written or silenced (once per process).
    private static let warned = Atomic<Bool>(false)

    /// Keeps the first training run from writing ``unoptimizedWarning``: for an app that tells its
    /// user itself (from ``isOptimized``), or a test that runs in debug on purpose.
    public static func silenceUnoptimizedWarning() {
        warned.store(true, ordering: .relaxed)
    }

    /// ``unoptimizedWarning`` the first time it is asked for in an unoptimised build, nil every
    /// other time, and always nil in an optimised one or once silenced.
    package static func takeUnoptimizedWarning() -> String? {
        guard !isOptimized else { return nil }
        let alreadyWarned = warned.exchange(true, ordering: .relaxed)
        return alreadyWarned ? nil : unoptimizedWarning
    }

    /// Writes ``unoptimizedWarning`` to standard error if this is the first call of an unoptimised
    /// build: the one place the library prints. Every training run calls it as it starts.
    package static func warnIfUnoptimized() {
        guard let warning = takeUnoptimizedWarning() else { return }
        FileHandle.standardError.write(Data((warning + "\n").utf8))
    }
}
