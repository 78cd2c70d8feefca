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
    struct Entry: KeptCopy {
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

    private var table: CopyTable<Entry>
    /// The copies checked out, as they were: a change that throws gives them back so.
    private var original: [String: Entry] = [:]

    init(using generator: some RandomNumberGenerator & Sendable) {
        table = CopyTable(CopyTable.Bounds(
            maximumCopies: Self.maximumCopies, maximumNumbers: Self.maximumNumbers, maximumPerBrowser: Self.maximumPerBrowser,
            idleSeconds: Self.idleSeconds, what: "Playground copies",
            busy: APIError(.conflict, "this Playground is still working on the last request; try again when it has finished", retryAfter: 1),
            unknown: { id in
                APIError.notFound("session \"\(id.prefix(64))\" is not a Playground the server keeps: it keeps each browser's \(Self.maximumPerBrowser) most recently used "
                    + "and forgets them when it restarts; set the Playground up again (POST /api/playground)")
            }), using: generator)
    }

    var count: Int { table.count }

    /// Runs `change` on copy `id` (or on `fresh`, a new copy for `owner`, when `id` is nil) outside the
    /// actor, and keeps the result. A new copy is kept only when `change` succeeds; an old one is
    /// unchanged when it throws.
    /// - Returns: The copy's id and what `change` returned.
    /// - Throws: `APIError` (404) for an unknown id, (409) for a copy being changed, (429) when the
    ///   class holds all the copies it may; what `change` throws.
    nonisolated func change<Result: Sendable>(
        _ id: String?, fresh: PlaygroundCopy?, owner: String?, _ change: @Sendable (String, inout PlaygroundCopy) async throws -> Result
    ) async throws -> (id: String, result: Result) {
        var (key, entry) = try await checkOut(id, fresh: fresh, owner: owner)
        let result: Result
        do {
            result = try await change(key, &entry.copy)
        } catch {
            await giveBack(key)
            throw error
        }
        await checkIn(key, entry)
        return (key, result)
    }

    /// The copy `id`, read (an export), marked as just used.
    /// - Throws: `APIError` (404) when no copy has that id, (409) while it is being changed.
    func copy(_ id: String) throws -> PlaygroundCopy {
        try table.use(id).copy
    }

    private func checkOut(_ id: String?, fresh: PlaygroundCopy?, owner: String?) throws -> (String, Entry) {
        if let id {
            let found = try table.checkOut(id)
            original[id] = found
            return (id, found)
        }
        guard let fresh else { throw APIError.badRequest("session is missing") }
        let entry = Entry(copy: fresh, owner: owner)
        return (try table.checkOutNew(entry), entry)
    }

    /// Puts back the copy as it was before the change (nothing for a new one).
    private func giveBack(_ id: String) {
        table.giveBack(id, original.removeValue(forKey: id))
    }

    private func checkIn(_ id: String, _ entry: Entry) {
        original[id] = nil
        table.checkIn(id, entry)
    }

    /// Drops every copy (a class cleared).
    func removeAll() -> Int { table.removeAll() }
}
