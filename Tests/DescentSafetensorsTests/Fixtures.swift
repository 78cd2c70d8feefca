@testable import DescentSafetensors

/// Builders for hand-made safetensors bytes, so each test states exactly what is on disk.
enum Fixtures {
    /// The 8-byte little-endian encoding of `value`.
    static func lengthField(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    /// A file made of `header` (as UTF-8, padded with spaces to a multiple of 8 when `padded`),
    /// preceded by its true length and followed by `data`.
    static func file(header: String, data: [UInt8] = [], padded: Bool = false) -> [UInt8] {
        var headerBytes = Array(header.utf8)
        if padded {
            headerBytes += [UInt8](repeating: UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8)
        }
        return lengthField(UInt64(headerBytes.count)) + headerBytes + data
    }

    /// The little-endian bytes of `values` as `F32`.
    static func f32Bytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt32($0))) } }
    }

    /// A header with one `F32` tensor `"a"` of shape `[2]` and its 8 data bytes: the smallest
    /// interesting valid file.
    static let oneTensorHeader = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#

    /// The error that decoding `bytes` throws, or `nil` if it decodes.
    static func decodingError(_ bytes: [UInt8], source: String = "test.safetensors") -> SafetensorsError? {
        do {
            _ = try SafetensorsFile(bytes: bytes, source: source)
            return nil
        } catch {
            return error
        }
    }

    /// The error that decoding a file with `header` and `data` throws, or `nil` if it decodes.
    static func headerError(_ header: String, data: [UInt8] = []) -> SafetensorsError? {
        decodingError(file(header: header, data: data))
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small seeded generator so random tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
