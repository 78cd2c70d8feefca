import DescentDatasets
import DescentFileIO
import Foundation

/// A class learning together on a shared server: the chapter of the Lesson the teacher leads and
/// whether the class is paused, who is connected and where each is, and the class set, the digits
/// the students drew and labelled, pooled anonymously.
///
/// Students are told apart by their browser's cookie, which never leaves the server: the teacher sees
/// each as a number (student 1, 2, ...) given in the order they first appeared. No name is asked.
/// The class set lives in memory, or in `folder` (one subfolder a label, a PNG a digit) when the
/// teacher names one; `clearDigits` deletes it, files included.
public actor Classroom {
    /// The most digits one student may give.
    public static let digitsPerStudent = 50
    /// The most digits the class set holds.
    public static let maximumDigits = 2000
    /// The chapters of the Lesson.
    static let chapters = 1...10
    /// How long a page that stopped reporting counts as connected (its event stream may be between reconnections).
    static let presenceSeconds = 30

    /// One digit of the class set: its 28x28 bytes (0 background, 255 ink, as the network's input) and label.
    struct Digit: Sendable {
        let id: Int
        let label: Int
        /// The anonymous number of the student who gave it.
        let student: Int
        let pixels: [UInt8]
    }

    /// Where the class set is kept on disk; nil: in memory only.
    public nonisolated let folder: String?
    private(set) var chapter = 1
    private(set) var paused = false
    private(set) var pauseMessage = ""
    private(set) var digits: [Digit] = []
    private var nextDigit = 1
    private var numbers: [String: Int] = [:]
    /// Each student's chapter and when they last said so.
    private var presence: [Int: (chapter: Int, seen: ContinuousClock.Instant)] = [:]
    /// Open event streams, with the student each belongs to (nil: the teacher or an unknown page).
    private var subscribers: [Int: (student: Int?, continuation: AsyncStream<ClassEvent>.Continuation)] = [:]
    private var nextSubscriber = 0
    /// The teacher's last fine-tuning on the class set: its job and its copy of the model.
    private(set) var fineTune: (job: Int, session: String)?

    func setFineTune(job: Int, session: String) { fineTune = (job, session) }

    /// What one model version reads in each digit, by digit id: every page asks for the class set
    /// again on each change, and only the digits new since the last reading need the network.
    private var readings: (version: Int, predicted: [Int: Int]) = (-1, [:])

    /// The readings kept for `version` (none when the served model has changed since).
    func readings(for version: Int) -> [Int: Int] { readings.version == version ? readings.predicted : [:] }

    /// Keeps `predicted` (digit id to the class read) as what `version` reads, beside what it read before.
    func keepReadings(_ predicted: [Int: Int], for version: Int) {
        if readings.version != version { readings = (version, [:]) }
        readings.predicted.merge(predicted) { _, new in new }
        // Digits deleted since are dropped, so the table stays the size of the class set.
        if readings.predicted.count > digits.count {
            let ids = Set(digits.map(\.id))
            readings.predicted = readings.predicted.filter { ids.contains($0.key) }
        }
    }

    /// A classroom keeping its class set in memory.
    public init() {
        folder = nil
    }

    /// A classroom keeping its class set in `folder` (read back when it already holds one).
    /// - Throws: `ImageFolderError` or `FileError` when `folder` holds files that are not a class set's.
    public init(folder: String) throws {
        self.folder = folder
        guard Files.isFolder(folder), try Self.hasDigits(folder) else { return }
        let found = try ImageFolder(path: folder)
        for index in 0..<found.images.count {
            digits.append(Digit(id: nextDigit, label: Int(found.images.labels[index]), student: 0, pixels: Array(found.images.image(index))))
            nextDigit += 1
        }
    }

    private static func hasDigits(_ folder: String) throws -> Bool {
        try Files.entries(in: folder).contains { entry in
            entry.kind == .folder && ((try? Files.entries(in: "\(folder)/\(entry.name)"))?.isEmpty == false)
        }
    }

    // MARK: - Students

    /// The anonymous number of `browser`, given now if it has none.
    func number(of browser: String) -> Int {
        if let number = numbers[browser] { return number }
        let number = numbers.count + 1
        numbers[browser] = number
        return number
    }

    /// Records that `browser`'s page shows `chapter`.
    /// - Throws: `APIError` (400) for a chapter outside 1...10.
    func report(browser: String, chapter: Int) throws(APIError) {
        guard Self.chapters.contains(chapter) else {
            throw APIError.badRequest("chapter is \(chapter); expected an integer in \(Self.chapters.lowerBound)...\(Self.chapters.upperBound)")
        }
        presence[number(of: browser)] = (chapter, .now)
    }

    // MARK: - The teacher's pace

    /// Moves the class to `chapter` and tells every page.
    /// - Throws: `APIError` (400) for a chapter outside 1...10.
    func lead(to chapter: Int) throws(APIError) {
        guard Self.chapters.contains(chapter) else {
            throw APIError.badRequest("chapter is \(chapter); expected an integer in \(Self.chapters.lowerBound)...\(Self.chapters.upperBound)")
        }
        self.chapter = chapter
        publish(.pace(pace))
    }

    /// Pauses or resumes the class; a paused class's inputs are locked, with `message` saying why.
    func pause(_ paused: Bool, message: String?) {
        self.paused = paused
        pauseMessage = paused ? String((message ?? "").prefix(200)) : ""
        publish(.pace(pace))
    }

    /// Where the teacher has the class now.
    var pace: ClassPace { ClassPace(chapter: chapter, paused: paused, message: pauseMessage) }

    // MARK: - Events

    /// The class's events from now on, the current pace first, for a page of `browser`'s (nil: the
    /// teacher's, or a page without a cookie). A slow reader keeps only the newest few.
    func subscribe(browser: String?) -> AsyncStream<ClassEvent> {
        let (stream, continuation) = AsyncStream<ClassEvent>.makeStream(bufferingPolicy: .bufferingNewest(16))
        continuation.yield(.pace(pace))
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = (browser.map { number(of: $0) }, continuation)
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    private func unsubscribe(_ id: Int) { subscribers[id] = nil }

    /// Sends `event` to every page connected.
    func publish(_ event: ClassEvent) {
        for subscriber in subscribers.values { subscriber.continuation.yield(event) }
    }

    /// How many event streams are open.
    var connectedPages: Int { subscribers.count }

    // MARK: - The class set

    /// Adds a digit `browser` drew and labelled, and tells every page the class set grew.
    /// - Returns: The digit.
    /// - Throws: `APIError` (400) for a label outside 0...9 or pixels that are not 784 bytes, (429)
    ///   past `digitsPerStudent` or `maximumDigits`, (500) when the folder cannot be written (then the
    ///   digit is not kept).
    func addDigit(_ pixels: [UInt8], label: Int, browser: String) throws(APIError) -> Digit {
        guard (0...9).contains(label) else { throw APIError.badRequest("label is \(label); expected a digit 0 to 9") }
        guard pixels.count == 784 else { throw APIError.badRequest("a digit is 28x28: 784 pixels, not \(pixels.count)") }
        let student = number(of: browser)
        let given = digits.count { $0.student == student }
        guard given < Self.digitsPerStudent else {
            throw APIError(.tooManyRequests, "you have given \(given) digits, the most one student may; thank you!")
        }
        guard digits.count < Self.maximumDigits else {
            throw APIError(.tooManyRequests, "the class set holds \(digits.count) digits, the most it may; the teacher can export and clear it")
        }
        let digit = Digit(id: nextDigit, label: label, student: student, pixels: pixels)
        if let folder {
            do {
                let png = try GrayImage(width: 28, height: 28, pixels: pixels).pngEncoded()
                try Files.createDirectory("\(folder)/\(label)")
                try Files.writeAtomically(png, to: Self.path(of: digit, in: folder))
            } catch {
                throw APIError(.internalServerError, "the digit could not be written to the class folder: \(error)")
            }
        }
        nextDigit += 1
        digits.append(digit)
        publish(.classSet(count: digits.count))
        return digit
    }

    static func path(of digit: Digit, in folder: String) -> String {
        "\(folder)/\(digit.label)/\(String(format: "%05d", digit.id)).png"
    }

    /// Deletes the class set, its files included, and tells every page.
    /// - Returns: How many digits there were.
    /// - Throws: `APIError` (500) when a file cannot be deleted (the digits not yet deleted are kept).
    func clearDigits() throws(APIError) -> Int {
        let count = digits.count
        if let folder {
            for (index, digit) in digits.enumerated() {
                do {
                    try Files.remove(Self.path(of: digit, in: folder))
                } catch {
                    digits.removeFirst(index)
                    publish(.classSet(count: digits.count))
                    throw APIError(.internalServerError, "the class folder could not be cleared: \(error)")
                }
            }
        }
        digits = []
        publish(.classSet(count: 0))
        return count
    }

    /// The class set as labelled images, in the order given.
    func images() -> LabeledImages {
        LabeledImages(rows: 28, columns: 28, pixels: digits.flatMap(\.pixels), labels: digits.map { UInt8($0.label) })
    }

    // MARK: - The teacher's view

    /// Every student known: their chapter, whether a page of theirs is connected, and the digits given.
    func students() -> [StudentSummary] {
        let now = ContinuousClock.now
        let connected = Set(subscribers.values.compactMap(\.student))
        return numbers.values.sorted().map { student in
            let seen = presence[student]
            let recent = seen.map { now - $0.seen < .seconds(Self.presenceSeconds) } ?? false
            return StudentSummary(student: student, chapter: seen?.chapter, connected: connected.contains(student) || recent,
                                  digits: digits.count { $0.student == student })
        }
    }
}

/// Where the teacher has the class.
public struct ClassPace: Codable, Sendable, Equatable {
    public let chapter: Int
    public let paused: Bool
    /// Why the class is paused ("" when it is not).
    public let message: String
}

/// One student as the teacher sees them: a number, never a name or an address.
struct StudentSummary: Encodable, Sendable {
    let student: Int
    /// The chapter their page last showed; nil before it said.
    let chapter: Int?
    let connected: Bool
    let digits: Int
}

/// What a class's pages are told, one server-sent event each.
enum ClassEvent: Sendable {
    /// The teacher moved, paused or resumed the class.
    case pace(ClassPace)
    /// The class set now holds `count` digits.
    case classSet(count: Int)
    /// The teacher's fine-tuning on the class set ended, with its figures.
    case fineTune(ClassFineTuneSummary)

    /// The event in the `text/event-stream` format.
    var serverSentEvent: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func data(_ value: some Encodable) -> String {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
        switch self {
        case .pace(let pace): return "event: pace\ndata: \(data(pace))\n\n"
        case .classSet(let count): return "event: classSet\ndata: \(data(["count": count]))\n\n"
        case .fineTune(let summary): return "event: fineTune\ndata: \(data(summary))\n\n"
        }
    }
}
