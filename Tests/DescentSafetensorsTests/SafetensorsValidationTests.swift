import Testing
@testable import DescentSafetensors

/// Every way a file can be malformed, each refused with its own error.
@Suite("SafetensorsFile validation")
struct SafetensorsValidationTests {
    let source = "test.safetensors"
    let twoFloats = Fixtures.f32Bytes([1, 2])

    /// A header holding one tensor `"a"` whose entry is `entry`.
    func errorForEntry(_ entry: String, data: [UInt8] = Fixtures.f32Bytes([1, 2])) -> SafetensorsError? {
        Fixtures.headerError(#"{"a":"# + entry + "}", data: data)
    }

    // MARK: - The length field

    @Test("A file shorter than the 8-byte length is refused", arguments: [0, 1, 7])
    func fileTooShort(count: Int) {
        let bytes = [UInt8](repeating: 0, count: count)
        #expect(Fixtures.decodingError(bytes) == .fileTooShort(source: source, found: count))
    }

    @Test("A header length of 0 is refused")
    func emptyHeader() {
        #expect(Fixtures.decodingError(Fixtures.lengthField(0) + [1, 2, 3]) == .emptyHeader(source: source))
    }

    @Test("A 100-byte file claiming a 2^40-byte header is refused before allocating it")
    func hugeHeaderClaim() {
        let bytes = Fixtures.lengthField(1 << 40) + [UInt8](repeating: 0x20, count: 92)
        #expect(bytes.count == 100)
        #expect(Fixtures.decodingError(bytes) == .headerTooLarge(source: source, limit: 100_000_000, found: 1 << 40))
        let maximal = Fixtures.lengthField(.max) + [0x7B, 0x7D]
        #expect(Fixtures.decodingError(maximal) == .headerTooLarge(source: source, limit: 100_000_000, found: .max))
        let justOver = Fixtures.lengthField(100_000_001) + [0x7B, 0x7D]
        #expect(Fixtures.decodingError(justOver) == .headerTooLarge(source: source, limit: 100_000_000, found: 100_000_001))
    }

    @Test("A header longer than the bytes that follow is refused")
    func headerTruncated() {
        let bytes = Fixtures.lengthField(4096) + [UInt8](repeating: 0x20, count: 120)
        let error = Fixtures.decodingError(bytes, source: "model.safetensors")
        #expect(error == .headerTruncated(source: "model.safetensors", expected: 4096, found: 120))
        #expect(error?.description == "model.safetensors: header claims 4096 bytes but only 120 follow")
    }

    // MARK: - The header as text

    @Test("A header that is not UTF-8 is refused with the offset of the bad byte")
    func notUTF8() {
        let header: [UInt8] = Array(#"{"a"#.utf8) + [0xFF] + Array(#"":1}"#.utf8)
        let bytes = Fixtures.lengthField(UInt64(header.count)) + header
        #expect(Fixtures.decodingError(bytes) == .headerNotUTF8(source: source, offset: 3))
        let overlong: [UInt8] = [0x7B, 0xC0, 0xAF, 0x7D]  // "/" encoded in two bytes
        #expect(Fixtures.decodingError(Fixtures.lengthField(4) + overlong) == .headerNotUTF8(source: source, offset: 1))
    }

    @Test("A header that is not a JSON object is refused", arguments: ["[1,2]", " {}", "hello", "\"{}\"", "null"])
    func notAnObject(header: String) {
        guard case .headerNotObject = Fixtures.headerError(header) else {
            Issue.record("expected headerNotObject for \(header)")
            return
        }
    }

    @Test(
        "Malformed JSON is refused with an offset",
        arguments: [
            #"{"a":"#, #"{"a":1,}"#, #"{'a':1}"#, #"{"a":01}"#, #"{"a":tru}"#, #"{"a":"\x"}"#, "{\"a\":\"\u{1}\"}",
            #"{"a":"\ud800"}"#, #"{"a":"\udc00"}"#, #"{"a":1.}"#, #"{"a":-}"#, #"{"a":1}x"#, #"{}{}"#, #"{"a" 1}"#,
            #"{"a":[1 2]}"#, #"{"a":"\u12"}"#, "{", "{\"a\":NaN}",
        ]
    )
    func invalidJSON(header: String) {
        guard case .invalidJSON = Fixtures.headerError(header) else {
            Issue.record("expected invalidJSON for \(header), got \(String(describing: Fixtures.headerError(header)))")
            return
        }
    }

    @Test("Nesting deeper than 64 levels is refused without exhausting the stack")
    func nestingTooDeep() {
        let deep = #"{"a":"# + String(repeating: "[", count: 100_000)
        guard case .nestingTooDeep(_, _, 64) = Fixtures.headerError(deep) else {
            Issue.record("expected nestingTooDeep")
            return
        }
    }

    @Test("Two tensors with the same name are refused")
    func duplicateTensorName() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
            + #""a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        #expect(Fixtures.headerError(header, data: twoFloats) == .duplicateTensorName(source: source, name: "a"))
        let twoMetadata = #"{"__metadata__":{},"__metadata__":{}}"#
        #expect(Fixtures.headerError(twoMetadata) == .duplicateTensorName(source: source, name: "__metadata__"))
    }

    @Test("A repeated key inside a tensor entry or the metadata is refused")
    func duplicateKey() {
        let entry = #"{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}"#
        guard case .duplicateKey(_, "dtype", _) = errorForEntry(entry) else {
            Issue.record("expected duplicateKey for a tensor field")
            return
        }
        guard case .duplicateKey(_, "k", _) = Fixtures.headerError(#"{"__metadata__":{"k":"1","k":"2"}}"#) else {
            Issue.record("expected duplicateKey for metadata")
            return
        }
    }

    // MARK: - Tensor entries

    @Test("A tensor entry that is not an object is refused")
    func tensorNotObject() {
        #expect(errorForEntry("[1]") == .tensorNotObject(source: source, tensor: "a", found: "[1]"))
    }

    @Test("A tensor entry missing a field is refused", arguments: ["dtype", "shape", "data_offsets"])
    func missingField(field: String) {
        let fields = [#""dtype":"F32""#, #""shape":[2]"#, #""data_offsets":[0,8]"#]
        let kept = fields.filter { !$0.hasPrefix("\"\(field)\"") }
        let entry = "{" + kept.joined(separator: ",") + "}"
        #expect(errorForEntry(entry) == .missingField(source: source, tensor: "a", field: field))
    }

    @Test("A tensor entry with an unknown field is refused (a deliberate strictness)")
    func unknownField() {
        let entry = #"{"dtype":"F32","shape":[2],"data_offsets":[0,8],"data_offset":[0,8]}"#
        #expect(errorForEntry(entry) == .unknownField(source: source, tensor: "a", field: "data_offset"))
    }

    @Test("An unknown dtype is refused", arguments: [#""F33""#, #""f32""#, "4", #""F4""#, "null"])
    func unknownDType(dtype: String) {
        let entry = #"{"dtype":"# + dtype + #","shape":[2],"data_offsets":[0,8]}"#
        #expect(errorForEntry(entry) == .unknownDType(source: source, tensor: "a", found: dtype))
    }

    @Test(
        "A shape that is not an array of non-negative integers is refused",
        arguments: ["[-1]", "[1.5]", "[2.0]", "[1e2]", #"["2"]"#, "2", "[99999999999999999999]", "[-0]", "[[2]]", "null"]
    )
    func invalidShape(shape: String) {
        let entry = #"{"dtype":"F32","shape":"# + shape + #","data_offsets":[0,8]}"#
        #expect(errorForEntry(entry) == .invalidShape(source: source, tensor: "a", found: shape))
    }

    @Test("A shape whose element or byte count overflows is refused")
    func elementCountOverflow() {
        let elements = #"{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,8]}"#
        #expect(errorForEntry(elements) == .elementCountOverflow(source: source, tensor: "a", shape: [1 << 32, 1 << 32]))
        let bytes = #"{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]}"#
        #expect(errorForEntry(bytes) == .elementCountOverflow(source: source, tensor: "a", shape: [1 << 61]))
    }

    @Test(
        "data_offsets other than two ordered non-negative integers are refused",
        arguments: ["[8,0]", "[0]", "[0,8,16]", "[-1,7]", #""0,8""#, "[0,8.0]", "[0,18446744073709551616]", "{}"]
    )
    func invalidDataOffsets(offsets: String) {
        let entry = #"{"dtype":"F32","shape":[2],"data_offsets":"# + offsets + "}"
        #expect(errorForEntry(entry) == .invalidDataOffsets(source: source, tensor: "a", found: offsets))
    }

    @Test("Offsets spanning a different byte count than shape times dtype are refused")
    func byteLengthMismatch() {
        let entry = #"{"dtype":"F32","shape":[2],"data_offsets":[0,4]}"#
        #expect(errorForEntry(entry, data: [0, 0, 0, 0]) == .byteLengthMismatch(source: source, tensor: "a", expected: 8, found: 4))
    }

    // MARK: - Covering the data buffer

    @Test("A gap between tensors is refused")
    func gap() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
            + #""b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        let error = Fixtures.headerError(header, data: [UInt8](repeating: 0, count: 12))
        #expect(error == .gapInData(source: source, tensor: "b", expected: 4, found: 8))
        let leading = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        #expect(Fixtures.headerError(leading, data: twoFloats) == .gapInData(source: source, tensor: "a", expected: 0, found: 4))
    }

    @Test("Overlapping tensors are refused")
    func overlap() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        let error = Fixtures.headerError(header, data: [UInt8](repeating: 0, count: 12))
        #expect(error == .overlappingData(source: source, tensor: "b", expected: 8, found: 4))
    }

    @Test("Bytes after the last tensor are refused")
    func trailingBytes() {
        let error = Fixtures.headerError(Fixtures.oneTensorHeader, data: twoFloats + [0, 0, 0, 0])
        #expect(error == .trailingBytes(source: source, expected: 8, found: 12))
        #expect(Fixtures.headerError("{}", data: [0]) == .trailingBytes(source: source, expected: 0, found: 1))
    }

    @Test("A data buffer shorter than the tensors need is refused")
    func dataTruncated() {
        let error = Fixtures.headerError(Fixtures.oneTensorHeader, data: [0, 0, 0, 0])
        #expect(error == .dataTruncated(source: source, expected: 8, found: 4))
    }

    @Test("Zero-sized tensors may share an offset")
    func zeroSizedTensors() throws {
        let header = #"{"e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"#
            + #""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""z":{"dtype":"U8","shape":[3,0],"data_offsets":[8,8]}}"#
        let file = try SafetensorsFile(bytes: Fixtures.file(header: header, data: twoFloats), source: source)
        #expect(file.tensors.count == 3)
        #expect(file.tensors["z"]?.shape == [3, 0])
    }

    // MARK: - Metadata

    @Test("__metadata__ that is not an object is refused", arguments: [#""x""#, "[]", "null", "1"])
    func metadataNotObject(value: String) {
        let error = Fixtures.headerError(#"{"__metadata__":"# + value + "}")
        #expect(error == .metadataNotObject(source: source, found: value))
    }

    @Test("A __metadata__ value that is not a string is refused", arguments: ["1", "null", "true", #"{"x":"y"}"#, #"["a"]"#])
    func metadataValueNotString(value: String) {
        let error = Fixtures.headerError(#"{"__metadata__":{"k":"# + value + "}}")
        #expect(error == .metadataValueNotString(source: source, key: "k", found: value))
    }

    // MARK: - Messages and hostile input

    @Test("Every description is one line that starts with the source")
    func descriptions() {
        let errors: [SafetensorsError?] = [
            Fixtures.decodingError([1, 2, 3]),
            errorForEntry(#"{"dtype":"F\n33","shape":[2],"data_offsets":[0,8]}"#),
            Fixtures.headerError("{\"a\n\":[]}"),
            Fixtures.headerError(#"{"a":1,}"#),
        ]
        for error in errors {
            let text = error?.description ?? ""
            #expect(text.hasPrefix("\(source): "))
            #expect(!text.contains("\n"))
        }
    }

    @Test("Random corruptions of a valid file never crash: each decodes or throws SafetensorsError")
    func randomCorruption() {
        let valid = SafetensorsFileTests.sample.encoded()
        var generator = SplitMix64(seed: 2024)
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[position] = UInt8.random(in: 0...255, using: &generator)
            }
            bytes.removeLast(Int.random(in: 0...2, using: &generator))
            _ = Fixtures.decodingError(bytes)
        }
        for length in 0..<valid.count {
            #expect(Fixtures.decodingError(Array(valid[0..<length])) != nil)
        }
    }
}
