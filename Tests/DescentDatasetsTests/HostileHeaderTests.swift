@testable import DescentDatasets
import Testing

/// Headers that claim more than the file holds are refused before anything of the claimed size is
/// allocated. tests/robustness/hostile_headers.sh measures the peak memory of the same files read
/// by `descent`; here the errors, and the allocation sizes the code chooses, are checked.
@Suite("Hostile headers")
struct HostileHeaderTests {
    /// A ~100-byte IDX file whose header claims 2^31 images of 28x28.
    static let claims2To31Images = idx([1 << 31, 28, 28], payload: [UInt8](repeating: 0, count: 84))

    @Test("a 100-byte IDX file claiming 2^31 images is refused as too large")
    func idxClaimingBillionsOfImages() {
        #expect(Self.claims2To31Images.count == 100)
        #expect(throws: IDXError.tooLarge(source: "f", dimensions: [1 << 31])) {
            try IDXFile(contents: Self.claims2To31Images, source: "f")
        }
        // gzip-compressed, the same.
        #expect(throws: IDXError.tooLarge(source: "f", dimensions: [1 << 31])) {
            try IDXFile(contents: Gzip.compress(Self.claims2To31Images), source: "f")
        }
    }

    @Test("an IDX file claiming just under 2^31 bytes is refused as truncated")
    func idxClaimingJustUnderTheLimit() {
        let bytes = idx([(1 << 31) - 1], payload: [1, 2, 3])
        #expect(throws: IDXError.truncated(source: "f", expected: 8 + (1 << 31) - 1, found: 11)) {
            try IDXFile(contents: bytes, source: "f")
        }
    }

    @Test("a gzip trailer claiming 4 GB costs 64 KB, not the 1 GB limit (it cost 1 GB before)")
    func gzipTrailerClaimingGigabytes() throws {
        var bytes = Gzip.compress(Self.claims2To31Images)
        bytes.replaceSubrange(bytes.count - 4..<bytes.count, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(bytes.count < 100)
        #expect(Gzip.initialCapacity(for: bytes, limit: 1 << 30) == 1 << 16)
        #expect(throws: GzipError.self) { try Gzip.decompress(bytes, source: "f") }
        // An honest trailer is still used for a single allocation.
        var state: UInt32 = 1
        let noise = (0..<(1 << 20)).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223  // Numerical Recipes' LCG: incompressible enough.
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        let large = Gzip.compress(noise)
        #expect(Gzip.initialCapacity(for: large, limit: 1 << 30) == (1 << 20) + 1)
    }

    @Test("a small PNG whose header claims 10000x10000 pixels is refused before they are allocated")
    func pngClaimingMorePixelsThanItHolds() throws {
        var png = try GrayImage(width: 8, height: 8, filledWith: 0).pngEncoded()
        png.replaceSubrange(16..<24, with: [0, 0, 0x27, 0x10, 0, 0, 0x27, 0x10])  // 10000 x 10000
        let crc = crc32(Array(png[12..<29]))  // IHDR's type and data, so that libpng accepts the chunk
        png.replaceSubrange(29..<33, with: [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)])
        #expect(throws: ImageError.self) { try GrayImage(pngBytes: png, source: "f") }
        do {
            _ = try GrayImage(pngBytes: png, source: "f")
        } catch {
            #expect(error.description.contains("claims 10000x10000 pixels"), "\(error)")
        }
        // A real image of that size compresses to about 12 KB at the least: still accepted by the check.
        #expect(throws: Never.self) {
            try PNGCodec.checkPlausible(width: 10_000, height: 10_000, fileSize: 13_000, source: "f")
        }
    }
}

/// CRC-32 as PNG uses it (ISO 3309, PNG spec annex D).
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
    }
    return ~crc
}
