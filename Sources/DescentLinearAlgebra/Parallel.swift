import CDescentKernels

// Hand-written rather than Dispatch: `DispatchQueue.concurrentPerform` woke a thread for each
// product, and on this 2-core machine the wake-up cost about as much as the 50-500 µs of work, so a
// second thread barely helped (0.65 s an epoch on two threads against 0.62 on one; see parallel.c).

/// Work split across threads for the training loop's products: a pool of worker threads (in
/// CDescentKernels' parallel.c) that stay awake for a millisecond or two between runs, because a
/// batch's products come microseconds apart and take only 50-500 µs each.
package enum Parallel {
    /// Calls `body(i)` for each i in `0..<count`, `body(0)` on this thread and the others on the
    /// pool, and returns when all have finished. Runs one at a time: a second caller waits. Each
    /// worker runs in this thread's floating-point mode (see `SubnormalFlushing`). Where the run has
    /// more threads than the process may use (`availableProcessors`), no thread spins while it waits.
    /// - Precondition: `body` does not itself call `forEach` (it would wait for itself): such a call
    ///   stops the program with a message, rather than hanging it.
    package static func forEach(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var task = body
            let started = withUnsafeMutablePointer(to: &task) { pointer in
                descent_parallel_run(count, { context, index in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(index)
                }, pointer)
            }
            precondition(started >= 0, "Parallel.forEach(\(count)) called from inside a Parallel.forEach body: it would wait for itself")
        }
    }

    /// The CPUs this process may use: its affinity mask (`taskset`), capped by its cgroup's CPU
    /// quota (a container's `--cpus`), rounded up; at least 1. The default thread count of a run.
    package static var availableProcessors: Int { descent_available_cpus() }
}
