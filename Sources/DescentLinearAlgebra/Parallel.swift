import CDescentKernels

// Hand-written rather than Dispatch: `DispatchQueue.concurrentPerform` woke a thread for each
// product, and on this 2-core machine the wake-up cost about as much as the 50-500 µs of work, so a
// second thread barely helped (0.65 s an epoch on two threads against 0.62 on one; see parallel.c).

/// Work split across threads for the training loop's products: a pool of worker threads (in
/// CDescentKernels' parallel.c) that stay awake for a millisecond or two between runs, because a
/// batch's products come microseconds apart and take only 50-500 µs each.
public enum Parallel {
    /// Calls `body(i)` for each i in `0..<count`, `body(0)` on this thread and the others on the
    /// pool, and returns when all have finished. Runs one at a time: a second caller waits.
    /// - Precondition: `body` does not itself call `forEach` (it would wait for itself).
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var task = body
            withUnsafeMutablePointer(to: &task) { pointer in
                _ = descent_parallel_run(count, { context, index in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(index)
                }, pointer)
            }
        }
    }
}
