import DescentFileIO
import DescentTestSupport
import Testing

@Suite("Reading files: whole, or only their ends")
struct FileReadTests {
    @Test("a whole file, its buffer offered to `advise` before a byte is written")
    func wholeFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try Files.writeAtomically(bytes, to: folder.file("data"))
        var advised = 0
        #expect(try Files.read(folder.file("data"), advise: { advised = $0.count }) == bytes)
        #expect(advised == bytes.count)
        #expect(try Files.read(folder.file("data")) == bytes)
        #expect(throws: FileError.tooLarge(path: folder.file("data"), limit: 10, found: bytes.count)) {
            try Files.read(folder.file("data"), limit: 10)
        }
    }

    @Test("the first and last bytes and the size, for long, short and empty files")
    func ends() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        try Files.writeAtomically(bytes, to: folder.file("long"))
        let long = try Files.readEnds(folder.file("long"), head: 2, tail: 8)
        #expect(long.head == [0, 1] && long.tail == Array(bytes.suffix(8)) && long.size == 1000)
        try Files.writeAtomically([5, 6, 7], to: folder.file("short"))
        let short = try Files.readEnds(folder.file("short"), head: 2, tail: 8)
        #expect(short.head == [5, 6] && short.tail == [5, 6, 7] && short.size == 3)
        try Files.writeAtomically([], to: folder.file("empty"))
        let empty = try Files.readEnds(folder.file("empty"), head: 2, tail: 8)
        #expect(empty.head.isEmpty && empty.tail.isEmpty && empty.size == 0)
        #expect(throws: FileError.notFound(path: folder.file("none"))) { try Files.readEnds(folder.file("none"), head: 2, tail: 8) }
        #expect(throws: FileError.self) { try Files.readEnds(folder.path, head: 2, tail: 8) }
    }
}
