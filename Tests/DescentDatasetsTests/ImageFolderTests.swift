import DescentDatasets
import DescentFileIO
import DescentTestSupport
import Testing

@Suite("ImageFolder: one subfolder of pictures per label")
struct ImageFolderTests {
    /// A folder with a 7 as PNG, a 1 as JPEG, a 0 as PNG, and a hidden file, in label folders 0, 1, 7.
    static func makeFolder() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory("image-folder")
        for name in ["0", "1", "7", "5"] { try Files.createDirectory(folder.file(name)) }
        try Files.writeAtomically(try Sketch.seven.picture(width: 90, height: 90, origin: (10, 10), size: 70).pngEncoded(), to: folder.file("7/b.png"))
        try Files.writeAtomically(try Sketch.one.picture(width: 90, height: 90, origin: (10, 10), size: 70).jpegEncoded(quality: 90), to: folder.file("1/a.jpg"))
        try Files.writeAtomically(try Sketch.zero.picture(width: 90, height: 90, origin: (10, 10), size: 70).pngEncoded(), to: folder.file("0/z.png"))
        try Files.writeAtomically(Array("not a picture".utf8), to: folder.file("7/.DS_Store"))
        return folder
    }

    @Test func readsLabelsFromFolderNamesInOrder() throws {
        let folder = try Self.makeFolder()
        defer { folder.remove() }
        let read = try ImageFolder(path: folder.path)
        #expect(read.files == ["0/z.png", "1/a.jpg", "7/b.png"])
        #expect(read.images.labels == [0, 1, 7])
        #expect(read.images.count == 3 && read.images.rows == 28 && read.images.columns == 28)
        // Each prepared as a drawing is: the same bytes as DigitPreparation gives for the file.
        let seven = try DigitPreparation.mnistInput(from: GrayImage.read(folder.file("7/b.png")))
        #expect(Array(read.images.image(2)) == seven)
        #expect(read.name == Files.fileName(of: folder.path))
        // The same contents, the same hash; a changed file, another.
        #expect(try ImageFolder(path: folder.path + "/").sha256 == read.sha256)
        try Files.writeAtomically(try Sketch.one.picture(width: 90, height: 90, origin: (12, 10), size: 70).pngEncoded(), to: folder.file("7/b.png"))
        #expect(try ImageFolder(path: folder.path).sha256 != read.sha256)
    }

    @Test func classNamesMapFoldersToLabels() throws {
        let folder = try TemporaryDirectory("image-folder")
        defer { folder.remove() }
        for name in ["dog", "cat"] { try Files.createDirectory(folder.file(name)) }
        try Files.writeAtomically(try Sketch.zero.picture(width: 50, height: 50, origin: (5, 5), size: 40).pngEncoded(), to: folder.file("dog/1.png"))
        try Files.writeAtomically(try Sketch.one.picture(width: 50, height: 50, origin: (5, 5), size: 40).pngEncoded(), to: folder.file("cat/1.png"))
        let read = try ImageFolder(path: folder.path, classNames: ["cat", "dog"])
        #expect(read.files == ["cat/1.png", "dog/1.png"] && read.images.labels == [0, 1])
    }

    @Test func badFoldersAreErrorsNamingWhatIsWrong() throws {
        let folder = try Self.makeFolder()
        defer { folder.remove() }
        func error(_ path: String, classNames: [String] = (0..<10).map(String.init)) -> ImageFolderError? {
            do { _ = try ImageFolder(path: path, classNames: classNames); return nil } catch { return error }
        }
        #expect(error(folder.file("missing")) == .notAFolder(path: folder.file("missing")))
        // The label folder itself given: its files lie outside any label folder.
        #expect(error(folder.file("7")) == .notInLabelFolder(path: folder.file("7/b.png"), folder: folder.file("7")))
        #expect(error(folder.path, classNames: ["0", "1"]) == .unknownLabel(folder: folder.file("5"), expected: ["0", "1"]))
        #expect(error(folder.path, classNames: ["0", "1"])?.description.hasPrefix(folder.file("5") + ": a folder named after no label") == true)

        let empty = try TemporaryDirectory("image-folder")
        defer { empty.remove() }
        #expect(error(empty.path) == .noImages(path: empty.path, expected: (0..<10).map(String.init)))
        try Files.createDirectory(empty.file("3"))
        #expect(error(empty.path) == .noImages(path: empty.path, expected: (0..<10).map(String.init)))

        try Files.createDirectory(folder.file("1/more"))
        #expect(error(folder.path) == .nestedFolder(path: folder.file("1/more")))
    }

    @Test func unreadablePicturesNameTheirFile() throws {
        let folder = try Self.makeFolder()
        defer { folder.remove() }
        try Files.writeAtomically(Array("<html>".utf8), to: folder.file("5/page.png"))
        #expect(throws: ImageFolderError.badImage(.unsupportedFormat(source: folder.file("5/page.png"), found: "3c 68 74 6d 6c 3e"))) {
            try ImageFolder(path: folder.path)
        }
        try Files.remove(folder.file("5/page.png"))
        try Files.writeAtomically(try GrayImage(width: 30, height: 30, filledWith: 255).pngEncoded(), to: folder.file("5/blank.png"))
        #expect(throws: ImageFolderError.badImage(.noInk(source: folder.file("5/blank.png")))) { try ImageFolder(path: folder.path) }
        try Files.remove(folder.file("5/blank.png"))
        let good = try Sketch.one.picture(width: 60, height: 60, origin: (5, 5), size: 50).jpegEncoded(quality: 90)
        try Files.writeAtomically(Array(good.prefix(good.count / 2)), to: folder.file("5/cut.jpg"))
        let cut = #expect(throws: ImageFolderError.self) { try ImageFolder(path: folder.path) }
        #expect(cut?.description.hasPrefix(folder.file("5/cut.jpg") + ": not a readable JPEG") == true, "\(String(describing: cut))")
    }

    @Test func foldersListInByteOrder() throws {
        let folder = try TemporaryDirectory("entries")
        defer { folder.remove() }
        for name in ["b", "A", "a", ".hidden"] { try Files.writeAtomically([1], to: folder.file(name)) }
        try Files.createDirectory(folder.file("dir"))
        let entries = try Files.entries(in: folder.path)
        #expect(entries.map(\.name) == [".hidden", "A", "a", "b", "dir"])
        #expect(entries.map(\.kind) == [.file, .file, .file, .file, .folder])
        #expect(throws: FileError.notFound(path: folder.file("nope"))) { try Files.entries(in: folder.file("nope")) }
        #expect(Files.isFolder(folder.path) && !Files.isFolder(folder.file("a")))
        try Files.remove(folder.file("a"))
        #expect(!Files.exists(folder.file("a")))
        #expect(throws: FileError.notFound(path: folder.file("a"))) { try Files.remove(folder.file("a")) }
    }
}
