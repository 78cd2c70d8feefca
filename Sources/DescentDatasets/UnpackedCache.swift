import DescentFileIO
import DescentLinearAlgebra

/// A folder of decompressed copies of gzip files, so that loading MNIST again skips the inflate:
/// about 0.15 s, a seventh of training the video's network.
///
/// A copy is named by what the gzip trailer says the content is, its CRC-32 and length, and is
/// used only when its own length and CRC-32 match them; anything else (a missing, truncated or
/// damaged copy, an unwritable folder) falls back to decompressing the file, so the cache can
/// change how long loading takes, never what it gives. Copies are written atomically and can be
/// deleted at any time.
public struct UnpackedCache: Sendable, Hashable {
    /// Where the copies are kept (created when the first one is written).
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    /// The decompressed content of `compressed`, the bytes of the gzip file `source`: the cached
    /// copy when it checks out, else decompressed and stored for next time (if the folder can be
    /// written; if not, nothing is stored and nothing fails).
    /// - Throws: `GzipError` naming `source`, as `Gzip.decompress` does.
    /// - Complexity: O(size of the output): a read and a CRC-32 when the copy is there.
    public func decompress(_ compressed: [UInt8], source: String, limit: Int = 1 << 30) throws(GzipError) -> [UInt8] {
        guard let trailer = Gzip.trailer(of: compressed), Int(trailer.size) < limit else {
            return try Gzip.decompress(compressed, source: source, limit: limit)
        }
        if let copy = copy(of: source, crc32: trailer.crc32, size: trailer.size) { return copy }
        let path = copyPath(of: source, crc32: trailer.crc32, size: trailer.size)
        let bytes = try Gzip.decompress(compressed, source: source, limit: limit)
        // zlib has checked the trailer of the first gzip member; a file of several members ends with
        // another member's trailer, and is not cached.
        if bytes.count == Int(trailer.size), Gzip.crc32(bytes) == trailer.crc32 {
            try? Files.createDirectory(folder)
            try? Files.writeAtomically(bytes, to: path)
        }
        return bytes
    }

    /// The cached content of the gzip file at `path`, found from its header and trailer alone (the
    /// file itself is not read); nil when it is not a gzip file or the cache has no good copy.
    public func content(ofGzipFile path: String, limit: Int = 1 << 30) -> [UInt8]? {
        guard let ends = try? Files.readEnds(path, head: 2, tail: 8), ends.size >= 18, Gzip.isCompressed(ends.head) else { return nil }
        let trailer = Gzip.trailer(lastEight: ends.tail[...])
        guard Int(trailer.size) < limit else { return nil }
        return copy(of: path, crc32: trailer.crc32, size: trailer.size)
    }

    /// The copy of `source` when it is there and its length and CRC-32 are the trailer's.
    private func copy(of source: String, crc32: UInt32, size: UInt32) -> [UInt8]? {
        let path = copyPath(of: source, crc32: crc32, size: size)
        guard let copy = try? Files.read(path, limit: Int(size), advise: HugePages.advise), copy.count == Int(size),
              Gzip.crc32(copy) == crc32 else { return nil }
        return copy
    }

    /// The copy of `source`'s content: its name without `.gz`, then the CRC-32 and the length.
    func copyPath(of source: String, crc32: UInt32, size: UInt32) -> String {
        var name = Files.fileName(of: source)
        if name.hasSuffix(".gz") { name.removeLast(3) }
        let hex = String(crc32, radix: 16)
        return "\(folder)/\(name)-\(String(repeating: "0", count: 8 - hex.count) + hex)-\(size)"
    }
}
