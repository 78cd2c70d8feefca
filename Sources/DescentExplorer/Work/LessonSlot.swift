import Hummingbird
import Foundation

/// The one place where the Lesson page's experiments run: one at a time, on the explorer's
/// `WorkExecutor` (threads at a lower priority), with at most `waitingLimit` requests waiting their
/// turn. Beyond that a request is refused with a 429, so that a class clicking "run" together queues a
/// few and turns the rest away instead of piling work on two cores.
actor LessonSlot {
    /// The requests that may wait while one runs: 8.
    static let standardWaitingLimit = 8

    let waitingLimit: Int
    /// Where the experiments run.
    nonisolated let executor: WorkExecutor
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(waitingLimit: Int, executor: WorkExecutor) {
        self.waitingLimit = waitingLimit
        self.executor = executor
    }

    /// Waits for the slot.
    /// - Throws: `APIError` (429) when `waitingLimit` requests already wait.
    func enter() async throws {
        guard busy else {
            busy = true
            return
        }
        guard waiting.count < waitingLimit else {
            throw APIError(.tooManyRequests, "a lesson experiment is running and \(waiting.count) wait, the most this server queues; try again in a few seconds",
                           retryAfter: 5)
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the slot to the next request waiting, or frees it.
    func leave() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }

    /// Runs `work` in the slot, on the executor, and returns its result: a copy's cost or evaluation, a
    /// probe, a dream. One lesson computation at a time, so that a class asking together queues instead
    /// of starving predictions.
    /// - Throws: `APIError` (429) when the slot's or the executor's queue is full; what `work` throws.
    nonisolated func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await enter()
        do {
            let result = try await executor.run(work)
            await leave()
            return result
        } catch {
            await leave()
            throw error
        }
    }

    /// Runs `work` in the slot on the executor and streams what it emits as JSON lines
    /// (`application/x-ndjson`), each as soon as it is emitted. A failure becomes a last line
    /// `{"error": "..."}`: by then the 200 has been sent.
    /// - Throws: `APIError` (429) when the slot's or the executor's queue is full, before anything is sent.
    nonisolated func stream(_ work: @escaping @Sendable (_ emit: @escaping @Sendable (any Encodable) -> Void) throws -> Void) async throws -> Response {
        try await enter()
        let (lines, continuation) = AsyncStream<String>.makeStream()
        do {
            try executor.submit {
                let emit: @Sendable (any Encodable) -> Void = { continuation.yield(Self.line($0)) }
                do {
                    try work(emit)
                } catch {
                    emit(["error": String(describing: error)])
                }
                continuation.finish()
                Task { await self.leave() }
            }
        } catch {
            await leave()  // refused before anything was sent: the 429 is the answer
            throw error
        }
        let body = ResponseBody { writer in
            for await line in lines { try await writer.write(ByteBuffer(string: line)) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson", .cacheControl: "no-cache"], body: body)
    }

    /// `value` as one line of JSON.
    static func line(_ value: any Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let data = (try? encoder.encode(value)) ?? Data("{\"error\": \"a line could not be encoded\"}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// One value per model version: computed once for the served model, dropped when it is replaced.
/// Requests that arrive while it is being computed wait for that computation instead of starting
/// their own.
actor VersionedCache<Value: Sendable> {
    private var kept: (version: Int, value: Task<Value, any Error>)?
    /// Where the values are computed.
    nonisolated let executor: WorkExecutor

    init(executor: WorkExecutor) { self.executor = executor }

    /// The value for `version`, computing it with `make` (on the executor) when missing.
    /// - Throws: `APIError` (429) when the executor's queue is full; what `make` throws.
    func value(for version: Int, make: @escaping @Sendable () throws -> Value) async throws -> Value {
        if let kept, kept.version == version { return try await kept.value.value }
        let executor = executor
        let task = Task<Value, any Error> { try await executor.run(make) }
        if (kept?.version ?? 0) <= version { kept = (version, task) }
        do {
            return try await task.value
        } catch {
            if kept?.version == version { kept = nil }  // a failure is not kept: the next request tries again
            throw error
        }
    }
}
