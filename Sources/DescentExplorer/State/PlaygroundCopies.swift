/// The Playground pages' copies, one a page, each kept under an opaque id (128 random bits in hex).
///
/// The actor only keeps them: a copy is checked out, changed on the executor (a slice of training,
/// a frame), and checked back in; a copy checked out answers 409 to a second request. A change that
/// throws gives the copy back unchanged, so a training stopped half-way loses nothing.
///
/// Bounded as the Learn panel's copies are: at most `maximumCopies` in all, `maximumPerBrowser` a
/// browser (its cookie; a fifth takes the place of its own least recently used), and
/// `maximumNumbers` numbers over all of them (points, inputs and six networks' worth a copy); a class
/// at its bound drops a copy idle for `idleSeconds`, and otherwise refuses a new one with a 429.
actor PlaygroundCopies {
    struct Entry: Sendable {
        var copy: PlaygroundCopy
        var owner: String?
        var lastUse: UInt64 = 0
        var lastUseTime: ContinuousClock.Instant = .now

        /// What the copy holds, in numbers: its points and inputs, and six networks (the network, the
        /// optimiser's state, the checkpoint's).
        var numbers: Int {
            let points = copy.data.training.points.elements.count + copy.data.test.points.elements.count
            let inputs = copy.trainingExamples.features.elements.count + copy.testExamples.features.elements.count
            return points + inputs + 6 * copy.model.network.parameterCount
        }
    }

    static let maximumCopies = 64
    static let maximumPerBrowser = 4
    /// 2^25 numbers, 128 MB of Float.
    static let maximumNumbers = 1 << 25
    static let idleSeconds = 900

    private var entries: [String: Entry] = [:]
    private var checkedOut: [String: Int] = [:]
    private var clock: UInt64 = 0
    private var generator: any RandomNumberGenerator & Sendable

    init(using generator: some RandomNumberGenerator & Sendable) {
        self.generator = generator
    }

    var count: Int { entries.count + checkedOut.count }

    /// Runs `change` on copy `id` (or on `fresh`, a new copy for `owner`, when `id` is nil) outside the
    /// actor, and keeps the result. A new copy is kept only when `change` succeeds; an old one is
    /// unchanged when it throws.
    /// - Returns: The copy's id and what `change` returned.
    /// - Throws: `APIError` (404) for an unknown id, (409) for a copy being changed, (429) when the
    ///   class holds all the copies it may; what `change` throws.
    nonisolated func change<Result: Sendable>(
        _ id: String?, fresh: PlaygroundCopy?, owner: String?, _ change: @Sendable (String, inout PlaygroundCopy) async throws -> Result
    ) async throws -> (id: String, result: Result) {
        var (key, entry, isNew) = try await checkOut(id, fresh: fresh, owner: owner)
        let result: Result
        do {
            result = try await change(key, &entry.copy)
        } catch {
            await giveBack(key, isNew ? nil : entry.numbers)
            throw error
        }
        await checkIn(key, entry)
        return (key, result)
    }

    /// The copy `id`, read (an export), marked as just used.
    /// - Throws: `APIError` (404) when no copy has that id, (409) while it is being changed.
    func copy(_ id: String) throws -> PlaygroundCopy {
        if checkedOut[id] != nil { throw Self.busy }
        guard var entry = entries[id] else { throw Self.unknown(id) }
        touch(&entry)
        entries[id] = entry
        return entry.copy
    }

    private var original: [String: Entry] = [:]

    private func checkOut(_ id: String?, fresh: PlaygroundCopy?, owner: String?) throws -> (String, Entry, Bool) {
        if let id {
            if checkedOut[id] != nil { throw Self.busy }
            guard let found = entries.removeValue(forKey: id) else { throw Self.unknown(id) }
            checkedOut[id] = found.numbers
            original[id] = found
            return (id, found, false)
        }
        guard let fresh else { throw APIError.badRequest("session is missing") }
        let entry = Entry(copy: fresh, owner: owner)
        try makeRoom(for: entry)
        let key = newID()
        checkedOut[key] = entry.numbers
        return (key, entry, true)
    }

    /// Puts back the copy as it was before the change (nothing for a new one).
    private func giveBack(_ id: String, _: Int?) {
        checkedOut[id] = nil
        if let entry = original.removeValue(forKey: id) { entries[id] = entry }
    }

    private func checkIn(_ id: String, _ entry: Entry) {
        var entry = entry
        touch(&entry)
        checkedOut[id] = nil
        original[id] = nil
        entries[id] = entry
    }

    /// Drops every copy (a class cleared).
    func removeAll() -> Int {
        defer { entries = [:] }
        return entries.count
    }

    private func touch(_ entry: inout Entry) {
        clock += 1
        entry.lastUse = clock
        entry.lastUseTime = .now
    }

    private func makeRoom(for entry: Entry) throws(APIError) {
        let owner = entry.owner
        while owner != nil, entries.values.count(where: { $0.owner == owner }) >= Self.maximumPerBrowser,
              let oldest = entries.filter({ $0.value.owner == owner }).min(by: { $0.value.lastUse < $1.value.lastUse }) {
            entries[oldest.key] = nil
        }
        func numbers() -> Int { entries.values.reduce(0) { $0 + $1.numbers } + checkedOut.values.reduce(0, +) }
        func overBounds() -> Bool { count + 1 > Self.maximumCopies || numbers() + entry.numbers > Self.maximumNumbers }
        let idleSince = ContinuousClock.now - .seconds(Self.idleSeconds)
        while overBounds() {
            let candidates = entries.filter { $0.value.owner == owner || $0.value.lastUseTime <= idleSince }
            guard let oldest = candidates.min(by: { $0.value.lastUse < $1.value.lastUse }) else {
                throw APIError(.tooManyRequests, "the server holds \(count) Playground copies for the class, the most it may; "
                    + "try again when a student's copy has been idle for \(Self.idleSeconds / 60) minutes", retryAfter: 60)
            }
            entries[oldest.key] = nil
        }
    }

    private func newID() -> String {
        var id = ""
        repeat {
            id = (0..<2).map { _ in
                let text = String(generator.next(), radix: 16)
                return String(repeating: "0", count: 16 - text.count) + text
            }.joined()
        } while entries[id] != nil || checkedOut[id] != nil
        return id
    }

    private static let busy = APIError(.conflict, "this Playground is still working on the last request; try again when it has finished", retryAfter: 1)

    private static func unknown(_ id: String) -> APIError {
        APIError.notFound("session \"\(id.prefix(64))\" is not a Playground the server keeps: it keeps each browser's \(maximumPerBrowser) most recently used "
            + "and forgets them when it restarts; set the Playground up again (POST /api/playground)")
    }
}
