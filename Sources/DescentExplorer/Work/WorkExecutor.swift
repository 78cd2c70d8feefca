import DescentLinearAlgebra
import Foundation
import Hummingbird

/// The explorer's one place for heavy work: evaluations of the test set, a lesson's copies, probes and
/// dreams, the cost of every test image, the mixing of a fine-tuning's images, the decoding of large
/// pictures. Its threads are its own, outside Swift's cooperative pool (as many threads as cores, which
/// predictions, gradients and steps need), and run at a lower priority (`nice`), so that on two busy
/// cores a class's light requests come first. Its queue is bounded: past `queueLimit` jobs waiting, a
/// job is refused at once with a 429 and a `Retry-After`, never piled up.
///
/// Every job runs with subnormals flushed, as `descent evaluate` computes (`SubnormalFlushing`).
public final class WorkExecutor: Sendable {
    /// Threads, waiting jobs and nice value for a server on this machine: one thread a CPU, at most 4;
    /// 64 jobs waiting; nice 10.
    public static func standard() -> WorkExecutor {
        WorkExecutor(threads: min(4, max(1, ProcessInfo.processInfo.activeProcessorCount)), queueLimit: 64, nice: 10)
    }

    /// How many threads run jobs.
    public let threads: Int
    /// The most jobs that may wait while every thread is busy.
    public let queueLimit: Int
    /// The threads' nice value (Linux keeps one per thread): 10 gives a busy core's requests about nine
    /// tenths of it.
    public let nice: Int32
    /// How long a refused client is told to wait before it tries again, in seconds.
    public static let retryAfterSeconds = 2
    private let state: ExecutorState

    /// An executor of `threads` threads at nice `nice`, with at most `queueLimit` jobs waiting.
    /// The threads start at once and end when the executor is released.
    public init(threads: Int, queueLimit: Int, nice: Int32) {
        precondition(threads >= 1 && queueLimit >= 0, "WorkExecutor: \(threads) threads, queue of \(queueLimit)")
        (self.threads, self.queueLimit, self.nice) = (threads, queueLimit, nice)
        state = ExecutorState(threads: threads, queueLimit: queueLimit)
        for index in 0..<threads {
            let state = state
            let thread = Thread {
                #if os(Linux)
                // who 0: the calling thread alone.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
                #endif
                state.loop()
            }
            thread.name = "descent-work-\(index)"
            thread.start()
        }
    }

    /// The threads finish the jobs already queued, then end.
    deinit { state.stop() }

    /// Jobs waiting, and jobs running, now.
    public var load: (waiting: Int, running: Int) { state.load }

    /// How many jobs were refused since the start because the queue was full.
    public var refused: Int { state.refusedCount }

    /// Runs `work` on one of the executor's threads, with subnormals flushed, and returns its result.
    /// - Throws: `APIError` (429) at once when `queueLimit` jobs already wait; what `work` throws.
    public func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            do {
                try submit { continuation.resume(with: Swift.Result { try work() }) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Queues `job` to run on one of the executor's threads, with subnormals flushed, and returns at once.
    /// - Throws: `APIError` (429) when `queueLimit` jobs already wait; then `job` never runs.
    public func submit(_ job: @escaping @Sendable () -> Void) throws(APIError) {
        guard state.submit({ SubnormalFlushing.flushed(job) }) else { throw Self.busy(queueLimit: queueLimit) }
    }

    /// The 429 for a full queue, with its `Retry-After`.
    static func busy(queueLimit: Int) -> APIError {
        APIError(.tooManyRequests, "the server's heavy work is \(queueLimit) jobs behind; try again in \(retryAfterSeconds) s",
                 retryAfter: retryAfterSeconds)
    }
}

/// The queue and its lock, shared by the executor and its threads.
private final class ExecutorState: @unchecked Sendable {
    // Everything below is read and written only with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var running = 0
    private var refused = 0
    private var stopping = false
    let threads: Int
    let queueLimit: Int

    init(threads: Int, queueLimit: Int) { (self.threads, self.queueLimit) = (threads, queueLimit) }

    var load: (waiting: Int, running: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (jobs.count - head, running)
    }

    var refusedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return refused
    }

    /// Queues `job`, or returns false when every thread is busy and `queueLimit` jobs wait already.
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let idle = max(0, threads - running - (jobs.count - head))
        guard idle > 0 || jobs.count - head < queueLimit + max(0, threads - running) else {
            refused += 1
            return false
        }
        jobs.append(job)
        condition.signal()
        return true
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    func loop() {
        while true {
            condition.lock()
            while head == jobs.count && !stopping { condition.wait() }
            if head == jobs.count {
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head > 64 && head * 2 > jobs.count {  // drop what has been taken, now and then
                jobs.removeFirst(head)
                head = 0
            }
            running += 1
            condition.unlock()
            job()
            condition.lock()
            running -= 1
            condition.unlock()
        }
    }
}
