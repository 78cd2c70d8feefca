import CDescentKernels
import DescentLinearAlgebra
import Dispatch
import Foundation
import Testing

@Suite("The worker pool behind threaded products")
struct ParallelTests {
    @Test("every index runs exactly once, run after run", arguments: [0, 1, 2, 3, 4])
    func everyIndexOnce(count: Int) {
        let runs = 300
        let slots = UnsafeMutablePointer<Int>.allocate(capacity: max(1, count))
        slots.initialize(repeating: 0, count: max(1, count))
        defer { slots.deallocate() }
        for _ in 0..<runs {
            // Each index writes only its own slot, so the writes do not race.
            Parallel.forEach(count) { index in slots[index] += 1 }
        }
        #expect((0..<count).allSatisfy { slots[$0] == runs })
    }

    @Test("with more threads than CPUs the pool sleeps instead of spinning; with a CPU each it spins")
    func sleepsWhenOversubscribed() async throws {
        // A CPU each: after a run, an idle worker spins a while before it sleeps (where there are 2 CPUs).
        descent_parallel_assume_cpus(2)
        Parallel.forEach(2) { _ in }
        if descent_parallel_workers() == 1 {
            let before = descent_parallel_spins()
            Parallel.forEach(2) { _ in }
            try await Task.sleep(for: .milliseconds(50))
            #expect(descent_parallel_spins() > before, "the control: a worker with a CPU of its own spins")
        }
        // The pool grows to 3 workers for 4 CPUs, then has 2 CPUs: every thread must sleep at once.
        descent_parallel_assume_cpus(4)
        Parallel.forEach(4) { _ in }
        #expect(descent_parallel_workers() >= 3)
        descent_parallel_assume_cpus(2)
        Parallel.forEach(2) { _ in }  // its workers wait in the mode of this run: no spinning
        try await Task.sleep(for: .milliseconds(20))
        let before = descent_parallel_spins()
        for _ in 0..<200 { Parallel.forEach(2) { _ in } }
        try await Task.sleep(for: .milliseconds(50))
        #expect(descent_parallel_spins() == before, "threads spun with more of them than CPUs")
        descent_parallel_assume_cpus(0)
    }

    @Test("a product split across threads equals the one-thread product exactly")
    func threadedProductIsExact() {
        var generator = SplitMix64(seed: 4)
        var a = Matrix<Float>(rows: 128, columns: 300), b = Matrix<Float>(rows: 256, columns: 300)
        for index in a.elements.indices { a.elements[index] = Float(generator.uniformDouble() - 0.5) }
        for index in b.elements.indices { b.elements[index] = Float(generator.uniformDouble() - 0.5) }
        var one = Matrix<Float>(rows: 128, columns: 256), two = one, three = one
        Matrix.multiply(a, .none, b, .transposed, into: &one, threads: 1)
        Matrix.multiply(a, .none, b, .transposed, into: &two, threads: 2)
        Matrix.multiply(a, .none, b, .transposed, into: &three, threads: 3)
        #expect(one == two)
        #expect(one == three)
    }

    @Test("every worker runs in the caller's floating-point mode: flushed inside SubnormalFlushing.flushed, not after",
          .enabled(if: SubnormalFlushing.isAvailable, "not run: this architecture has no flush-to-zero mode"))
    func workersFollowTheCallersMode() {
        let count = 4
        let seen = UnsafeMutablePointer<Bool>.allocate(capacity: count)
        seen.initialize(repeating: false, count: count)
        defer { seen.deallocate() }
        #expect(!SubnormalFlushing.isOn)
        SubnormalFlushing.flushed {
            Parallel.forEach(count) { index in seen[index] = SubnormalFlushing.isOn && Self.flushesToZero(1e-39) }
        }
        #expect((0..<count).allSatisfy { seen[$0] })
        #expect(!SubnormalFlushing.isOn)
        Parallel.forEach(count) { index in seen[index] = SubnormalFlushing.isOn || Self.flushesToZero(1e-39) }
        #expect((0..<count).allSatisfy { !seen[$0] })
    }

    @Test("the library's worker threads run every job flushed, in order, and finish their jobs before they end",
          .enabled(if: SubnormalFlushing.isAvailable, "not run: this architecture has no flush-to-zero mode"))
    func workerThreadsFlush() {
        let seen = Seen()
        let group = DispatchGroup()
        do {
            let worker = WorkerThread(name: "test")
            for index in 0..<2 {
                group.enter()
                worker.submit {
                    seen.set(index, SubnormalFlushing.isOn && Self.flushesToZero(1e-39) && (index == 0 || seen.values[0]))
                    group.leave()
                }
            }
        }  // the worker is released here, its jobs perhaps not yet run
        #expect(group.wait(timeout: .now() + 10) == .success)
        #expect(seen.values == [true, true])
        #expect(!SubnormalFlushing.isOn)
    }

    @Test("a forEach called from inside a forEach body stops with a message rather than hanging")
    func nestedCallIsRefused() async {
        await #expect(processExitsWith: .failure) {
            Parallel.forEach(2) { _ in Parallel.forEach(2) { _ in } }
        }
    }

    @Test("the default thread count is the CPUs this process may use, at least one, at most the machine's")
    func availableProcessors() {
        let available = Parallel.availableProcessors
        #expect(available >= 1)
        #expect(available <= ProcessInfo.processInfo.processorCount)
    }

    /// Whether `x` times one comes out as zero: a subnormal does where subnormals are flushed.
    @inline(never)
    static func flushesToZero(_ x: Float) -> Bool { x * one == 0 }
    nonisolated(unsafe) static var one: Float = 1
}

/// Values set from another thread and read after it is done.
private final class Seen: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Bool] = [false, false]
    func set(_ index: Int, _ value: Bool) { lock.lock(); stored[index] = value; lock.unlock() }
    var values: [Bool] { lock.lock(); defer { lock.unlock() }; return stored }
}
