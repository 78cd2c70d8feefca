import DescentExplorer
import DescentLinearAlgebra
import Foundation
import Testing

@Suite("The executor for heavy work: bounded, lower priority, flushed")
struct WorkExecutorTests {
    @Test("jobs run and return their results; a job's error comes back to its caller")
    func runsJobs() async throws {
        let executor = WorkExecutor(threads: 2, queueLimit: 8, nice: 10)
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for value in 0..<8 { group.addTask { try await executor.run { value * value } } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == (0..<8).map { $0 * $0 })
        struct Failure: Error {}
        await #expect(throws: Failure.self) { try await executor.run { throw Failure() } }
    }

    @Test("past its queue's bound a job is refused at once with a 429 and Retry-After, and never runs")
    func boundedQueue() async throws {
        let executor = WorkExecutor(threads: 1, queueLimit: 2, nice: 10)
        let gate = Gate()
        let ran = Counter()
        // One runs (held at the gate), two wait: the queue is full.
        var accepted: [Task<Void, any Error>] = []
        for _ in 0..<3 {
            accepted.append(Task { try await executor.run { gate.wait(); ran.add() } })
        }
        for _ in 0..<1000 where executor.load != (waiting: 2, running: 1) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(executor.load.running == 1 && executor.load.waiting == 2, "\(executor.load)")
        do {
            try await executor.run { ran.add() }
            Issue.record("a fourth job was accepted")
        } catch let error as APIError {
            #expect(error.status == .tooManyRequests)
            #expect(error.retryAfter == WorkExecutor.retryAfterSeconds)
        }
        #expect(executor.refused == 1)
        gate.open()
        for task in accepted { try await task.value }
        #expect(ran.value == 3)
    }

    @Test("jobs run at the executor's nice value and with subnormals flushed",
          .enabled(if: SubnormalFlushing.isAvailable, "not run: this architecture has no flush-to-zero mode"))
    func priorityAndFlushing() async throws {
        let executor = WorkExecutor(threads: 1, queueLimit: 1, nice: 10)
        let (nice, flushed) = try await executor.run { () -> (Int32, Bool) in
            #if os(Linux)
            errno = 0
            let value = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            #else
            let value: Int32 = 10
            #endif
            return (value, SubnormalFlushing.isOn)
        }
        #expect(nice == 10)
        #expect(flushed)
    }
}

/// A door that jobs wait at until a test opens it.
final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false

    func wait() {
        condition.lock()
        while !isOpen { condition.wait() }
        condition.unlock()
    }

    func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}
