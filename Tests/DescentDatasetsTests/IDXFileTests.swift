import DescentDatasets
import DescentFileIO
import DescentTestSupport
import Testing

/// An IDX file built by hand: magic 00 00 08 rank, big-endian sizes, then the bytes.
func idx(_ dimensions: [Int], payload: [UInt8]? = nil, type: UInt8 = 0x08) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
    for size in dimensions {
        bytes += [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
    }
    return bytes + (payload ?? (0..<dimensions.reduce(1, *)).map { UInt8($0 % 251) })
}

@Suite("IDX files")
struct IDXFileTests {
    @Test("raw and gzip files parse to the same dimensions and bytes")
    func parses() throws {
        let raw = idx([3, 2, 2])
        let a = try IDXFile(contents: raw, source: "raw")
        let b = try IDXFile(contents: Gzip.compress(raw), source: "gz")
        #expect(a.dimensions == [3, 2, 2])
        #expect(a.bytes == Array(0..<12).map(UInt8.init))
        #expect(a == b)
    }

    @Test("each malformed file gets its own error naming the file")
    func malformed() {
        let cases: [(String, [UInt8], IDXError)] = [
            ("too short", [0, 0], .truncated(source: "f", expected: 4, found: 2)),
            ("bad magic", [1, 2, 8, 1, 0, 0, 0, 0], .badMagic(source: "f", found: [1, 2, 8, 1])),
            ("float elements", idx([2], payload: [], type: 0x0D), .unsupportedElementType(source: "f", found: "float")),
            ("header cut", Array(idx([2, 2])[0..<9]), .truncated(source: "f", expected: 12, found: 9)),
            ("payload cut", Array(idx([4, 4]).dropLast(3)), .truncated(source: "f", expected: 28, found: 25)),
            ("trailing", idx([2]) + [9], .trailingBytes(source: "f", expected: 10, found: 11)),
            ("rank 0", [0, 0, 8, 0], .wrongRank(source: "f", expected: 1, found: 0)),
        ]
        for (name, bytes, expected) in cases {
            #expect(throws: expected, "\(name)") { try IDXFile(contents: bytes, source: "f") }
        }
        #expect(throws: IDXError.wrongRank(source: "f", expected: 3, found: 1)) {
            try IDXFile(contents: idx([5]), source: "f", expectedRank: 3)
        }
        #expect(IDXError.truncated(source: "data/x.idx", expected: 28, found: 25).description.hasPrefix("data/x.idx:"))
    }

    @Test("a 100-byte file claiming 2^31 images is refused without allocating them")
    func hugeClaim() {
        var header = idx([1 << 31 - 1, 28, 28], payload: [])
        header += [UInt8](repeating: 0, count: 100 - header.count)
        #expect(throws: IDXError.self) { try IDXFile(contents: header, source: "huge") }
        let claimsMore = idx([60_000, 28, 28], payload: [UInt8](repeating: 0, count: 84))
        #expect(throws: IDXError.truncated(source: "f", expected: 16 + 60_000 * 784, found: 100)) {
            try IDXFile(contents: claimsMore, source: "f")
        }
    }

    @Test("corrupt and truncated gzip are errors")
    func badGzip() {
        let good = Gzip.compress(idx([50, 10]))
        #expect(throws: GzipError.truncated(source: "g")) { try IDXFile(contents: Array(good.dropLast(12)), source: "g") }
        var corrupt = good
        corrupt[12] ^= 0xFF
        corrupt[13] ^= 0xFF
        #expect(throws: GzipError.self) { try IDXFile(contents: corrupt, source: "g") }
        #expect(throws: GzipError.self) { try Gzip.decompress([0x1f, 0x8b, 1, 2, 3], source: "g") }
        #expect(throws: GzipError.tooLarge(source: "g", limit: 100)) {
            try Gzip.decompress(Gzip.compress([UInt8](repeating: 7, count: 1000)), source: "g", limit: 100)
        }
    }
}
