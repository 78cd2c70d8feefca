import CDescentPNG

// PNG through libpng's "simplified API" (png.h, section 5): it accepts every colour type and bit
// depth, applies gamma, palette and tRNS, and converts to the format asked for.

extension GrayImage {
    /// Decodes a PNG of any colour type and bit depth to 8-bit gray.
    ///
    /// Colour is converted to luminance by libpng; transparent pixels are composed over white (in sRGB
    /// values, as a browser shows them), so a drawing on a transparent canvas reads as ink on white paper.
    /// - Parameters:
    ///   - pngBytes: The whole PNG file.
    ///   - source: Names the data in errors (usually its path).
    /// - Throws: `ImageError.invalidPNG` with libpng's message for anything libpng refuses
    ///   (bad signature, corrupt or truncated data); `.emptyImage` or `.tooLarge` from the header,
    ///   checked before the pixels are allocated.
    /// - Complexity: O(size of the image).
    public init(pngBytes: [UInt8], source: String) throws(ImageError) {
        guard GrayImage.isPNG(pngBytes) else {
            throw .invalidPNG(source: source, reason: "the file does not start with the PNG signature")
        }
        let decoded = pngBytes.withUnsafeBytes { memory in
            Result { () throws(ImageError) -> (Int, Int, [UInt8]) in
                try PNGCodec.decode(memory, color: false, source: source)
            }
        }
        let (width, height, pixels) = try decoded.get()
        self.init(width: width, height: height, pixels: pixels)
    }

    /// This image as an 8-bit grayscale PNG.
    ///
    /// - Throws: `ImageError.encodingFailed` with libpng's message (in practice only when out of memory).
    /// - Complexity: O(`width * height`).
    public func pngEncoded() throws(ImageError) -> [UInt8] {
        try PNGCodec.encode(pixels, width: width, height: height, format: descent_png_format_gray,
                            source: "a \(width)x\(height) gray image")
    }
}

/// The calls into libpng, shared by `GrayImage` and `RGBImage`.
enum PNGCodec {
    /// Decodes the PNG in `memory` (which libpng reads from until the image is finished) to 8-bit
    /// gray, or RGB when `color`, with any transparency composed over white by `composedOverWhite`.
    static func decode(_ memory: UnsafeRawBufferPointer, color: Bool,
                       source: String) throws(ImageError) -> (width: Int, height: Int, pixels: [UInt8]) {
        var image = png_image()
        image.version = descent_png_image_version
        defer { png_image_free(&image) }  // A no-op once png_image_finish_read has cleaned up.
        guard let base = memory.baseAddress,
              png_image_begin_read_from_memory(&image, base, memory.count) != 0 else {
            throw .invalidPNG(source: source, reason: message(of: image))
        }
        let width = Int(image.width), height = Int(image.height)
        try GrayImage.checkSize(width: width, height: height, source: source)
        try checkPlausible(width: width, height: height, fileSize: memory.count, source: source)
        // An alpha channel or tRNS chunk: read the alpha too (8-bit, not premultiplied).
        let hasAlpha = image.format & descent_png_format_flag_alpha != 0
        let colorChannels = color ? 3 : 1
        let channels = colorChannels + (hasAlpha ? 1 : 0)
        switch (color, hasAlpha) {
        case (false, false): image.format = descent_png_format_gray
        case (false, true): image.format = descent_png_format_ga
        case (true, false): image.format = descent_png_format_rgb
        case (true, true): image.format = descent_png_format_rgba
        }
        var samples = [UInt8](repeating: 0, count: width * height * channels)
        let finished = samples.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, nil, buffer.baseAddress, png_int_32(width * channels), nil)
        }
        guard finished != 0 else { throw .invalidPNG(source: source, reason: message(of: image)) }
        return (width, height, hasAlpha ? composedOverWhite(samples, colorChannels: colorChannels) : samples)
    }

    /// Throws unless a file of `fileSize` bytes could hold a `width` x `height` image, checked before
    /// the pixels are allocated: the zlib stream in IDAT holds at least one filter byte and one bit a
    /// pixel per row (PNG spec, 7.2 and 9.2), and deflate expands at most about 1032 times
    /// (`Gzip.maximumRatio`). So a 60-byte file claiming 10000x10000 pixels is refused, rather than
    /// costing 100 MB before libpng finds the data missing.
    static func checkPlausible(width: Int, height: Int, fileSize: Int, source: String) throws(ImageError) {
        let smallestData = height * (1 + (width + 7) / 8)
        guard smallestData <= fileSize * Gzip.maximumRatio else {
            throw .invalidPNG(source: source, reason: "its header claims \(width)x\(height) pixels, more than "
                + "\(fileSize) bytes of compressed data can hold; the file is truncated or corrupt")
        }
    }

    /// Drops the trailing alpha of each pixel by composing it over white in sRGB values,
    /// `c * a + 255 * (1 - a)`, as browsers compose a canvas; libpng's own composition works in
    /// linear light, which would make the anti-aliased edges of dark strokes lighter than they look.
    static func composedOverWhite(_ samples: [UInt8], colorChannels: Int) -> [UInt8] {
        let stride = colorChannels + 1
        let count = samples.count / stride
        var result = [UInt8](repeating: 0, count: count * colorChannels)
        for pixel in 0..<count {
            let alpha = Int(samples[pixel * stride + colorChannels])
            for channel in 0..<colorChannels {
                let value = Int(samples[pixel * stride + channel])
                result[pixel * colorChannels + channel] = UInt8((value * alpha + 255 * (255 - alpha) + 127) / 255)
            }
        }
        return result
    }

    /// Encodes 8-bit `pixels` of the given libpng `format` (`descent_png_format_gray` or `_rgb`).
    ///
    /// libpng is called twice: first without memory to learn the exact size, then to write.
    static func encode(_ pixels: [UInt8], width: Int, height: Int, format: png_uint_32,
                       source: String) throws(ImageError) -> [UInt8] {
        guard width > 0 && height > 0 else {
            throw .encodingFailed(source: source, reason: "PNG has no empty images; expected at least 1x1")
        }
        var image = png_image()
        image.version = descent_png_image_version
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = format
        defer { png_image_free(&image) }
        var size: png_alloc_size_t = 0
        let measured = pixels.withUnsafeBytes { buffer in
            png_image_write_to_memory(&image, nil, &size, 0, buffer.baseAddress, 0, nil)
        }
        guard measured != 0, size > 0 else { throw .encodingFailed(source: source, reason: "libpng: " + message(of: image)) }
        var output = [UInt8](repeating: 0, count: Int(size))
        let written = output.withUnsafeMutableBytes { memory in
            pixels.withUnsafeBytes { buffer in
                png_image_write_to_memory(&image, memory.baseAddress, &size, 0, buffer.baseAddress, 0, nil)
            }
        }
        guard written != 0 else { throw .encodingFailed(source: source, reason: "libpng: " + message(of: image)) }
        return Array(output.prefix(Int(size)))
    }

    /// libpng's message in `image.message`, a NUL-terminated `char[64]`.
    static func message(of image: png_image) -> String {
        let text = withUnsafeBytes(of: image.message) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return text.isEmpty ? "unknown error" : text
    }
}
