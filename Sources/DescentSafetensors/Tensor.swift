/// A dense, row-major tensor: an element type, a shape and its raw little-endian bytes.
///
/// Invariant (checked by the initialisers and by the writer): `bytes.count` equals
/// `elementCount * dtype.byteSize`. A shape of `[]` is a scalar with one element.
public struct Tensor: Equatable, Sendable {
    /// The element type.
    public var dtype: DType
    /// The extent of each dimension, outermost first.
    public var shape: [Int]
    /// The elements, row-major, each stored little-endian.
    public var bytes: [UInt8]

    /// Creates a tensor from raw little-endian bytes.
    ///
    /// - Parameters:
    ///   - dtype: The element type.
    ///   - shape: Non-negative extents whose product times `dtype.byteSize` is `bytes.count`.
    ///   - bytes: The raw elements.
    /// - Precondition: the shape is valid and matches the byte count.
    public init(dtype: DType, shape: [Int], bytes: [UInt8]) {
        let expected = Tensor.byteCount(dtype: dtype, shape: shape)
        precondition(
            expected == bytes.count,
            "Tensor: \(dtype.rawValue) \(shape) needs \(expected.map(String.init) ?? "an impossible number of") bytes, got \(bytes.count)"
        )
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// Creates an `F32` tensor from `values`, row-major.
    ///
    /// - Precondition: `values.count` is the product of `shape`.
    /// - Complexity: O(`values.count`).
    public init(_ values: [Float], shape: [Int]) {
        self.init(dtype: .f32, shape: shape, bytes: LittleEndianBytes.encode(values))
    }

    /// Creates an `F64` tensor from `values`, row-major.
    ///
    /// - Precondition: `values.count` is the product of `shape`.
    /// - Complexity: O(`values.count`).
    public init(_ values: [Double], shape: [Int]) {
        self.init(dtype: .f64, shape: shape, bytes: LittleEndianBytes.encode(values))
    }

    /// The number of elements: the product of `shape` (1 for a scalar).
    ///
    /// - Precondition: the shape has no negative extent and its product fits in an `Int`.
    public var elementCount: Int {
        guard let count = Tensor.elementCount(of: shape) else {
            preconditionFailure("Tensor: shape \(shape) has a negative extent or too many elements")
        }
        return count
    }

    /// The elements as `Float`s, or `nil` unless `dtype` is `.f32`.
    ///
    /// - Complexity: O(`elementCount`).
    public func floats() -> [Float]? {
        dtype == .f32 ? LittleEndianBytes.decode(bytes, as: Float.self) : nil
    }

    /// The elements as `Double`s, or `nil` unless `dtype` is `.f64`.
    ///
    /// - Complexity: O(`elementCount`).
    public func doubles() -> [Double]? {
        dtype == .f64 ? LittleEndianBytes.decode(bytes, as: Double.self) : nil
    }

    /// The product of `shape`, or `nil` if an extent is negative or the product overflows.
    static func elementCount(of shape: [Int]) -> Int? {
        var count = 1
        for extent in shape {
            guard extent >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// The number of data bytes a tensor of this type and shape occupies, or `nil` on overflow.
    static func byteCount(dtype: DType, shape: [Int]) -> Int? {
        guard let count = elementCount(of: shape) else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        return overflow ? nil : product
    }
}

/// Converts arrays of fixed-size values to and from little-endian bytes.
enum LittleEndianBytes {
    /// The bytes of `values`, each element little-endian.
    static func encode<T: BitwiseCopyable>(_ values: [T]) -> [UInt8] {
        var bytes = values.withUnsafeBytes { Array($0) }
        #if _endian(big)
        reverseEachElement(&bytes, size: MemoryLayout<T>.stride)
        #endif
        return bytes
    }

    /// The values stored little-endian in `bytes`; a trailing partial element is ignored.
    static func decode<T: BitwiseCopyable>(_ bytes: [UInt8], as type: T.Type) -> [T] {
        let size = MemoryLayout<T>.stride
        let count = bytes.count / size
        var source = bytes
        #if _endian(big)
        reverseEachElement(&source, size: size)
        #endif
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            source.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: raw[0..<(count * size)]))
            }
            initialized = count
        }
    }

    #if _endian(big)
    private static func reverseEachElement(_ bytes: inout [UInt8], size: Int) {
        var start = 0
        while start + size <= bytes.count {
            bytes[start..<(start + size)].reverse()
            start += size
        }
    }
    #endif
}
