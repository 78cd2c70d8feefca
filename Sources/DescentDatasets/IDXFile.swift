import DescentFileIO

/// A file in LeCun's IDX format (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS FOR THE MNIST DATABASE"):
/// two zero bytes, an element-type byte, a rank byte, `rank` big-endian UInt32 dimensions, then the
/// elements in row-major order. Descent reads unsigned-byte files only, which is what MNIST and
/// Fashion-MNIST are.
public struct IDXFile: Equatable, Sendable {
    /// The size of each dimension, outermost first (e.g. `[60000, 28, 28]`).
    public let dimensions: [Int]
    /// The elements, row-major, one byte each.
    public let bytes: [UInt8]

    /// The IDX element type codes (the third byte of the magic number).
    static let elementTypeNames: [UInt8: String] = [
        0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "short", 0x0C: "int", 0x0D: "float", 0x0E: "double",
    ]

    /// Parses and checks an IDX file held in memory, raw or gzip-compressed.
    ///
    /// Nothing is trusted before it is checked: the magic number, the element type (unsigned byte),
    /// the rank, and that the dimensions' product equals the payload exactly. The element buffer is
    /// allocated only after that, so a small file that claims billions of elements costs nothing.
    /// - Parameters:
    ///   - contents: The file's bytes.
    ///   - source: Names the file in errors.
    ///   - expectedRank: The rank the caller needs, if any.
    /// - Throws: `IDXError` or `GzipError`, naming `source`.
    /// - Complexity: O(size of the file).
    public init(contents: [UInt8], source: String, expectedRank: Int? = nil) throws {
        try self.init(contents: contents, source: source, expectedRank: expectedRank, cache: nil)
    }

    /// `init(contents:source:expectedRank:)`, taking a gzip file's content from `cache` when it holds it.
    init(contents: [UInt8], source: String, expectedRank: Int?, cache: UnpackedCache?) throws {
        if !Gzip.isCompressed(contents) {
            try self.init(unpacked: contents, source: source, expectedRank: expectedRank)
        } else if let cache {
            try self.init(unpacked: cache.decompress(contents, source: source), source: source, expectedRank: expectedRank)
        } else {
            try self.init(unpacked: Gzip.decompress(contents, source: source), source: source, expectedRank: expectedRank)
        }
    }

    /// Parses and checks an IDX file's uncompressed bytes.
    init(unpacked bytes: consuming [UInt8], source: String, expectedRank: Int?) throws {
        var raw = consume bytes  // the only owner: the header is removed in place
        guard raw.count >= 4 else { throw IDXError.truncated(source: source, expected: 4, found: raw.count) }
        guard raw[0] == 0, raw[1] == 0 else {
            throw IDXError.badMagic(source: source, found: Array(raw[0..<4]))
        }
        guard raw[2] == 0x08 else {
            throw IDXError.unsupportedElementType(source: source, found: Self.elementTypeNames[raw[2]] ?? "code \(raw[2])")
        }
        let rank = Int(raw[3])
        if let expectedRank, rank != expectedRank {
            throw IDXError.wrongRank(source: source, expected: expectedRank, found: rank)
        }
        guard rank >= 1 else { throw IDXError.wrongRank(source: source, expected: expectedRank ?? 1, found: 0) }
        let headerSize = 4 + 4 * rank
        guard raw.count >= headerSize else {
            throw IDXError.truncated(source: source, expected: headerSize, found: raw.count)
        }
        var dimensions: [Int] = []
        var elementCount = 1
        for axis in 0..<rank {
            let at = 4 + 4 * axis
            let size = Int(raw[at]) << 24 | Int(raw[at + 1]) << 16 | Int(raw[at + 2]) << 8 | Int(raw[at + 3])
            dimensions.append(size)
            // Each size is below 2^32 and there are at most 255 of them: stop before the product overflows.
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: size)
            guard !overflow, product <= Int(Int32.max) else {
                throw IDXError.tooLarge(source: source, dimensions: dimensions)
            }
            elementCount = product
        }
        let payload = raw.count - headerSize
        guard payload >= elementCount else {
            throw IDXError.truncated(source: source, expected: headerSize + elementCount, found: raw.count)
        }
        guard payload == elementCount else {
            throw IDXError.trailingBytes(source: source, expected: headerSize + elementCount, found: raw.count)
        }
        self.dimensions = dimensions
        // In place: a fresh 47 MB array would cost its page faults and a copy.
        raw.removeFirst(headerSize)
        self.bytes = raw
    }

    /// Reads and checks the IDX file at `path` (raw or gzip).
    /// - Parameters:
    ///   - path: The file, raw or gzip.
    ///   - expectedRank: The rank the caller needs, if any.
    ///   - cache: Where a gzip file's decompressed content is kept between runs, if anywhere.
    /// - Throws: `FileError`, `GzipError` or `IDXError`, each naming `path`.
    public static func read(_ path: String, expectedRank: Int? = nil, cache: UnpackedCache? = nil) throws -> IDXFile {
        // The file is read whole even when the cache has its content: the cache knows a copy by the
        // file's SHA-256, so that a gzip file damaged anywhere is decompressed, and refused, again.
        // MNIST's largest file is 47 MB raw (9.7 MB gzipped); a quarter of a gigabyte (2^28 bytes)
        // leaves room for larger MNIST-like sets, and their content may reach Gzip's limit of 1 GiB.
        return try IDXFile(contents: Files.read(path, limit: 1 << 28), source: path, expectedRank: expectedRank, cache: cache)
    }
}

/// An IDX file that does not hold what its header promises.
public enum IDXError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is shorter than its header says: `expected` bytes are needed, `found` are there.
    case truncated(source: String, expected: Int, found: Int)
    /// The file is longer than its header says: `expected` bytes described, `found` present.
    case trailingBytes(source: String, expected: Int, found: Int)
    /// The first bytes are not an IDX magic number (two zero bytes, an element type, a rank).
    case badMagic(source: String, found: [UInt8])
    /// The element type byte names a type other than unsigned bytes (0x08), the only one read.
    case unsupportedElementType(source: String, found: String)
    /// The file has `found` dimensions where `expected` are needed (3 for images, 1 for labels).
    case wrongRank(source: String, expected: Int, found: Int)
    /// The dimensions multiply to more than 2³¹ − 1 elements (a corrupt header, or not an image file).
    case tooLarge(source: String, dimensions: [Int])
    /// The dimensions are not those expected (e.g. images that are not 28 x 28 for MNIST).
    case wrongDimensions(source: String, expected: String, found: [Int])

    /// One line for a person: the source, what its header promised and what was found.
    public var description: String {
        switch self {
        case .truncated(let source, let expected, let found):
            return "\(source): truncated IDX file: its header needs \(expected) bytes, found \(found)"
        case .trailingBytes(let source, let expected, let found):
            return "\(source): IDX file has \(found - expected) bytes beyond the \(expected) its header describes"
        case .badMagic(let source, let found):
            let hex = found.map { String($0, radix: 16) }.joined(separator: " ")
            return "\(source): not an IDX file (magic number should start 00 00, found \(hex))"
        case .unsupportedElementType(let source, let found):
            return "\(source): IDX element type is \(found); expected unsigned byte"
        case .wrongRank(let source, let expected, let found):
            return "\(source): IDX file has \(found) dimensions; expected \(expected)"
        case .tooLarge(let source, let dimensions):
            return "\(source): IDX header claims dimensions \(dimensions), more than 2^31 elements; refusing it"
        case .wrongDimensions(let source, let expected, let found):
            return "\(source): IDX dimensions are \(found.map(String.init).joined(separator: "x")); expected \(expected)"
        }
    }
}
