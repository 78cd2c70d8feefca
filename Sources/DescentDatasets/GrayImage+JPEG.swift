// JPEG through libjpeg (libjpeg-turbo on Debian and Homebrew): see JPEGCodec.

extension GrayImage {
    /// Decodes a JPEG (baseline or progressive, gray, YCbCr or RGB) to 8-bit gray, turned upright as
    /// its Exif orientation says.
    ///
    /// Colour is converted to luminance by libjpeg. Where libjpeg would only warn (corrupt data, a file
    /// that ends early, which it pads with gray) this throws: a damaged photo is refused, never half read.
    /// - Parameters:
    ///   - jpegBytes: The whole JPEG file.
    ///   - source: Names the data in errors (usually its path).
    /// - Throws: `ImageError.invalidJPEG` with libjpeg's message for anything libjpeg refuses or warns
    ///   about (CMYK files included), or when the header claims more pixels than the file could hold;
    ///   `.emptyImage` or `.tooLarge` from the header, checked before the pixels are allocated.
    /// - Complexity: O(size of the image).
    public init(jpegBytes: [UInt8], source: String) throws(ImageError) {
        let (width, height, pixels) = try JPEGCodec.decode(jpegBytes, color: false, source: source)
        self.init(width: width, height: height, pixels: pixels)
    }

    /// This image as an 8-bit grayscale baseline JPEG.
    ///
    /// - Parameter quality: libjpeg's quality scale, 1...100 (75 is libjpeg's default; 90 keeps
    ///   strokes sharp).
    /// - Throws: `ImageError.encodingFailed` for an empty image, more than 65,500 pixels a side, or
    ///   libjpeg's message (in practice only when out of memory).
    /// - Precondition: `1...100` contains `quality`.
    /// - Complexity: O(`width * height`).
    public func jpegEncoded(quality: Int = 90) throws(ImageError) -> [UInt8] {
        try JPEGCodec.encode(pixels, width: width, height: height, channels: 1, quality: quality,
                             source: "a \(width)x\(height) gray image")
    }

    /// Whether `bytes` start as a JPEG file does: FF D8 FF (ITU T.81, B.1.1.2).
    public static func isJPEG(_ bytes: [UInt8]) -> Bool {
        JPEGCodec.isJPEG(bytes)
    }
}
