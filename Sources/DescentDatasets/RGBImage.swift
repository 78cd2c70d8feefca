import CDescentPNG

/// An 8-bit colour image for pictures the program draws: `width * height` pixels of three bytes,
/// red, green, blue, row-major, top row first, in sRGB.
public struct RGBImage: Equatable, Sendable {
    /// The number of columns.
    public package(set) var width: Int
    /// The number of rows.
    public package(set) var height: Int
    /// Interleaved red, green, blue: the pixel at column `x`, row `y` starts at `3 * (y * width + x)`.
    public package(set) var pixels: [UInt8]

    /// Creates an image from its pixels.
    ///
    /// - Parameters:
    ///   - width: The number of columns.
    ///   - height: The number of rows.
    ///   - pixels: `3 * width * height` bytes, red, green, blue for each pixel, row-major.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == 3 * width * height,
                     "RGBImage: \(pixels.count) bytes for \(width)x\(height)x3")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Creates a `width` x `height` image with every pixel set to the colour `(red, green, blue)`.
    public init(width: Int, height: Int, filledWith color: (red: UInt8, green: UInt8, blue: UInt8)) {
        var pixels = [UInt8](repeating: 0, count: 3 * width * height)
        for start in stride(from: 0, to: pixels.count, by: 3) {
            pixels[start] = color.red
            pixels[start + 1] = color.green
            pixels[start + 2] = color.blue
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// Creates a colour image showing a gray one.
    public init(_ gray: GrayImage) {
        var pixels = [UInt8](repeating: 0, count: 3 * gray.pixels.count)
        for (index, value) in gray.pixels.enumerated() {
            pixels[3 * index] = value
            pixels[3 * index + 1] = value
            pixels[3 * index + 2] = value
        }
        self.init(width: gray.width, height: gray.height, pixels: pixels)
    }

    /// The colour of the pixel at column `x`, row `y`.
    /// - Precondition: `0 <= x < width` and `0 <= y < height`.
    public subscript(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "RGBImage: (\(x), \(y)) outside \(width)x\(height)")
            let start = 3 * (y * width + x)
            return (pixels[start], pixels[start + 1], pixels[start + 2])
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "RGBImage: (\(x), \(y)) outside \(width)x\(height)")
            let start = 3 * (y * width + x)
            pixels[start] = newValue.red
            pixels[start + 1] = newValue.green
            pixels[start + 2] = newValue.blue
        }
    }

    /// This image as an 8-bit RGB PNG.
    ///
    /// - Throws: `ImageError.encodingFailed` with libpng's message (an empty image, or out of memory).
    /// - Complexity: O(`width * height`).
    public func pngEncoded() throws(ImageError) -> [UInt8] {
        try PNGCodec.encode(pixels, width: width, height: height, format: descent_png_format_rgb,
                            source: "a \(width)x\(height) colour image")
    }

    /// Decodes a PNG of any colour type and bit depth to 8-bit RGB, composing transparency over white.
    ///
    /// - Parameters:
    ///   - pngBytes: The whole PNG file.
    ///   - source: Names the data in errors (usually its path).
    /// - Throws: `ImageError` as `GrayImage.init(pngBytes:source:)` does.
    /// - Complexity: O(size of the image).
    public init(pngBytes: [UInt8], source: String) throws(ImageError) {
        guard GrayImage.isPNG(pngBytes) else {
            throw .invalidPNG(source: source, reason: "the file does not start with the PNG signature")
        }
        let decoded = pngBytes.withUnsafeBytes { memory in
            Result { () throws(ImageError) -> (Int, Int, [UInt8]) in
                try PNGCodec.decode(memory, color: true, source: source)
            }
        }
        let (width, height, pixels) = try decoded.get()
        self.init(width: width, height: height, pixels: pixels)
    }
}
