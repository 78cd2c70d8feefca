import DescentDatasets
import DescentFileIO

/// How much one browser, and everyone together, may keep in "my digits".
public struct MyDigitsLimits: Sendable, Equatable {
    /// The most digits one browser may keep (a shared server only; on loopback there is one collection).
    public var perBrowser: Int
    /// The most digits kept in all.
    public var total: Int
    /// The largest drawing accepted, in bytes of PNG.
    public var imageBytes: Int
    /// The largest drawing accepted, in pixels on a side.
    public var imageSide: Int

    /// 200 digits a browser, 5,000 in all, drawings of at most 64 KB and 1,024 pixels a side.
    public static let standard = MyDigitsLimits(perBrowser: 200, total: 5000, imageBytes: 64 * 1024, imageSide: 1024)

    /// Limits of your own.
    /// - Parameters:
    ///   - perBrowser: The most digits one browser may keep on a shared server.
    ///   - total: The most digits kept in all.
    ///   - imageBytes: The largest PNG accepted, in bytes.
    ///   - imageSide: The largest drawing accepted, in pixels on a side.
    public init(perBrowser: Int, total: Int, imageBytes: Int, imageSide: Int) {
        self.perBrowser = perBrowser
        self.total = total
        self.imageBytes = imageBytes
        self.imageSide = imageSide
    }
}

/// One stored digit, as the API lists it.
struct MyDigit: Codable, Sendable, Equatable {
    /// `<label>-<name>`: the label folder and the file's name without `.png`.
    let id: String
    let label: Int
}

/// "My digits": drawings a person labelled and kept, as PNG files in a folder they can see and back
/// up, one subfolder per label, the layout `ImageFolder` reads (so `descent train --extra-images` takes
/// the same folder). On loopback the folder is the one collection (`FOLDER/7/1a2b….png`); on a
/// shared server each browser has a folder of its own named by its random id (`FOLDER/<browser>/7/…`).
///
/// Every file is written atomically and named by the server (16 random hex digits), so no name from a
/// request ever reaches the file system: labels are checked to be 0...9, ids to be the server's form.
public actor MyDigitsStore {
    /// The folder holding the digits.
    public nonisolated let folder: String
    /// What one browser and everyone may keep.
    public nonisolated let limits: MyDigitsLimits
    /// Whether each browser has a folder of its own (a shared server) or there is one collection (loopback).
    public nonisolated let isPerBrowser: Bool
    private var generator: any RandomNumberGenerator & Sendable

    /// A store in `folder` (created when the first digit is added).
    /// - Parameters:
    ///   - folder: Where the digits are kept.
    ///   - perBrowser: One folder per browser (a shared server), or one collection (loopback).
    ///   - limits: What one browser and everyone may keep.
    ///   - generator: The source of browser ids and file names: the system's secure generator on a
    ///     server (`SystemRandomNumberGenerator`), a seeded one in tests.
    public init(folder: String, perBrowser: Bool, limits: MyDigitsLimits = .standard,
                generator: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        self.folder = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        self.isPerBrowser = perBrowser
        self.limits = limits
        self.generator = generator
    }

    // MARK: - Browsers

    /// Whether `text` has the form of a browser id: 32 lowercase hex digits.
    nonisolated static func isBrowserID(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// A new random browser id (128 bits).
    func newBrowserID() -> String { randomHex(bytes: 16) }

    private func randomHex(bytes: Int) -> String {
        (0..<bytes).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return String(byte >> 4, radix: 16) + String(byte & 0x0f, radix: 16)
        }.joined()
    }

    /// The folder of `browser`'s digits: the store's folder on loopback, its subfolder on a shared server.
    /// - Precondition: on a shared server, `browser` is a browser id.
    nonisolated func collection(of browser: String?) -> String {
        guard isPerBrowser else { return folder }
        precondition(browser.map(Self.isBrowserID) ?? false, "MyDigitsStore: no browser id on a shared server")
        return "\(folder)/\(browser ?? "")"
    }

    // MARK: - Reading

    /// `browser`'s digits, label by label, files in name order. Files whose names the server could not
    /// have written (other characters, other kinds) are not listed, but `images(of:)` reads them.
    func digits(of browser: String?) -> [MyDigit] {
        let root = collection(of: browser)
        return (0..<10).flatMap { label -> [MyDigit] in
            let names = (try? Files.entries(in: "\(root)/\(label)")) ?? []
            return names.compactMap { entry in
                guard entry.kind == .file, entry.name.hasSuffix(".png") else { return nil }
                let stem = String(entry.name.dropLast(4))
                return Self.isFileStem(stem) ? MyDigit(id: "\(label)-\(stem)", label: label) : nil
            }
        }
    }

    /// Whether `stem` may name a digit's file: 1 to 64 letters, digits, `-` and `_`, not starting with `-`.
    nonisolated static func isFileStem(_ stem: String) -> Bool {
        (1...64).contains(stem.utf8.count) && !stem.hasPrefix("-")
            && stem.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) || $0 == 0x2d || $0 == 0x5f }
    }

    /// The file of digit `id` in `browser`'s collection; nil when the id is not of the server's form.
    nonisolated func file(of id: String, browser: String?) -> String? {
        guard let dash = id.firstIndex(of: "-"), let label = Int(id[..<dash]), (0...9).contains(label),
              id[..<dash].count == 1 else { return nil }
        let stem = String(id[id.index(after: dash)...])
        guard Self.isFileStem(stem) else { return nil }
        return "\(collection(of: browser))/\(label)/\(stem).png"
    }

    /// The PNG of digit `id`.
    /// - Throws: `APIError` (404) when there is no such digit in `browser`'s collection.
    func png(of id: String, browser: String?) throws -> [UInt8] {
        guard let file = file(of: id, browser: browser), let bytes = try? Files.read(file, limit: limits.imageBytes * 4) else {
            throw APIError.notFound("no digit \(id) among your digits")
        }
        return bytes
    }

    /// Every picture in `browser`'s collection, prepared as a drawing (nil when it holds none), with
    /// the ids of those the gallery lists, in the same order.
    /// - Throws: `APIError` (422) naming a file that cannot be read, relative to the collection.
    func images(of browser: String?) throws -> (folder: ImageFolder, ids: [String?])? {
        let root = collection(of: browser)
        guard Files.isFolder(root) else { return nil }
        do throws(ImageFolderError) {
            let folder = try ImageFolder(path: root, mode: .automatic)
            let ids = folder.files.map { relative -> String? in
                let parts = relative.split(separator: "/")
                guard parts.count == 2, parts[1].hasSuffix(".png") else { return nil }
                let stem = String(parts[1].dropLast(4))
                return Self.isFileStem(stem) ? "\(parts[0])-\(stem)" : nil
            }
            return (folder, ids)
        } catch .noImages {
            return nil
        } catch {
            throw APIError(.unprocessableContent, "your digits cannot be read: " + error.description.replacingOccurrences(of: root + "/", with: ""))
        }
    }

    // MARK: - Writing

    /// Stores `image` (already decoded from the drawing) under `label` in `browser`'s collection.
    /// - Throws: `APIError` (429) when the browser or the server has reached its limit, (500) when
    ///   the file cannot be written.
    func add(_ image: GrayImage, label: Int, browser: String?) throws -> MyDigit {
        precondition((0...9).contains(label), "MyDigitsStore: label \(label)")
        let mine = digitCount(in: collection(of: browser))
        if isPerBrowser, mine >= limits.perBrowser {
            throw APIError(.tooManyRequests, "you keep \(mine) digits, the most one browser may; delete some first")
        }
        let everyone = isPerBrowser ? totalCount() : mine
        guard everyone < limits.total else {
            throw APIError(.tooManyRequests, "the server keeps \(everyone) digits, the most it may; delete some first")
        }
        let stem = randomHex(bytes: 8)
        let folder = "\(collection(of: browser))/\(label)"
        do {
            try Files.createDirectory(folder)
            try Files.writeAtomically(try image.pngEncoded(), to: "\(folder)/\(stem).png")
        } catch {
            throw APIError(.internalServerError, "the digit could not be stored: \(error)")
        }
        return MyDigit(id: "\(label)-\(stem)", label: label)
    }

    /// Deletes digit `id` from `browser`'s collection.
    /// - Throws: `APIError` (404) when there is no such digit there.
    func remove(_ id: String, browser: String?) throws {
        guard let file = file(of: id, browser: browser), Files.exists(file) else {
            throw APIError.notFound("no digit \(id) among your digits")
        }
        do {
            try Files.remove(file)
        } catch {
            throw APIError(.internalServerError, "the digit could not be deleted: \(error)")
        }
    }

    /// The files (names not starting with `.`) in the label folders of `collection`.
    private func digitCount(in collection: String) -> Int {
        (0..<10).reduce(0) { count, label in
            count + ((try? Files.entries(in: "\(collection)/\(label)")) ?? []).filter { $0.kind == .file && !$0.name.hasPrefix(".") }.count
        }
    }

    /// The digits of every browser's collection.
    private func totalCount() -> Int {
        ((try? Files.entries(in: folder)) ?? []).filter { $0.kind == .folder && Self.isBrowserID($0.name) }
            .reduce(0) { $0 + digitCount(in: "\(folder)/\($1.name)") }
    }
}
