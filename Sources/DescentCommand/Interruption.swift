import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set by the SIGINT handler; an atomic store is all a signal handler may safely do.
private let interruptRequested = Atomic<Bool>(false)

/// Ctrl-C while training: instead of dying, the run finishes its mini-batch and is saved. Created
/// just before training starts; `finish()` puts the default handler back, so Ctrl-C during the
/// final save (or a second one after training stops) ends the process as usual.
struct Interruption: Sendable {
    init() {
        interruptRequested.store(false, ordering: .relaxed)
        signal(SIGINT) { _ in interruptRequested.store(true, ordering: .relaxed) }
    }

    var isRequested: Bool { interruptRequested.load(ordering: .relaxed) }

    func finish() {
        signal(SIGINT, SIG_DFL)
    }
}
