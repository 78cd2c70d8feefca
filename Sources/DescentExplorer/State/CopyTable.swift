/// What `CopyTable` needs of a kept copy: whose it is, what it holds, and when it was last used.
protocol KeptCopy: Sendable {
    /// The browser it belongs to (its cookie's id); nil on loopback, where there is one person.
    var owner: String? { get }
    /// The numbers it holds, counted against the table's `maximumNumbers`.
    var numbers: Int { get }
    /// When it was last used, on the table's own clock.
    var lastUse: UInt64 { get set }
    /// When it was last used, in the system's monotonic clock.
    var lastUseTime: ContinuousClock.Instant { get set }
}

/// The bookkeeping the explorer's per-page copies share (the Learn panel's `LearningCopies`, the
/// Playground's `PlaygroundCopies`): copies under opaque ids (128 random bits in hex), checked out
/// while a request changes them outside the actor that holds the table, and bounded for the class
/// and for each browser.
///
/// Bounds: at most `maximumCopies` copies and `maximumNumbers` numbers in all, checked-out copies
/// included, and at most `maximumPerBrowser` copies a browser. A browser past its own quota drops its
/// own least recently used copy; a class at its bound drops a copy idle for `idleSeconds` or more,
/// and otherwise refuses the new copy with a 429: within the bound, no student's copy is dropped for
/// another's.
struct CopyTable<Entry: KeptCopy> {
    /// The bounds, and the words of the errors a person reads.
    struct Bounds {
        var maximumCopies: Int
        var maximumNumbers: Int
        var maximumPerBrowser: Int
        var idleSeconds: Int
        /// "copies of the model", "Playground copies": what the 429 says the server holds.
        var what: String
        /// The 409 for a copy that is being changed.
        var busy: APIError
        /// The 404 for an id the table does not hold.
        var unknown: @Sendable (String) -> APIError
    }

    let bounds: Bounds
    private(set) var entries: [String: Entry] = [:]
    /// Copies checked out, with the numbers they hold.
    private var checkedOut: [String: Int] = [:]
    private var clock: UInt64 = 0
    private var generator: any RandomNumberGenerator & Sendable

    init(_ bounds: Bounds, using generator: some RandomNumberGenerator & Sendable) {
        self.bounds = bounds
        self.generator = generator
    }

    /// How many copies are kept, checked-out ones included.
    var count: Int { entries.count + checkedOut.count }

    func isCheckedOut(_ id: String) -> Bool { checkedOut[id] != nil }

    /// Copy `id`, marked as just used.
    /// - Throws: `bounds.busy` while it is checked out, `bounds.unknown` when no copy has that id.
    mutating func use(_ id: String) throws(APIError) -> Entry {
        if checkedOut[id] != nil { throw bounds.busy }
        guard var entry = entries[id] else { throw bounds.unknown(id) }
        touch(&entry)
        entries[id] = entry
        return entry
    }

    /// Takes copy `id` out of the table, so that it is changed outside the actor without a second
    /// reference that would make Swift copy its arrays.
    mutating func checkOut(_ id: String) throws(APIError) -> Entry {
        if checkedOut[id] != nil { throw bounds.busy }
        guard let found = entries.removeValue(forKey: id) else { throw bounds.unknown(id) }
        checkedOut[id] = found.numbers
        return found
    }

    /// Makes room for a new copy and reserves an id for it, checked out.
    /// - Throws: (429) when the class's bounds do not hold even after dropping what may be dropped.
    mutating func checkOutNew(_ entry: Entry) throws(APIError) -> String {
        try makeRoom(for: entry)
        let key = newID()
        checkedOut[key] = entry.numbers
        return key
    }

    /// Keeps a new copy at once, within the bounds.
    mutating func insertNew(_ entry: Entry) throws(APIError) -> String {
        try makeRoom(for: entry)
        let key = newID()
        var entry = entry
        touch(&entry)
        entries[key] = entry
        return key
    }

    /// Ends a check-out: puts back `entry` (nil: a new copy, dropped) as it was, not marked as used.
    mutating func giveBack(_ id: String, _ entry: Entry?) {
        checkedOut[id] = nil
        if let entry { entries[id] = entry }
    }

    /// Ends a check-out: keeps `entry`, marked as just used.
    mutating func checkIn(_ id: String, _ entry: Entry) {
        var entry = entry
        touch(&entry)
        checkedOut[id] = nil
        entries[id] = entry
    }

    /// Changes copy `id` in place (not checked out) and marks it as used; false when it is not kept.
    mutating func update(_ id: String, _ change: (inout Entry) -> Void) -> Bool {
        guard var entry = entries[id] else { return false }
        change(&entry)
        touch(&entry)
        entries[id] = entry
        return true
    }

    mutating func remove(_ id: String) { entries[id] = nil }

    /// Drops every kept copy (those checked out are dropped when they come back); returns how many there were.
    mutating func removeAll() -> Int {
        defer { entries = [:] }
        return entries.count
    }

    /// 128 random bits in hex, not an id in use.
    mutating func newID() -> String {
        var id = ""
        repeat {
            id = (0..<2).map { _ in
                let text = String(generator.next(), radix: 16)
                return String(repeating: "0", count: 16 - text.count) + text
            }.joined()
        } while entries[id] != nil || checkedOut[id] != nil
        return id
    }

    private mutating func touch(_ entry: inout Entry) {
        clock += 1
        entry.lastUse = clock
        entry.lastUseTime = .now
    }

    /// Frees room for `entry`: its owner's own least recently used copies past `maximumPerBrowser`,
    /// then, while the class's bounds are passed, the owner's own or copies idle for `idleSeconds`.
    private mutating func makeRoom(for entry: Entry) throws(APIError) {
        let owner = entry.owner
        // On loopback (no owner) there is one person, and only the class's bounds apply.
        while owner != nil, entries.values.count(where: { $0.owner == owner }) >= bounds.maximumPerBrowser,
              let oldest = entries.filter({ $0.value.owner == owner }).min(by: { $0.value.lastUse < $1.value.lastUse }) {
            entries[oldest.key] = nil
        }
        func numbers() -> Int { entries.values.reduce(0) { $0 + $1.numbers } + checkedOut.values.reduce(0, +) }
        func overBounds() -> Bool { count + 1 > bounds.maximumCopies || numbers() + entry.numbers > bounds.maximumNumbers }
        let idleSince = ContinuousClock.now - .seconds(bounds.idleSeconds)
        while overBounds() {
            // The owner's own first, then anyone's idle copy: never a working student's.
            let candidates = entries.filter { $0.value.owner == owner || $0.value.lastUseTime <= idleSince }
            guard let oldest = candidates.min(by: { $0.value.lastUse < $1.value.lastUse }) else {
                throw APIError(.tooManyRequests, "the server holds \(count) \(bounds.what) for the class, the most it may; "
                    + "try again when a student's copy has been idle for \(bounds.idleSeconds / 60) minutes", retryAfter: 60)
            }
            entries[oldest.key] = nil
        }
    }
}
