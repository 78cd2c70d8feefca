import Testing
@testable import DescentSafetensors

@Suite("Tensor")
struct TensorTests {
    @Test("Float values are stored little-endian and read back exactly")
    func floatRoundTrip() {
        let values: [Float] = [1, -2.5, .pi, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -0.0]
        let tensor = Tensor(values, shape: [2, 3])
        #expect(tensor.dtype == .f32)
        #expect(tensor.bytes == Fixtures.f32Bytes(values))
        #expect(tensor.floats()?.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(tensor.doubles() == nil)
        #expect(tensor.elementCount == 6)
    }

    @Test("Double values are stored little-endian and read back exactly")
    func doubleRoundTrip() {
        let values: [Double] = [1, 0.1, -1e300, .nan]
        let tensor = Tensor(values, shape: [4])
        #expect(tensor.dtype == .f64)
        #expect(tensor.bytes.count == 32)
        #expect(Array(tensor.bytes[0..<8]) == [0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        #expect(tensor.doubles()?.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(tensor.floats() == nil)
    }

    @Test("A scalar has shape [] and one element; a zero extent has none")
    func scalarsAndEmptyTensors() {
        #expect(Tensor([Float(7)], shape: []).elementCount == 1)
        let empty = Tensor([Float](), shape: [0, 5])
        #expect(empty.elementCount == 0)
        #expect(empty.bytes.isEmpty)
        #expect(empty.floats() == [])
    }

    @Test("Raw bytes of any element type are kept as given")
    func rawBytes() {
        let tensor = Tensor(dtype: .i16, shape: [2], bytes: [1, 0, 0xFF, 0xFF])
        #expect(tensor.elementCount == 2)
        #expect(tensor.floats() == nil)
    }

    @Test("Element sizes match the format", arguments: DType.allCases)
    func byteSizes(dtype: DType) {
        let expected = ["F64": 8, "I64": 8, "U64": 8, "F32": 4, "I32": 4, "U32": 4, "F16": 2, "BF16": 2, "I16": 2, "U16": 2]
        #expect(dtype.byteSize == expected[dtype.rawValue, default: 1])
    }

    @Test("Byte counts refuse negative extents and overflow")
    func byteCounts() {
        #expect(Tensor.byteCount(dtype: .f32, shape: [2, 3]) == 24)
        #expect(Tensor.byteCount(dtype: .f32, shape: [-1]) == nil)
        #expect(Tensor.byteCount(dtype: .u8, shape: [1 << 32, 1 << 32]) == nil)
        #expect(Tensor.byteCount(dtype: .f64, shape: [1 << 61]) == nil)
        #expect(Tensor.byteCount(dtype: .u8, shape: [1 << 61]) == 1 << 61)
    }
}
