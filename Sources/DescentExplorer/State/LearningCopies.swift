import DescentDatasets
import DescentExperiments
import DescentNetwork

/// The Learn panel's copies of the served model, one a page, each kept by the server under an opaque
/// id it hands out in its answers. A step changes only a copy; the served model is a value the copy
/// was made from and is never changed by it.
///
/// Bounded: at most `maximumCopies` copies and `maximumNumbers` weights and biases in all (each
/// copy counted as two networks, its current one and the one its undo replays from); beyond either,
/// the least recently used copies are dropped. Each copy keeps at most `undoLimit` steps for undo.
actor LearningCopies {
    /// One page's copy and where it came from.
    struct Entry: Sendable {
        var copy: LearningCopy
        /// The served model's version the copy was made from or last reset to.
        var baseVersion: Int
        /// What an input goes through before this copy's network sees it (its model's metadata).
        var preprocessing: Preprocessing
        /// When it was last used, on the actor's own clock.
        var lastUse: UInt64 = 0
        /// How many fine-tunings on its student's digits it has had.
        var fineTunes = 0

        /// The numbers it holds: two networks' weights and biases.
        var numbers: Int { 2 * copy.network.parameterCount }
    }

    /// The most copies kept.
    static let maximumCopies = 64
    /// The most weights and biases kept over every copy: 2^25, 128 MB of Float.
    static let maximumNumbers = 1 << 25
    /// The most steps a copy can undo.
    static let undoLimit = 50

    private var entries: [String: Entry] = [:]
    private var clock: UInt64 = 0
    private var generator: any RandomNumberGenerator & Sendable

    /// No copies yet; ids are drawn from `generator`.
    init(using generator: some RandomNumberGenerator & Sendable) {
        self.generator = generator
    }

    /// The copy `id`, marked as just used.
    /// - Throws: `APIError` (404) when no copy has that id.
    func entry(_ id: String) throws -> Entry {
        guard var entry = entries[id] else { throw Self.unknown(id) }
        clock += 1
        entry.lastUse = clock
        entries[id] = entry
        return entry
    }

    /// Runs `change` on copy `id`, or on a new copy of `snapshot`'s model when `id` is nil, and keeps
    /// the result. A new copy is kept only when `change` succeeds; an old one is unchanged when it throws.
    /// - Returns: The copy's id, the copy after the change, and what `change` returned.
    /// - Throws: `APIError` (404) for an unknown id, or what `change` throws.
    func change<Result: Sendable>(
        _ id: String?, orCopyOf snapshot: ModelSnapshot, _ change: @Sendable (inout Entry) throws -> Result
    ) throws -> (id: String, entry: Entry, result: Result) {
        let key: String
        var entry: Entry
        if let id {
            guard let found = entries.removeValue(forKey: id) else { throw Self.unknown(id) }
            (key, entry) = (id, found)
        } else {
            (key, entry) = (newID(), Entry(copy: LearningCopy(snapshot.network, undoLimit: Self.undoLimit),
                                           baseVersion: snapshot.version, preprocessing: snapshot.preprocessing))
        }
        let original = entry
        let result: Result
        do {
            result = try change(&entry)
        } catch {
            if id != nil { entries[key] = original }
            throw error
        }
        clock += 1
        entry.lastUse = clock
        entries[key] = entry
        dropLeastRecentlyUsed(keeping: key)
        return (key, entry, result)
    }

    /// Replaces copy `id`'s network with `network`, as a reset does: a fine-tuning's result, or
    /// (with `preprocessing`, its recipe's) a new network trained from the Lesson page.
    /// - Returns: Whether the copy was still kept.
    func install(_ network: Network<Float>, preprocessing: Preprocessing? = nil, into id: String) -> Bool {
        guard var entry = entries[id] else { return false }
        entry.copy.reset(to: network)
        if let preprocessing { entry.preprocessing = preprocessing } else { entry.fineTunes += 1 }
        clock += 1
        entry.lastUse = clock
        entries[id] = entry
        dropLeastRecentlyUsed(keeping: id)
        return true
    }

    /// Drops copy `id`, if it is kept.
    func remove(_ id: String) {
        entries[id] = nil
    }

    /// Drops every copy.
    /// - Returns: How many there were.
    func removeAll() -> Int {
        defer { entries = [:] }
        return entries.count
    }

    /// Drops the least recently used copies, never `kept`, until both bounds hold.
    private func dropLeastRecentlyUsed(keeping kept: String) {
        var numbers = entries.values.reduce(0) { $0 + $1.numbers }
        while entries.count > Self.maximumCopies || numbers > Self.maximumNumbers,
              let oldest = entries.filter({ $0.key != kept }).min(by: { $0.value.lastUse < $1.value.lastUse }) {
            numbers -= oldest.value.numbers
            entries[oldest.key] = nil
        }
    }

    /// 128 random bits in hex.
    private func newID() -> String {
        var id = ""
        repeat {
            id = (0..<2).map { _ in
                let text = String(generator.next(), radix: 16)
                return String(repeating: "0", count: 16 - text.count) + text
            }.joined()
        } while entries[id] != nil
        return id
    }

    private static func unknown(_ id: String) -> APIError {
        APIError.notFound("session \"\(id.prefix(64))\" is not known: the server keeps the \(maximumCopies) most recently used copies "
            + "and forgets them when it restarts; leave session out to start a new copy of the served model")
    }
}
