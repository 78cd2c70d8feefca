import DescentDatasets
import DescentExperiments
import DescentNetwork

/// The Learn panel's copies of the served model, one a page, each kept by the server under an opaque
/// id it hands out in its answers. A step changes only a copy; the served model is a value the copy
/// was made from and is never changed by it.
///
/// The actor only keeps the copies: a step is computed outside it (`change`), on the copy checked out,
/// and put back after, so that one student's step never holds up another's prediction. While a copy is
/// checked out, another request for it gets a 409.
///
/// Bounded for the class and for each browser: at most `maximumCopies` copies and `maximumNumbers`
/// weights and biases in all (each copy counted as two networks, its current one and the one its undo
/// replays from), and at most `maximumPerBrowser` copies a browser (its cookie). A browser past its own
/// quota drops its own least recently used copy; a class at its bound drops a copy idle for
/// `idleSeconds` or more, and otherwise refuses the new copy with a 429: within the bound, no student's
/// copy is dropped for another's. Each copy keeps at most `undoLimit` steps for undo.
actor LearningCopies {
    /// One page's copy and where it came from.
    struct Entry: KeptCopy {
        var copy: LearningCopy
        /// The served model's version the copy was made from or last reset to.
        var baseVersion: Int
        /// What an input goes through before this copy's network sees it (its model's metadata).
        var preprocessing: Preprocessing
        /// When it was last used, on the actor's own clock.
        var lastUse: UInt64 = 0
        /// When it was last used, in seconds of the system's monotonic clock.
        var lastUseTime: ContinuousClock.Instant = .now
        /// How many fine-tunings on its student's digits it has had.
        var fineTunes = 0
        /// The browser it belongs to (its cookie's id); nil on loopback, where there is one person.
        var owner: String?

        /// The numbers it holds: two networks' weights and biases.
        var numbers: Int { 2 * copy.network.parameterCount }
    }

    /// The most copies kept.
    static let maximumCopies = 64
    /// The most weights and biases kept over every copy: 2^25, 128 MB of Float.
    static let maximumNumbers = 1 << 25
    /// The most copies one browser keeps.
    static let maximumPerBrowser = 4
    /// How long a copy must have been idle before another browser's copy may take its place.
    static let idleSeconds = 900
    /// The most steps a copy can undo.
    static let undoLimit = 50

    private var table: CopyTable<Entry>
    /// Networks to put into a copy when it is checked back in (a training finished while it was out).
    private var pendingInstalls: [String: (network: Network<Float>, preprocessing: Preprocessing?)] = [:]

    /// No copies yet; ids are drawn from `generator`.
    init(using generator: some RandomNumberGenerator & Sendable) {
        table = CopyTable(CopyTable.Bounds(
            maximumCopies: Self.maximumCopies, maximumNumbers: Self.maximumNumbers, maximumPerBrowser: Self.maximumPerBrowser,
            idleSeconds: Self.idleSeconds, what: "copies of the model",
            busy: APIError(.conflict, "this copy is taking a step for another request; try again when it has finished", retryAfter: 1),
            unknown: { id in
                APIError.notFound("session \"\(id.prefix(64))\" is not known: the server keeps every browser's \(Self.maximumPerBrowser) most recently used copies "
                    + "and forgets them when it restarts; leave session out to start a new copy of the served model")
            }), using: generator)
    }

    /// How many copies are kept, checked out ones included.
    var count: Int { table.count }

    /// The copy `id`, marked as just used.
    /// - Throws: `APIError` (404) when no copy has that id, (409) while a step changes it.
    func entry(_ id: String) throws -> Entry {
        try table.use(id)
    }

    /// Runs `change` on copy `id`, or on a new copy of `snapshot`'s model for `owner` when `id` is nil,
    /// outside the actor, and keeps the result. A new copy is kept only when `change` succeeds; an old
    /// one is unchanged when it throws.
    /// - Returns: The copy's id, the copy after the change, and what `change` returned.
    /// - Throws: `APIError` (404) for an unknown id, (409) for a copy being changed, (429) when the
    ///   class holds all the copies it may; what `change` throws.
    nonisolated func change<Result: Sendable>(
        _ id: String?, orCopyOf snapshot: ModelSnapshot, owner: String?, _ change: @Sendable (inout Entry) throws -> Result
    ) async throws -> (id: String, entry: Entry, result: Result) {
        var (key, entry, isNew) = try await checkOut(id, orCopyOf: snapshot, owner: owner)
        let result: Result
        do {
            result = try change(&entry)
        } catch {
            await giveBack(key, isNew ? nil : entry)  // unchanged: `change` works on the value checked out
            throw error
        }
        let kept = await checkIn(key, entry)
        return (key, kept, result)
    }

    /// Takes copy `id` out of the table (or makes a new one, within the bounds), so that it is changed
    /// outside the actor without a second reference that would make Swift copy its arrays.
    private func checkOut(_ id: String?, orCopyOf snapshot: ModelSnapshot, owner: String?) throws -> (String, Entry, Bool) {
        if let id { return (id, try table.checkOut(id), false) }
        let entry = Entry(copy: LearningCopy(snapshot.network, undoLimit: Self.undoLimit), baseVersion: snapshot.version,
                          preprocessing: snapshot.preprocessing, owner: owner)
        return (try table.checkOutNew(entry), entry, true)
    }

    /// Puts back a copy checked out and unchanged (nil: a new copy, dropped).
    private func giveBack(_ id: String, _ entry: Entry?) {
        table.giveBack(id, entry)
        applyPendingInstall(id)
    }

    /// Puts back a copy checked out and changed, marked as just used.
    private func checkIn(_ id: String, _ entry: Entry) -> Entry {
        table.checkIn(id, entry)
        applyPendingInstall(id)
        return table.entries[id] ?? entry
    }

    /// Makes a new copy of `snapshot`'s model for `owner`, within the bounds.
    /// - Returns: Its id.
    /// - Throws: `APIError` (429) when the class holds all the copies it may.
    func newCopy(of snapshot: ModelSnapshot, owner: String?) throws -> String {
        try table.insertNew(Entry(copy: LearningCopy(snapshot.network, undoLimit: Self.undoLimit), baseVersion: snapshot.version,
                                  preprocessing: snapshot.preprocessing, owner: owner))
    }

    /// Replaces copy `id`'s network with `network`, as a reset does: a fine-tuning's result, or
    /// (with `preprocessing`, its recipe's) a new network trained from the Lesson page. A copy checked
    /// out takes it when it is put back.
    /// - Returns: Whether the copy was still kept.
    func install(_ network: Network<Float>, preprocessing: Preprocessing? = nil, into id: String) -> Bool {
        if table.isCheckedOut(id) {
            pendingInstalls[id] = (network, preprocessing)
            return true
        }
        return table.update(id) { entry in
            entry.copy.reset(to: network)
            if let preprocessing { entry.preprocessing = preprocessing } else { entry.fineTunes += 1 }
        }
    }

    private func applyPendingInstall(_ id: String) {
        guard let pending = pendingInstalls.removeValue(forKey: id) else { return }
        _ = install(pending.network, preprocessing: pending.preprocessing, into: id)
    }

    /// Drops copy `id`, if it is kept.
    func remove(_ id: String) {
        table.remove(id)
        pendingInstalls[id] = nil
    }

    /// Drops every copy (those checked out are dropped when they come back).
    /// - Returns: How many there were.
    func removeAll() -> Int {
        pendingInstalls = [:]
        return table.removeAll()
    }

    /// A new browser id for a page that has no cookie yet: 128 random bits in hex.
    func newOwnerID() -> String { table.newID() }
}
