/// Why bytes are not a valid safetensors file. Every case names the `source` (usually the path)
/// and says what was expected and what was found; `description` is one line starting with the source.
///
/// Tensor names, keys and found values in the messages are written as JSON, so that hostile text
/// cannot break the line.
public enum SafetensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is shorter than the 8-byte header length that starts every safetensors file.
    case fileTooShort(source: String, found: Int)
    /// The header length is 0; a header is at least `{}`.
    case emptyHeader(source: String)
    /// The header length exceeds `limit` (100,000,000 bytes, as in the reference implementation).
    case headerTooLarge(source: String, limit: Int, found: UInt64)
    /// The header length claims `expected` bytes but only `found` bytes follow it.
    case headerTruncated(source: String, expected: UInt64, found: Int)
    /// The header is not valid UTF-8 at byte `offset` of the header.
    case headerNotUTF8(source: String, offset: Int)
    /// The header does not start with `{`: it is not a JSON object.
    case headerNotObject(source: String, found: String)
    /// The header is not valid JSON at byte `offset` of the header.
    case invalidJSON(source: String, offset: Int, expected: String, found: String)
    /// The header nests arrays and objects deeper than `limit` levels.
    case nestingTooDeep(source: String, offset: Int, limit: Int)
    /// Two tensors in the header have the same name.
    case duplicateTensorName(source: String, name: String)
    /// An object inside the header (a tensor entry or `__metadata__`) repeats `key`.
    case duplicateKey(source: String, key: String, offset: Int)
    /// A tensor's entry is not a JSON object.
    case tensorNotObject(source: String, tensor: String, found: String)
    /// A tensor's entry lacks `field` (`dtype`, `shape` or `data_offsets`).
    case missingField(source: String, tensor: String, field: String)
    /// A tensor's entry has a field other than `dtype`, `shape` and `data_offsets`.
    case unknownField(source: String, tensor: String, field: String)
    /// A tensor's `dtype` is not one of `DType`'s raw values.
    case unknownDType(source: String, tensor: String, found: String)
    /// A tensor's `shape` is not an array of non-negative integers.
    case invalidShape(source: String, tensor: String, found: String)
    /// The product of a tensor's shape, or that times the element size, overflows.
    case elementCountOverflow(source: String, tensor: String, shape: [Int])
    /// A tensor's `data_offsets` is not two non-negative integers `[begin, end]` with `begin <= end`.
    case invalidDataOffsets(source: String, tensor: String, found: String)
    /// A tensor's shape and element type need `expected` bytes but its offsets span `found`.
    case byteLengthMismatch(source: String, tensor: String, expected: Int, found: Int)
    /// A tensor's data starts at `found`, after the previous tensor ended at `expected`.
    case gapInData(source: String, tensor: String, expected: Int, found: Int)
    /// A tensor's data starts at `found`, before the previous tensor ended at `expected`.
    case overlappingData(source: String, tensor: String, expected: Int, found: Int)
    /// The tensors cover `expected` bytes but the data buffer has `found`: bytes nobody owns.
    case trailingBytes(source: String, expected: Int, found: Int)
    /// The tensors need `expected` bytes of data but the buffer has only `found`.
    case dataTruncated(source: String, expected: Int, found: Int)
    /// `__metadata__` is not a JSON object.
    case metadataNotObject(source: String, found: String)
    /// A `__metadata__` value is not a string.
    case metadataValueNotString(source: String, key: String, found: String)

    /// The file or buffer the error is about.
    public var source: String {
        switch self {
        case .fileTooShort(let source, _), .emptyHeader(let source), .headerTooLarge(let source, _, _),
            .headerTruncated(let source, _, _), .headerNotUTF8(let source, _), .headerNotObject(let source, _),
            .invalidJSON(let source, _, _, _), .nestingTooDeep(let source, _, _), .duplicateTensorName(let source, _),
            .duplicateKey(let source, _, _), .tensorNotObject(let source, _, _), .missingField(let source, _, _),
            .unknownField(let source, _, _), .unknownDType(let source, _, _), .invalidShape(let source, _, _),
            .elementCountOverflow(let source, _, _), .invalidDataOffsets(let source, _, _),
            .byteLengthMismatch(let source, _, _, _), .gapInData(let source, _, _, _),
            .overlappingData(let source, _, _, _), .trailingBytes(let source, _, _), .dataTruncated(let source, _, _),
            .metadataNotObject(let source, _), .metadataValueNotString(let source, _, _):
            return source
        }
    }

    /// One line: the source, then what was expected and what was found.
    public var description: String {
        "\(source): \(problem)"
    }

    /// The message without the source.
    private var problem: String {
        let q = { (text: String) in JSONWriter.quoted(text) }  // Names as JSON strings: one line.
        switch self {
        case .fileTooShort(_, let found):
            return "file is \(found) bytes, shorter than the 8-byte header length every safetensors file starts with"
        case .emptyHeader:
            return "header length is 0; expected a JSON object of at least 2 bytes"
        case .headerTooLarge(_, let limit, let found):
            return "header claims \(found) bytes, more than the \(limit) allowed"
        case .headerTruncated(_, let expected, let found):
            return "header claims \(expected) bytes but only \(found) follow"
        case .headerNotUTF8(_, let offset):
            return "header is not valid UTF-8 at byte \(offset)"
        case .headerNotObject(_, let found):
            return "header must be a JSON object starting with '{', found \(found)"
        case .invalidJSON(_, let offset, let expected, let found):
            return "header is not valid JSON at byte \(offset): expected \(expected), found \(found)"
        case .nestingTooDeep(_, let offset, let limit):
            return "header nests arrays and objects more than \(limit) deep at byte \(offset)"
        case .duplicateTensorName(_, let name):
            return "tensor \(q(name)) appears twice in the header"
        case .duplicateKey(_, let key, let offset):
            return "key \(q(key)) appears twice in the same object at byte \(offset) of the header"
        case .tensorNotObject(_, let tensor, let found):
            return "tensor \(q(tensor)): expected an object with dtype, shape and data_offsets, found \(found)"
        case .missingField(_, let tensor, let field):
            return "tensor \(q(tensor)): missing field \(q(field))"
        case .unknownField(_, let tensor, let field):
            return "tensor \(q(tensor)): unknown field \(q(field)); expected only dtype, shape and data_offsets"
        case .unknownDType(_, let tensor, let found):
            let known = DType.allCases.map(\.rawValue).joined(separator: ", ")
            return "tensor \(q(tensor)): dtype \(found) is not one of \(known)"
        case .invalidShape(_, let tensor, let found):
            return "tensor \(q(tensor)): shape must be an array of non-negative integers, found \(found)"
        case .elementCountOverflow(_, let tensor, let shape):
            return "tensor \(q(tensor)): shape \(shape) has too many elements to address"
        case .invalidDataOffsets(_, let tensor, let found):
            return "tensor \(q(tensor)): data_offsets must be [begin, end] with 0 <= begin <= end, found \(found)"
        case .byteLengthMismatch(_, let tensor, let expected, let found):
            return "tensor \(q(tensor)): shape and dtype need \(expected) bytes but data_offsets span \(found)"
        case .gapInData(_, let tensor, let expected, let found):
            return "tensor \(q(tensor)): data starts at \(found), leaving a gap after the previous tensor ended at \(expected)"
        case .overlappingData(_, let tensor, let expected, let found):
            return "tensor \(q(tensor)): data starts at \(found), overlapping the previous tensor that ends at \(expected)"
        case .trailingBytes(_, let expected, let found):
            return "tensors cover \(expected) bytes of data but \(found) follow the header; the last \(found - expected) belong to no tensor"
        case .dataTruncated(_, let expected, let found):
            return "tensors need \(expected) bytes of data but only \(found) follow the header; the file is truncated"
        case .metadataNotObject(_, let found):
            return "__metadata__ must be an object of strings, found \(found)"
        case .metadataValueNotString(_, let key, let found):
            return "__metadata__ value for \(q(key)) must be a string, found \(found)"
        }
    }
}
