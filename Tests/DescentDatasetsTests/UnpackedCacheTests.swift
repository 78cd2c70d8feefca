@testable import DescentDatasets
import DescentFileIO
import DescentTestSupport
import Foundation
import Testing

/// The decompressed copies of the gzip files: they may change how long a load takes, never what it gives.
@Suite("Unpacked cache")
struct UnpackedCacheTests {
    /// An MNIST-shaped folder (10,010 training and 20 test images of varied bytes), gzipped.
    func makeFolder() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        var generator = SystemRandomNumberGenerator()
        func write(_ name: String, _ bytes: [UInt8]) throws {
            try Files.writeAtomically(Gzip.compress(bytes), to: folder.file(name + ".gz"))
        }
        let pixels = (0..<(10_010 * 784)).map { _ in UInt8.random(in: 0...3, using: &generator) * 60 }
        try write("train-images-idx3-ubyte", idx([10_010, 28, 28], payload: pixels))
        try write("train-labels-idx1-ubyte", idx([10_010], payload: (0..<10_010).map { UInt8($0 % 10) }))
        try write("t10k-images-idx3-ubyte", idx([20, 28, 28], payload: Array(pixels.prefix(20 * 784))))
        try write("t10k-labels-idx1-ubyte", idx([20], payload: (0..<20).map { UInt8($0 % 10) }))
        return folder
    }

    func expectSame(_ a: MNIST, _ b: MNIST) {
        #expect(a.training.pixels == b.training.pixels && a.training.labels == b.training.labels)
        #expect(a.validation.pixels == b.validation.pixels && a.validation.labels == b.validation.labels)
        #expect(a.test.pixels == b.test.pixels && a.test.labels == b.test.labels)
    }

    /// The cache's files, by name.
    func copies(in cache: UnpackedCache) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cache.folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test("the first load leaves a copy of each file, named by its SHA-256; the next load is served from the copies")
    func firstAndSecondLoad() throws {
        let folder = try makeFolder()
        defer { folder.remove() }
        let cache = UnpackedCache(folder: folder.file("cache"))
        let plain = try MNIST(folder: folder.path)
        expectSame(try MNIST(folder: folder.path, cache: cache), plain)
        let path = folder.file("train-images-idx3-ubyte.gz")
        let gzip = try Files.read(path)
        #expect(copies(in: cache).count == 4)
        #expect(copies(in: cache).contains("train-images-idx3-ubyte-" + SHA256.hex(SHA256.hash(gzip))))
        // The copy the next load takes is there and holds the file's content.
        let content = try Gzip.decompress(gzip, source: path)
        #expect(cache.cachedCopy(of: gzip, source: path) == content)
        expectSame(try MNIST(folder: folder.path, cache: cache), plain)
        #expect(copies(in: cache).count == 4)
    }

    @Test("a gzip file whose middle is spoiled is refused, naming it, even with a warm cache", arguments: ["garbage", "one byte"])
    func spoiledMiddle(damage: String) throws {
        let folder = try makeFolder()
        defer { folder.remove() }
        let cache = UnpackedCache(folder: folder.file("cache"))
        _ = try MNIST(folder: folder.path, cache: cache)  // warm: a good copy of every file
        let path = folder.file("train-images-idx3-ubyte.gz")
        let good = try Files.read(path)
        #expect(cache.cachedCopy(of: good, source: path) != nil)

        // The header and the trailer (CRC-32 and length of the content) are left as they were.
        var gzip = good
        if damage == "garbage" {
            for index in 20..<(gzip.count - 8) { gzip[index] = 0xff }
        } else {
            gzip[gzip.count / 2] ^= 0x01
        }
        try Files.writeAtomically(gzip, to: path)
        #expect(Gzip.trailer(of: gzip).map { [$0.crc32, $0.size] } == Gzip.trailer(of: good).map { [$0.crc32, $0.size] })
        #expect(cache.cachedCopy(of: gzip, source: path) == nil)
        for cached in [cache, nil] {
            do {
                _ = try MNIST(folder: folder.path, cache: cached)
                Issue.record("the spoiled \(path) was accepted (cache: \(cached != nil))")
            } catch let error as GzipError {
                #expect(error.description.hasPrefix(path + ":"), "\(error)")
            }
        }
        // Put back, the file is served from its copy again.
        try Files.writeAtomically(good, to: path)
        #expect(cache.cachedCopy(of: good, source: path) != nil)
        #expect(throws: Never.self) { try MNIST(folder: folder.path, cache: cache) }
    }

    @Test("a damaged or cut copy is not used: the file is decompressed again and the copy repaired", arguments: ["flip", "cut", "empty"])
    func damagedCopy(damage: String) throws {
        let folder = try makeFolder()
        defer { folder.remove() }
        let cache = UnpackedCache(folder: folder.file("cache"))
        let plain = try MNIST(folder: folder.path, cache: cache)
        let copy = cache.folder + "/" + (try #require(copies(in: cache).first { $0.hasPrefix("train-images") }))
        let good = try Files.read(copy)
        var bad = good
        switch damage {
        case "flip": bad[5_000] ^= 0x40
        case "cut": bad.removeLast(100)
        default: bad = []
        }
        try Files.writeAtomically(bad, to: copy)
        expectSame(try MNIST(folder: folder.path, cache: cache), plain)
        #expect(try Files.read(copy) == good)
    }

    @Test("a cache folder that cannot be written changes nothing")
    func unwritableFolder() throws {
        let folder = try makeFolder()
        defer { folder.remove() }
        // A folder inside a regular file can never be created.
        let cache = UnpackedCache(folder: folder.file("train-labels-idx1-ubyte.gz") + "/cache")
        expectSame(try MNIST(folder: folder.path, cache: cache), try MNIST(folder: folder.path))
        expectSame(try MNIST(folder: folder.path, cache: cache), try MNIST(folder: folder.path))
    }

    @Test("a gzip file of two members, whose trailer is the second's, is not cached")
    func twoMembers() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let first = idx([3], payload: [1, 2, 3])
        let compressed = Gzip.compress(first) + Gzip.compress([9, 9, 9, 9])
        let cache = UnpackedCache(folder: folder.file("cache"))
        #expect(try cache.decompress(compressed, source: "two.gz") == Gzip.decompress(compressed, source: "two.gz"))
        #expect(copies(in: cache).isEmpty)
    }

    @Test("a gzip trailer and a CRC-32 as zlib and RFC 1952 give them")
    func trailerAndCRC() throws {
        let bytes = Array("The quick brown fox jumps over the lazy dog".utf8)
        #expect(Gzip.crc32(bytes) == 0x414F_A339)  // the classic check value
        let trailer = try #require(Gzip.trailer(of: Gzip.compress(bytes)))
        #expect(trailer.crc32 == 0x414F_A339 && trailer.size == UInt32(bytes.count))
        #expect(Gzip.trailer(of: bytes) == nil)
    }
}
