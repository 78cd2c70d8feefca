import DescentFileIO
import Foundation
import Testing
import DescentTestSupport
@testable import DescentSafetensors

@Suite("SafetensorsFile reading and writing")
struct SafetensorsFileTests {
    /// A file with several element types, an empty tensor, a scalar and metadata.
    static let sample = SafetensorsFile(
        tensors: [
            "layers.0.weight": Tensor((0..<12).map { Float($0) / 3 }, shape: [3, 4]),
            "layers.0.bias": Tensor([Float](repeating: -1, count: 3), shape: [3]),
            "step": Tensor(dtype: .i64, shape: [], bytes: [42, 0, 0, 0, 0, 0, 0, 0]),
            "mask": Tensor(dtype: .bool, shape: [3], bytes: [1, 0, 1]),
            "empty": Tensor([Double](), shape: [0]),
            "scale": Tensor([Double]([0.5, 0.25]), shape: [2]),
        ],
        metadata: ["format": "descent", "activation": "relu", "note": "line\nbreak \"quoted\" é"]
    )

    /// The header text of encoded bytes (without its length field or data).
    static func headerText(_ bytes: [UInt8]) -> String {
        let length = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        return String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
    }

    @Test("Encoding then decoding gives the same value")
    func roundTrip() throws {
        let decoded = try SafetensorsFile(bytes: Self.sample.encoded(), source: "sample")
        #expect(decoded == Self.sample)
        #expect(decoded.tensors["layers.0.weight"]?.floats() == (0..<12).map { Float($0) / 3 })
    }

    @Test("The same value always encodes to the same bytes")
    func determinism() throws {
        let first = Self.sample.encoded()
        var copy = SafetensorsFile()
        for (name, tensor) in Self.sample.tensors.reversed() { copy.tensors[name] = tensor }
        for (key, value) in Self.sample.metadata.reversed() { copy.metadata[key] = value }
        #expect(copy.encoded() == first)
        #expect(try SafetensorsFile(bytes: first, source: "sample").encoded() == first)
    }

    @Test("A one-tensor file is byte for byte what the reference writer produces")
    func referenceFixture() throws {
        let expected = Fixtures.file(header: Fixtures.oneTensorHeader, data: Fixtures.f32Bytes([1, 2]), padded: true)
        #expect(expected.count == 8 + 56 + 8)
        #expect(Array(expected[0..<8]) == [56, 0, 0, 0, 0, 0, 0, 0])
        let file = SafetensorsFile(tensors: ["a": Tensor([Float]([1, 2]), shape: [2])])
        #expect(file.encoded() == expected)
        let decoded = try SafetensorsFile(bytes: expected, source: "fixture")
        #expect(decoded.tensors["a"]?.shape == [2])
        #expect(decoded.tensors["a"]?.floats() == [1, 2])
        #expect(decoded.metadata.isEmpty)
    }

    @Test("Reference vectors: an empty file, and one with only metadata")
    func referenceVectors() throws {
        let empty: [UInt8] = [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]
        #expect(SafetensorsFile().encoded() == empty)
        #expect(try SafetensorsFile(bytes: empty, source: "empty") == SafetensorsFile())
        let withMetadata = SafetensorsFile(metadata: ["framework": "pt"])
        let bytes = withMetadata.encoded()
        #expect(Array(bytes[0..<8]) == [40, 0, 0, 0, 0, 0, 0, 0])
        #expect(Self.headerText(bytes) == #"{"__metadata__":{"framework":"pt"}}     "#)
        #expect(try SafetensorsFile(bytes: bytes, source: "meta") == withMetadata)
    }

    @Test("An unpadded header, in any key order, with whitespace, is accepted")
    func unpaddedHeader() throws {
        let header = #"{ "a" : {"data_offsets":[0,8], "shape":[2],"dtype":"F32"} }"#
        #expect((header.utf8.count) % 8 != 0)
        let decoded = try SafetensorsFile(bytes: Fixtures.file(header: header, data: Fixtures.f32Bytes([3, 4])), source: "x")
        #expect(decoded.tensors["a"]?.floats() == [3, 4])
    }

    @Test("Tensors are ordered widest type first, then by name; metadata first with sorted keys")
    func writerOrder() {
        let file = SafetensorsFile(
            tensors: [
                "b": Tensor([Float(1)], shape: [1]), "a2": Tensor([Float(1)], shape: [1]),
                "a": Tensor(dtype: .u8, shape: [1], bytes: [9]), "c": Tensor([Double(1)], shape: [1]),
                "z": Tensor(dtype: .i64, shape: [1], bytes: [UInt8](repeating: 0, count: 8)),
                "y": Tensor(dtype: .u64, shape: [1], bytes: [UInt8](repeating: 0, count: 8)),
            ],
            metadata: ["b": "2", "a": "1"]
        )
        let header = Self.headerText(file.encoded())
        let expected = #"{"__metadata__":{"a":"1","b":"2"},"#
            + #""y":{"dtype":"U64","shape":[1],"data_offsets":[0,8]},"#
            + #""z":{"dtype":"I64","shape":[1],"data_offsets":[8,16]},"#
            + #""c":{"dtype":"F64","shape":[1],"data_offsets":[16,24]},"#
            + #""a2":{"dtype":"F32","shape":[1],"data_offsets":[24,28]},"#
            + #""b":{"dtype":"F32","shape":[1],"data_offsets":[28,32]},"#
            + #""a":{"dtype":"U8","shape":[1],"data_offsets":[32,33]}}"#
        #expect(header.trimmingCharacters(in: .whitespaces) == expected)
        #expect((header.utf8.count) % 8 == 0)
    }

    @Test("Names and metadata with quotes, backslashes, control characters and non-ASCII survive")
    func escaping() throws {
        let name = "a\"b\\c\n\u{1}é/😀"
        let file = SafetensorsFile(tensors: [name: Tensor([Float(1)], shape: [1])], metadata: ["k\t": "v\u{1F}"])
        let bytes = file.encoded()
        let header = Self.headerText(bytes)
        #expect(header.contains(#""a\"b\\c\n\u0001é/😀""#))
        #expect(header.contains(#""k\t":"v\u001f""#))
        #expect(try SafetensorsFile(bytes: bytes, source: "x") == file)
    }

    @Test("A file written atomically to disk reads back equal, leaving no temporary file")
    func diskRoundTrip() throws {
        let folder = try TemporaryDirectory("safetensors")
        defer { folder.remove() }
        let path = folder.file("model.safetensors")
        try Self.sample.write(to: path)
        #expect(try SafetensorsFile.read(path) == Self.sample)
        #expect(try Files.read(path) == Self.sample.encoded())
        let smaller = SafetensorsFile(tensors: ["a": Tensor([Float]([1, 2]), shape: [2])])
        try smaller.write(to: path)
        #expect(try SafetensorsFile.read(path) == smaller)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    }

    @Test("Reading a missing file throws FileError; a corrupt one names its path")
    func readErrors() throws {
        let folder = try TemporaryDirectory("safetensors")
        defer { folder.remove() }
        let missing = folder.file("missing.safetensors")
        #expect(throws: FileError.notFound(path: missing)) { try SafetensorsFile.read(missing) }
        let corrupt = folder.file("corrupt.safetensors")
        try Files.writeAtomically(Fixtures.lengthField(4096) + [UInt8](repeating: 0x20, count: 120), to: corrupt)
        let error = #expect(throws: SafetensorsError.self) { try SafetensorsFile.read(corrupt) }
        #expect(error == .headerTruncated(source: corrupt, expected: 4096, found: 120))
        #expect(error?.description == "\(corrupt): header claims 4096 bytes but only 120 follow")
    }
}
