public import DescentFileIO

/// Labelled pictures in the image-folder layout (torchvision's `ImageFolder`, Teachable Machine's
/// download): one subfolder per class, named after it, holding PNG, JPEG or PGM files.
///
/// ```
/// my-digits/
///   0/  a.png  b.jpg
///   7/  seven-on-paper.jpg
/// ```
///
/// Every picture is prepared as MNIST's digits were (`DigitPreparation`), so a network trained on
/// MNIST can learn from or be measured on it. Files and folders whose names start with `.` are
/// skipped (a system's own files, an unfinished atomic write); everything else must fit the layout.
public struct ImageFolder: Sendable {
    /// The folder read.
    public let path: String
    /// Every picture, prepared (28x28 bytes, 0 background, 255 ink), with its class's label.
    public let images: LabeledImages
    /// Each picture's file relative to `path` (`7/seven-on-paper.jpg`), in the order of `images`.
    public let files: [String]
    /// SHA-256 of every file's relative path, size and bytes, in order, lowercase hex: identifies what
    /// the folder held when it was read.
    public let sha256: String

    /// The most pictures one folder may hold.
    public static let maximumImageCount = 100_000

    /// The folder's own name (the last part of `path`), as a model's metadata records it.
    public var name: String { Files.fileName(of: path.hasSuffix("/") ? String(path.dropLast()) : path) }

    /// Reads and prepares every picture under `path`, classes in the order of `classNames`, files in
    /// name order (byte order), so the same folder always gives the same images.
    ///
    /// - Parameters:
    ///   - path: The folder holding one subfolder per class.
    ///   - classNames: The name of each label, in label order: a subfolder must be named as one of them
    ///     (`"0"` ... `"9"` for digits, the default). An empty subfolder is allowed.
    ///   - mode: How each picture is read: a drawing, a photo, or `automatic` (the default).
    /// - Throws: `ImageFolderError` naming the folder or file at fault: not a folder, a subfolder
    ///   that is no class, a file outside the class folders, a folder inside one, no pictures at all,
    ///   more than `maximumImageCount`, or a file that is not a readable picture of a digit.
    /// - Complexity: O(total size of the pictures).
    public init(path: String, classNames: [String] = (0..<10).map(String.init),
                mode: DigitPreparation.Mode = .automatic) throws(ImageFolderError) {
        guard Files.isFolder(path) else { throw .notAFolder(path: path) }
        let root = path.hasSuffix("/") ? String(path.dropLast()) : path
        var found: [(relative: String, label: Int)] = []
        for entry in try Self.entries(in: root) {
            let entryPath = "\(root)/\(entry.name)"
            guard entry.kind == .folder else { throw .notInLabelFolder(path: entryPath, folder: root) }
            guard let label = classNames.firstIndex(of: entry.name) else {
                throw .unknownLabel(folder: entryPath, expected: classNames)
            }
            for file in try Self.entries(in: entryPath) {
                guard file.kind == .file else { throw .nestedFolder(path: "\(entryPath)/\(file.name)") }
                found.append(("\(entry.name)/\(file.name)", label))
                guard found.count <= Self.maximumImageCount else { throw .tooMany(path: root, limit: Self.maximumImageCount) }
            }
        }
        guard !found.isEmpty else { throw .noImages(path: root, expected: classNames) }
        var pixels: [UInt8] = []
        pixels.reserveCapacity(found.count * 784)
        var hasher = SHA256()
        for (relative, _) in found {
            let file = "\(root)/\(relative)"
            do {
                let bytes = try Files.read(file, limit: GrayImage.maximumFileSize)
                hasher.update(Array(relative.utf8) + [0] + (0..<8).map { UInt8(truncatingIfNeeded: bytes.count >> (8 * $0)) })
                hasher.update(bytes)
                pixels += try DigitPreparation.mnistInput(from: GrayImage(bytes: bytes, source: file), mode: mode, source: file)
            } catch let error as FileError {
                throw .unreadable(error)
            } catch let error as ImageError {
                throw .badImage(error)
            } catch {
                throw .unreadable(.unreadable(path: file, reason: "\(error)"))
            }
        }
        self.path = root
        images = LabeledImages(rows: 28, columns: 28, pixels: pixels, labels: found.map { UInt8($0.label) })
        files = found.map(\.relative)
        sha256 = SHA256.hex(hasher.finalize())
    }

    /// The entries of `folder` whose names do not start with `.`.
    static func entries(in folder: String) throws(ImageFolderError) -> [(name: String, kind: Files.EntryKind)] {
        do {
            return try Files.entries(in: folder).filter { !$0.name.hasPrefix(".") }
        } catch {
            throw .unreadable(error)
        }
    }
}

/// A folder of labelled pictures that cannot be read, naming the folder or file and what was wrong.
public enum ImageFolderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There is no folder at `path`.
    case notAFolder(path: String)
    /// A subfolder is named after no class; `expected` lists the names allowed.
    case unknownLabel(folder: String, expected: [String])
    /// A file (or anything not a folder) lies directly in the folder, outside the class folders.
    case notInLabelFolder(path: String, folder: String)
    /// A class folder holds a folder (or anything not a file); pictures must lie directly in it.
    case nestedFolder(path: String)
    /// No class folder holds a picture.
    case noImages(path: String, expected: [String])
    /// The folder holds more than `limit` pictures.
    case tooMany(path: String, limit: Int)
    /// A folder or file could not be listed or read.
    case unreadable(FileError)
    /// A file is not a readable picture, or shows no ink.
    case badImage(ImageError)

    /// One line naming the folder or file, what was wrong, and what was expected.
    public var description: String {
        switch self {
        case .notAFolder(let path):
            return "\(path): no such folder; expected a folder with one subfolder of pictures per label"
        case .unknownLabel(let folder, let expected):
            return "\(folder): a folder named after no label; expected folders named \(Self.list(expected))"
        case .notInLabelFolder(let path, let folder):
            return "\(path): not in a label folder; pictures go in \(folder)/<label>/, one folder per label"
        case .nestedFolder(let path):
            return "\(path): a folder inside a label folder; pictures must lie directly in their label's folder"
        case .noImages(let path, let expected):
            return "\(path): holds no pictures; expected subfolders named \(Self.list(expected)) with PNG or JPEG files in them"
        case .tooMany(let path, let limit):
            return "\(path): holds more than \(limit) pictures, the most one folder may have"
        case .unreadable(let error):
            return error.description
        case .badImage(let error):
            return error.description
        }
    }

    static func list(_ names: [String]) -> String {
        names.count <= 12 ? names.joined(separator: ", ") : names.prefix(12).joined(separator: ", ") + ", ..."
    }
}
