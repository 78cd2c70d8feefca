import DescentFileIO
import DescentLinearAlgebra

/// A folder of decompressed copies of gzip files, so that loading MNIST again skips the inflate:
/// about 0.15 s, a seventh of training the video's network.
///
/// A copy is named by the SHA-256 of the whole gzip file, so that a change to any byte of the file
/// (a deflate stream overwritten with garbage and a trailer left intact, say) misses the cache and
/// the file is decompressed, and refused, as it would be without a cache. The hash grows with the
/// gzip file: from swift-crypto's 26-50 ms for 47 MB (docs/performance.md), about 5-10 ms for MNIST's
/// 9.7 MB training images, against the inflate's 0.14 s. A copy is used
/// only when its own length and CRC-32 are those the gzip trailer records; anything else (a
/// missing, truncated or damaged copy, an unwritable folder) falls back to decompressing the file, so
/// the cache can change how long loading takes, never what it gives. Copies are written atomically
/// and can be deleted at any time.
public struct UnpackedCache: Sendable, Hashable {
    /// Where the copies are kept (created when the first one is written).
    public let folder: String

    /// A cache whose copies are kept in `folder`.
    public init(folder: String) {
        self.folder = folder
    }

    /// The decompressed content of `compressed`, the bytes of the gzip file `source`: the cached
    /// copy when it checks out, else decompressed and stored for next time (if the folder can be
    /// written; if not, nothing is stored and nothing fails).
    /// - Parameters:
    ///   - compressed: The whole gzip file.
    ///   - source: Names the file in errors and in the copy's name.
    ///   - limit: The most bytes the content may take.
    /// - Throws: `GzipError` naming `source`, as `Gzip.decompress` does.
    /// - Complexity: O(size of the file + size of the content): the file's SHA-256, then a read and
    ///   a CRC-32 of the copy when it is there.
    public func decompress(_ compressed: [UInt8], source: String, limit: Int = 1 << 30) throws(GzipError) -> [UInt8] {
        guard let trailer = Gzip.trailer(of: compressed), Int(trailer.size) < limit else {
            return try Gzip.decompress(compressed, source: source, limit: limit)
        }
        let path = copyPath(of: source, sha256: SHA256.hash(compressed))
        if let copy = copy(at: path, trailer: trailer) { return copy }
        let bytes = try Gzip.decompress(compressed, source: source, limit: limit)
        // zlib has checked the trailer of the first gzip member; a file of several members ends with
        // another member's trailer, and is not cached.
        if bytes.count == Int(trailer.size), Gzip.crc32(bytes) == trailer.crc32 {
            try? Files.createDirectory(folder)
            try? Files.writeAtomically(bytes, to: path)
        }
        return bytes
    }

    /// The copy of the gzip file `compressed` (named `source`) that `decompress` would use, or nil
    /// when there is none that checks out.
    func cachedCopy(of compressed: [UInt8], source: String) -> [UInt8]? {
        guard let trailer = Gzip.trailer(of: compressed) else { return nil }
        return copy(at: copyPath(of: source, sha256: SHA256.hash(compressed)), trailer: trailer)
    }

    /// The copy at `path` when it is there and its length and CRC-32 are the trailer's.
    private func copy(at path: String, trailer: (crc32: UInt32, size: UInt32)) -> [UInt8]? {
        guard let copy = try? Files.read(path, limit: Int(trailer.size), advise: HugePages.advise), copy.count == Int(trailer.size),
              Gzip.crc32(copy) == trailer.crc32 else { return nil }
        return copy
    }

    /// The copy of the gzip file `source` whose bytes hash to `sha256`: its name without `.gz`, then
    /// the digest in hexadecimal.
    func copyPath(of source: String, sha256: [UInt8]) -> String {
        var name = Files.fileName(of: source)
        if name.hasSuffix(".gz") { name.removeLast(3) }
        return "\(folder)/\(name)-\(SHA256.hex(sha256))"
    }
}
