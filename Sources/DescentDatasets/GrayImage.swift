import DescentFileIO

/// An 8-bit grayscale image: `width * height` luminance bytes, row-major, top row first,
/// 0 black and 255 white as in PNG and PGM files.
public struct GrayImage: Equatable, Sendable {
    /// The number of columns.
    public package(set) var width: Int
    /// The number of rows.
    public package(set) var height: Int
    /// Luminance, row-major: the pixel at column `x`, row `y` is `pixels[y * width + x]`.
    public package(set) var pixels: [UInt8]

    /// The most pixels an image read from a file may have (100 megapixels), checked against the
    /// header before any pixel memory is allocated.
    public static let maximumPixelCount = 100_000_000

    /// The largest file `read(_:)` accepts (1 GiB: a 100-megapixel plain PGM fits).
    public static let maximumFileSize = 1 << 30

    /// Creates an image from its pixels.
    ///
    /// - Parameters:
    ///   - width: The number of columns.
    ///   - height: The number of rows.
    ///   - pixels: `width * height` luminance bytes, row-major.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height,
                     "GrayImage: \(pixels.count) pixels for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Creates a `width` x `height` image with every pixel set to `value`.
    public init(width: Int, height: Int, filledWith value: UInt8) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: value, count: width * height))
    }

    /// The pixel at column `x`, row `y`.
    /// - Precondition: `0 <= x < width` and `0 <= y < height`.
    public subscript(x: Int, y: Int) -> UInt8 {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "GrayImage: (\(x), \(y)) outside \(width)x\(height)")
            return pixels[y * width + x]
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "GrayImage: (\(x), \(y)) outside \(width)x\(height)")
            pixels[y * width + x] = newValue
        }
    }

    /// Reads a PNG, JPEG or PGM file, telling them apart by content (the PNG signature, JPEG's
    /// FF D8 FF, or `P2` / `P5`), never by the file's name.
    ///
    /// - Parameter path: The file to read.
    /// - Throws: `FileError` when the file cannot be read; `ImageError` naming `path` when it is
    ///   not an image this reads, or is malformed.
    /// - Complexity: O(size of the file).
    public static func read(_ path: String) throws -> GrayImage {
        let bytes = try Files.read(path, limit: maximumFileSize)
        return try GrayImage(bytes: bytes, source: path)
    }

    /// Decodes PNG, JPEG or PGM bytes, telling them apart by content.
    ///
    /// - Parameters:
    ///   - bytes: The whole file.
    ///   - source: Names the data in errors (usually its path).
    /// - Throws: `ImageError.unsupportedFormat` when the bytes are neither, or the decoder's error.
    public init(bytes: [UInt8], source: String) throws(ImageError) {
        if GrayImage.isPNG(bytes) {
            try self.init(pngBytes: bytes, source: source)
        } else if GrayImage.isJPEG(bytes) {
            try self.init(jpegBytes: bytes, source: source)
        } else if bytes.count >= 2 && bytes[0] == UInt8(ascii: "P")
                    && (bytes[1] == UInt8(ascii: "2") || bytes[1] == UInt8(ascii: "5")) {
            try self.init(pgmBytes: bytes, source: source)
        } else {
            let found = bytes.prefix(8).map { hex($0) }.joined(separator: " ")
            throw .unsupportedFormat(source: source, found: found.isEmpty ? "none (empty file)" : found)
        }
    }

    /// Whether `bytes` start with the 8-byte PNG signature (PNG specification, section 5.2).
    public static func isPNG(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    /// Throws unless a `width` x `height` image is non-empty and within `maximumPixelCount`.
    /// Both sides must already be known to be below 2^31, so the product cannot overflow.
    static func checkSize(width: Int, height: Int, source: String) throws(ImageError) {
        guard width > 0 && height > 0 else { throw .emptyImage(source: source, width: width, height: height) }
        guard width * height <= maximumPixelCount else {
            throw .tooLarge(source: source, width: width, height: height, limit: maximumPixelCount)
        }
    }
}

/// Two lowercase hex digits.
private func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
}
