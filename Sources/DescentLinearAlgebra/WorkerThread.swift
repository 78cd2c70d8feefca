import Foundation

/// A thread of the library's own, for work done beside the caller's: an epoch's validation while the
/// next epoch trains, the next batch's distortions, the hash of a run's data. Jobs run one after
/// another, in the order given, with subnormals flushed (`SubnormalFlushing`).
///
/// Not a Dispatch queue: where the caller itself runs on Dispatch's pool (Swift's async `main`
/// does) and the process may use one CPU, the pool has no second thread to give, and Dispatch adds
/// one only after about a second. A job handed to it and then waited for stalled the video's
/// training, pinned to one core with `--threads 2`, by 0.85 s.
package final class WorkerThread: Sendable {
    private let state = WorkerState()

    /// Starts the thread, named `name` (as a debugger or `top -H` shows it).
    package init(name: String) {
        let state = self.state
        let thread = Thread { state.loop() }
        thread.name = name
        thread.start()
    }

    /// The thread finishes the jobs already given, then ends.
    deinit { state.stop() }

    /// Runs `job` on the thread after the jobs given before it.
    package func submit(_ job: @escaping @Sendable () -> Void) { state.submit(job) }
}

private final class WorkerState: @unchecked Sendable {
    // `jobs` and `stopping` are read and written only with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopping = false

    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            SubnormalFlushing.flushed(job)
        }
    }
}
