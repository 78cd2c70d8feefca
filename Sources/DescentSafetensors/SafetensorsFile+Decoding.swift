// Reading: every length, offset and name is checked before any of it is used, and nothing is
// allocated from a size the file claims until that size has been compared with the bytes present.

extension SafetensorsFile {
    /// The largest header accepted, in bytes: the reference implementation's limit.
    public static let maximumHeaderSize = 100_000_000

    /// The header key that holds metadata instead of a tensor.
    static let metadataKey = "__metadata__"

    /// Decodes and validates a whole safetensors file held in memory.
    ///
    /// Checks, each with its own `SafetensorsError` case: the 8-byte length is present, non-zero, at
    /// most `maximumHeaderSize` and no more than the bytes that follow; the header is UTF-8, starts
    /// with `{`, and is strict JSON (no duplicate keys, nesting at most 64 deep); each tensor entry
    /// has exactly `dtype`, `shape` and `data_offsets` with a known dtype, non-negative extents whose
    /// byte size neither overflows nor differs from `end - begin`; the tensors tile the data buffer
    /// exactly (no gap, overlap, trailing or missing byte); `__metadata__` maps strings to strings.
    ///
    /// Unknown fields in a tensor entry are refused rather than ignored (the reference reader ignores
    /// them): no writer produces them, and refusing catches misspellings such as `data_offset`.
    ///
    /// - Parameters:
    ///   - bytes: The whole file.
    ///   - source: Names the bytes in errors, usually the path they were read from.
    /// - Throws: `SafetensorsError` naming `source`.
    /// - Complexity: O(`bytes.count`), plus O(t log t) to sort t tensors by offset.
    public init(bytes: [UInt8], source: String) throws(SafetensorsError) {
        let headerLength = try Self.headerLength(of: bytes, source: source)
        let members = try Self.headerMembers(Array(bytes[8..<(8 + headerLength)]), source: source)
        var metadata: [String: String] = [:]
        var entries: [TensorEntry] = []
        entries.reserveCapacity(members.count)
        for member in members {
            if member.key == Self.metadataKey {
                metadata = try Self.metadata(from: member.value, source: source)
            } else {
                entries.append(try TensorEntry(name: member.key, value: member.value, source: source))
            }
        }
        let dataStart = 8 + headerLength
        try Self.checkCoverage(entries, dataLength: bytes.count - dataStart, source: source)
        var tensors: [String: Tensor] = [:]
        tensors.reserveCapacity(entries.count)
        for entry in entries {
            let data = Array(bytes[(dataStart + entry.begin)..<(dataStart + entry.end)])
            tensors[entry.name] = Tensor(dtype: entry.dtype, shape: entry.shape, bytes: data)
        }
        self.init(tensors: tensors, metadata: metadata)
    }

    /// The header length from the first 8 bytes (little-endian u64), checked against the limit and
    /// against the bytes actually present before anything of that size is allocated.
    private static func headerLength(of bytes: [UInt8], source: String) throws(SafetensorsError) -> Int {
        guard bytes.count >= 8 else { throw .fileTooShort(source: source, found: bytes.count) }
        var claimed: UInt64 = 0
        for position in (0..<8).reversed() { claimed = claimed << 8 | UInt64(bytes[position]) }
        guard claimed > 0 else { throw .emptyHeader(source: source) }
        guard claimed <= UInt64(maximumHeaderSize) else {
            throw .headerTooLarge(source: source, limit: maximumHeaderSize, found: claimed)
        }
        let available = bytes.count - 8
        guard claimed <= UInt64(available) else {
            throw .headerTruncated(source: source, expected: claimed, found: available)
        }
        return Int(claimed)
    }

    /// The top-level members of the JSON header, in document order.
    private static func headerMembers(_ header: [UInt8], source: String) throws(SafetensorsError) -> [JSONMember] {
        if let offset = UTF8Validation.firstInvalidOffset(in: header) {
            throw .headerNotUTF8(source: source, offset: offset)
        }
        // Like the reference reader, the header must start with "{" (no leading whitespace).
        guard header.first == UInt8(ascii: "{") else {
            throw .headerNotObject(source: source, found: JSONParser.describe(header.first))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(header)
        } catch {
            switch error {
            case .invalidUTF8(let offset):
                throw .headerNotUTF8(source: source, offset: offset)
            case .syntax(let offset, let expected, let found):
                throw .invalidJSON(source: source, offset: offset, expected: expected, found: found)
            case .duplicateKey(let key, _, 1):
                throw .duplicateTensorName(source: source, name: key)
            case .duplicateKey(let key, let offset, _):
                throw .duplicateKey(source: source, key: key, offset: offset)
            case .tooDeep(let offset, let limit):
                throw .nestingTooDeep(source: source, offset: offset, limit: limit)
            }
        }
        guard case .object(let members) = value else {
            throw .headerNotObject(source: source, found: value.summary())
        }
        return members
    }

    /// The `__metadata__` object as a dictionary of strings.
    private static func metadata(from value: JSONValue, source: String) throws(SafetensorsError) -> [String: String] {
        guard case .object(let members) = value else {
            throw .metadataNotObject(source: source, found: value.summary())
        }
        var metadata: [String: String] = [:]
        for member in members {
            guard case .string(let text) = member.value else {
                throw .metadataValueNotString(source: source, key: member.key, found: member.value.summary())
            }
            metadata[member.key] = text
        }
        return metadata
    }

    /// Checks that the tensors' byte ranges, sorted by offset, tile `0..<dataLength` exactly.
    private static func checkCoverage(
        _ entries: [TensorEntry], dataLength: Int, source: String
    ) throws(SafetensorsError) {
        let ordered = entries.sorted { left, right in
            if left.begin != right.begin { return left.begin < right.begin }
            if left.end != right.end { return left.end < right.end }
            return left.name.utf8.lexicographicallyPrecedes(right.name.utf8)
        }
        var expected = 0
        for entry in ordered {
            if entry.begin > expected {
                throw .gapInData(source: source, tensor: entry.name, expected: expected, found: entry.begin)
            }
            if entry.begin < expected {
                throw .overlappingData(source: source, tensor: entry.name, expected: expected, found: entry.begin)
            }
            expected = entry.end
        }
        if expected < dataLength { throw .trailingBytes(source: source, expected: expected, found: dataLength) }
        if expected > dataLength { throw .dataTruncated(source: source, expected: expected, found: dataLength) }
    }
}

/// One tensor's header entry, validated on its own (its place in the buffer is checked later).
private struct TensorEntry {
    let name: String
    let dtype: DType
    let shape: [Int]
    /// Offsets relative to the start of the data buffer; `end - begin` is the tensor's byte size.
    let begin: Int
    let end: Int

    init(name: String, value: JSONValue, source: String) throws(SafetensorsError) {
        guard case .object(let fields) = value else {
            throw .tensorNotObject(source: source, tensor: name, found: value.summary())
        }
        var dtype: DType? = nil
        var shape: [Int]? = nil
        var offsets: [Int]? = nil
        for field in fields {
            switch field.key {
            case "dtype":
                guard case .string(let raw) = field.value, let parsed = DType(rawValue: raw) else {
                    throw .unknownDType(source: source, tensor: name, found: field.value.summary())
                }
                dtype = parsed
            case "shape":
                guard let extents = Self.nonNegativeIntegers(field.value) else {
                    throw .invalidShape(source: source, tensor: name, found: field.value.summary())
                }
                shape = extents
            case "data_offsets":
                guard let pair = Self.nonNegativeIntegers(field.value), pair.count == 2, pair[0] <= pair[1] else {
                    throw .invalidDataOffsets(source: source, tensor: name, found: field.value.summary())
                }
                offsets = pair
            default:
                throw .unknownField(source: source, tensor: name, field: field.key)
            }
        }
        guard let dtype else { throw .missingField(source: source, tensor: name, field: "dtype") }
        guard let shape else { throw .missingField(source: source, tensor: name, field: "shape") }
        guard let offsets else { throw .missingField(source: source, tensor: name, field: "data_offsets") }
        guard let byteCount = Tensor.byteCount(dtype: dtype, shape: shape) else {
            throw .elementCountOverflow(source: source, tensor: name, shape: shape)
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard end - begin == byteCount else {
            throw .byteLengthMismatch(source: source, tensor: name, expected: byteCount, found: end - begin)
        }
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.begin = begin
        self.end = end
    }

    /// The elements of `value` if it is an array of integers in `0...Int.max`, else `nil`.
    private static func nonNegativeIntegers(_ value: JSONValue) -> [Int]? {
        guard case .array(let elements) = value else { return nil }
        var integers: [Int] = []
        integers.reserveCapacity(elements.count)
        for element in elements {
            guard case .number(let number) = element, let integer = number.nonNegativeInteger else { return nil }
            integers.append(integer)
        }
        return integers
    }
}
