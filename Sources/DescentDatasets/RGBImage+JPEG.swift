extension RGBImage {
    /// Decodes a JPEG to 8-bit RGB, turned upright as its Exif orientation says.
    ///
    /// - Parameters:
    ///   - jpegBytes: The whole JPEG file.
    ///   - source: Names the data in errors (usually its path).
    /// - Throws: `ImageError` as `GrayImage.init(jpegBytes:source:)` does.
    /// - Complexity: O(size of the image).
    public init(jpegBytes: [UInt8], source: String) throws(ImageError) {
        let (width, height, pixels) = try JPEGCodec.decode(jpegBytes, color: true, source: source)
        self.init(width: width, height: height, pixels: pixels)
    }

    /// This image as an 8-bit RGB baseline JPEG (YCbCr with libjpeg's default 2x2 chroma subsampling).
    ///
    /// - Parameter quality: libjpeg's quality scale, 1...100.
    /// - Throws: `ImageError.encodingFailed` as `GrayImage.jpegEncoded(quality:)` does.
    /// - Precondition: `1...100` contains `quality`.
    /// - Complexity: O(`width * height`).
    public func jpegEncoded(quality: Int = 90) throws(ImageError) -> [UInt8] {
        try JPEGCodec.encode(pixels, width: width, height: height, channels: 3, quality: quality,
                             source: "a \(width)x\(height) colour image")
    }
}
