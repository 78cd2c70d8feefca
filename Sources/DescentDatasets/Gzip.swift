import CDescentZlib
import DescentLinearAlgebra

/// A gzip (or zlib) stream that could not be decompressed.
public enum GzipError: Error, Equatable, Sendable, CustomStringConvertible {
    /// zlib rejected the data; `reason` is zlib's message.
    case corrupt(source: String, reason: String)
    /// The stream ended before its end marker.
    case truncated(source: String)
    /// The decompressed data would exceed `limit` bytes (a decompression bomb, or the wrong file).
    case tooLarge(source: String, limit: Int)

    /// One line for a person: the source, then what zlib found.
    public var description: String {
        switch self {
        case .corrupt(let source, let reason):
            return "\(source): corrupt gzip data (\(reason))"
        case .truncated(let source):
            return "\(source): gzip data ends early; the file is truncated"
        case .tooLarge(let source, let limit):
            return "\(source): decompresses to more than \(limit) bytes; refusing it"
        }
    }
}

/// Decompression of gzip files through zlib.
package enum Gzip {
    /// Whether `bytes` start with the gzip magic number 1f 8b (RFC 1952, section 2.3.1).
    package static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Decompresses a whole gzip stream.
    ///
    /// The output grows as it is produced and never beyond `limit`, so a file whose header claims
    /// a huge size, or a decompression bomb, costs no more than `limit` bytes.
    /// - Parameters:
    ///   - bytes: The compressed stream.
    ///   - source: Names the data in errors (usually its path).
    ///   - limit: The most bytes the result may hold.
    /// - Throws: `GzipError`.
    /// - Complexity: O(size of the output).
    package static func decompress(_ bytes: [UInt8], source: String, limit: Int = 1 << 30) throws(GzipError) -> [UInt8] {
        var stream = z_stream()
        guard descent_inflateInit_gzip(&stream) == Z_OK else {
            throw .corrupt(source: source, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        // Uninitialised: inflate writes every byte that is kept, and zeroing 47 MB first cost time.
        let capacity = initialCapacity(for: bytes, limit: limit)
        var output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            HugePages.advise(UnsafeMutableRawBufferPointer(buffer))  // MNIST's training images: see `HugePages`
            count = capacity
        }
        var produced = 0
        var status = Z_OK
        try bytes.withUnsafeBufferPointer { (input) throws(GzipError) in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            while status != Z_STREAM_END {
                if produced == output.count {
                    guard output.count < limit else { throw .tooLarge(source: source, limit: limit) }
                    let more = min(output.count, limit - output.count)
                    output += [UInt8](unsafeUninitializedCapacity: more) { _, count in count = more }
                }
                let room = min(output.count - produced, Int(UInt32.max))
                status = output.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress! + produced
                    stream.avail_out = uInt(room)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                    return result
                }
                switch status {
                case Z_OK, Z_STREAM_END:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw .truncated(source: source)
                case Z_BUF_ERROR:
                    continue
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw .corrupt(source: source, reason: message)
                }
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// What the gzip trailer of `bytes` says the decompressed data is (RFC 1952, 2.3.1): its CRC-32
    /// and its length mod 2^32; nil when `bytes` is not a gzip stream long enough to have one. A
    /// claim, not a fact, until the data is decompressed and checked.
    package static func trailer(of bytes: [UInt8]) -> (crc32: UInt32, size: UInt32)? {
        guard isCompressed(bytes), bytes.count >= 18 else { return nil }
        return trailer(lastEight: bytes.suffix(8))
    }

    /// The CRC-32 and length of a gzip trailer, its 8 little-endian bytes.
    static func trailer(lastEight bytes: ArraySlice<UInt8>) -> (crc32: UInt32, size: UInt32) {
        func word(at offset: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 | UInt32(bytes[bytes.startIndex + offset + $1]) << (8 * $1) }
        }
        return (word(at: 0), word(at: 4))
    }

    /// The CRC-32 of `bytes`, as gzip's trailer holds it (zlib's `crc32`).
    /// - Complexity: O(`bytes.count`); about 4 GB/s.
    package static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(CDescentZlib.crc32_z(0, buffer.baseAddress, z_size_t(buffer.count)))
        }
    }

    /// deflate's best ratio is about 1032:1 (RFC 1951: a 258-byte match in as little as two bits,
    /// zlib's "technical details"); no stream of `n` bytes decompresses to more than this times `n`.
    static let maximumRatio = 1032

    /// The output buffer to start with for `bytes`: the gzip trailer's ISIZE (RFC 1952, 2.3.1, the
    /// size mod 2^32) is only a hint, believed no further than `limit` and than what deflate could
    /// produce from `bytes.count` bytes, so a 100-byte file whose trailer claims 4 GB costs 64 KB, not
    /// `limit`. The output still grows if the hint is low.
    static func initialCapacity(for bytes: [UInt8], limit: Int) -> Int {
        let hint = bytes.count >= 18 ? bytes.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) } : 0
        let plausible = min(hint, bytes.count * maximumRatio)
        return min(limit, max(1 << 16, plausible + 1))
    }

    /// Compresses `bytes` as a gzip stream (RFC 1952) with zlib's default level.
    /// - Complexity: O(`bytes.count`).
    package static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard descent_deflateInit_gzip(&stream, Z_DEFAULT_COMPRESSION) == Z_OK else {
            preconditionFailure("zlib could not start deflate")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
        var input = bytes
        let produced = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate: status \(status) with a bound-sized buffer")
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<produced])
    }
}
