// Safetensors: a strict, validated reader and a deterministic writer of the safetensors format
// (https://github.com/huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
// UTF-8 JSON header, then the raw little-endian data buffer. It reads and writes whole files held in
// memory; it does not map files lazily, convert between element types, or know about networks.

/// The element type of a tensor, spelled as in the safetensors header (`"F32"`, `"BF16"`, ...).
///
/// Only the byte-sized element types of the format are supported; sub-byte types (`F4`, `F6_*`)
/// are reported as unknown when read.
public enum DType: String, Sendable, CaseIterable {
    /// IEEE 754 binary64.
    case f64 = "F64"
    /// IEEE 754 binary32.
    case f32 = "F32"
    /// IEEE 754 binary16.
    case f16 = "F16"
    /// bfloat16: the top half of a binary32.
    case bf16 = "BF16"
    /// 8-bit float with 4 exponent and 3 mantissa bits.
    case f8E4M3 = "F8_E4M3"
    /// 8-bit float with 5 exponent and 2 mantissa bits.
    case f8E5M2 = "F8_E5M2"
    /// Signed 64-bit integer.
    case i64 = "I64"
    /// Signed 32-bit integer.
    case i32 = "I32"
    /// Signed 16-bit integer.
    case i16 = "I16"
    /// Signed 8-bit integer.
    case i8 = "I8"
    /// Unsigned 64-bit integer.
    case u64 = "U64"
    /// Unsigned 32-bit integer.
    case u32 = "U32"
    /// Unsigned 16-bit integer.
    case u16 = "U16"
    /// Unsigned 8-bit integer.
    case u8 = "U8"
    /// Boolean, one byte per element (0 or 1).
    case bool = "BOOL"

    /// The size of one element in bytes.
    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .f8E4M3, .f8E5M2, .i8, .u8, .bool: return 1
        }
    }

    /// The position of this type in the reference implementation's `Dtype` enum, which is declared
    /// in increasing alignment order. Its writer sorts tensors by this rank, descending, then by
    /// name; using the same rank makes our headers byte-identical to the reference writer's.
    var writerRank: Int {
        switch self {
        case .bool: return 0
        case .u8: return 1
        case .i8: return 2
        case .f8E5M2: return 3
        case .f8E4M3: return 4
        case .i16: return 5
        case .u16: return 6
        case .f16: return 7
        case .bf16: return 8
        case .i32: return 9
        case .u32: return 10
        case .f32: return 11
        case .f64: return 12
        case .i64: return 13
        case .u64: return 14
        }
    }
}
