import CDescentJPEG

// JPEG through libjpeg (the C calls and why they are C: Sources/CDescentJPEG/shim.h). The orientation
// a camera records is read here from the Exif segment (JEITA CP-3451, Exif 2.3, the TIFF tag 0x0112),
// so a photo taken with the phone turned reads the way it is shown.

/// The calls into libjpeg, shared by `GrayImage` and `RGBImage`.
enum JPEGCodec {
    /// Whether `bytes` start as every JPEG file does: the start-of-image marker FF D8, then the next
    /// marker's FF (ITU T.81, B.1.1.2).
    static func isJPEG(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0xFF, 0xD8, 0xFF])
    }

    /// Decodes the JPEG `bytes` to 8-bit gray, or RGB when `color`, turned upright as its Exif
    /// orientation says.
    static func decode(_ bytes: [UInt8], color: Bool, source: String) throws(ImageError) -> (width: Int, height: Int, pixels: [UInt8]) {
        guard isJPEG(bytes) else {
            throw .invalidJPEG(source: source, reason: "the file does not start with the JPEG markers FF D8 FF")
        }
        var message = [CChar](repeating: 0, count: Int(descent_jpeg_message_length))
        var width: Int32 = 0, height: Int32 = 0, components: Int32 = 0
        let headerRead = bytes.withUnsafeBufferPointer { file in
            message.withUnsafeMutableBufferPointer { text in
                descent_jpeg_read_header(file.baseAddress, UInt(file.count), &width, &height, &components, text.baseAddress)
            }
        }
        guard headerRead != 0 else { throw .invalidJPEG(source: source, reason: "libjpeg: " + text(message)) }
        try GrayImage.checkSize(width: Int(width), height: Int(height), source: source)
        try checkPlausible(width: Int(width), height: Int(height), fileSize: bytes.count, source: source)
        let channels = color ? 3 : 1
        var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
        let decoded = bytes.withUnsafeBufferPointer { file in
            pixels.withUnsafeMutableBufferPointer { output in
                message.withUnsafeMutableBufferPointer { text in
                    descent_jpeg_decode(file.baseAddress, UInt(file.count), Int32(channels), output.baseAddress, width, height, text.baseAddress)
                }
            }
        }
        guard decoded != 0 else { throw .invalidJPEG(source: source, reason: "libjpeg: " + text(message)) }
        return upright(pixels, width: Int(width), height: Int(height), channels: channels, orientation: orientation(in: bytes))
    }

    /// Throws unless a file of `fileSize` bytes could hold a `width` x `height` image, checked before
    /// the pixels are allocated: Huffman coding spends at least one bit on every 8x8 block of the
    /// first component in the first scan (ITU T.81, F.1.2 and G.1.2), so a header claiming more blocks
    /// than the file has bits is refused. (Arithmetic coding, which almost no camera writes, can pack a
    /// flat image tighter; such a file is refused too.)
    static func checkPlausible(width: Int, height: Int, fileSize: Int, source: String) throws(ImageError) {
        let blocks = ((width + 7) / 8) * ((height + 7) / 8)
        guard blocks <= fileSize * 8 else {
            throw .invalidJPEG(source: source, reason: "its header claims \(width)x\(height) pixels, more than "
                + "\(fileSize) bytes of compressed data can hold; the file is truncated or corrupt")
        }
    }

    /// Encodes 8-bit gray (`channels` 1) or RGB (3) pixels as a baseline JPEG of `quality` 1...100.
    static func encode(_ pixels: [UInt8], width: Int, height: Int, channels: Int, quality: Int,
                       source: String) throws(ImageError) -> [UInt8] {
        precondition((1...100).contains(quality), "jpegEncoded: quality \(quality); expected 1...100")
        precondition(pixels.count == width * height * channels, "jpegEncoded: \(pixels.count) bytes for \(width)x\(height)x\(channels)")
        guard width > 0 && height > 0 else {
            throw .encodingFailed(source: source, reason: "JPEG has no empty images; expected at least 1x1")
        }
        guard width <= 65_500 && height <= 65_500 else {
            throw .encodingFailed(source: source, reason: "JPEG allows at most 65500 pixels a side")
        }
        var message = [CChar](repeating: 0, count: Int(descent_jpeg_message_length))
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let encoded = pixels.withUnsafeBufferPointer { input in
            message.withUnsafeMutableBufferPointer { text in
                descent_jpeg_encode(input.baseAddress, Int32(width), Int32(height), Int32(channels), Int32(quality),
                                    &output, &size, text.baseAddress)
            }
        }
        defer { descent_jpeg_free(output) }
        guard encoded != 0, let output else { throw .encodingFailed(source: source, reason: "libjpeg: " + text(message)) }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    /// libjpeg's NUL-terminated message.
    static func text(_ message: [CChar]) -> String {
        let bytes = message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return bytes.isEmpty ? "unknown error" : String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Orientation

    /// The Exif orientation (1...8) in the file's APP1 segment, or 1 (as stored) when it has none or
    /// it cannot be read. Markers are walked up to the first scan; every offset is checked.
    static func orientation(in bytes: [UInt8]) -> Int {
        var offset = 2
        while offset + 4 <= bytes.count {
            guard bytes[offset] == 0xFF else { return 1 }
            let marker = bytes[offset + 1]
            if marker == 0xFF { offset += 1; continue }  // a fill byte before the marker
            if marker == 0xDA || marker == 0xD9 { return 1 }  // start of scan, end of image: no more headers
            if (0xD0...0xD7).contains(marker) || marker == 0x01 { offset += 2; continue }  // no length
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else { return 1 }
            if marker == 0xE1, let value = exifOrientation(Array(bytes[(offset + 4)..<(offset + 2 + length)])) { return value }
            offset += 2 + length
        }
        return 1
    }

    /// The orientation tag of IFD0 in an APP1 segment's data ("Exif\0\0" then a TIFF structure).
    static func exifOrientation(_ segment: [UInt8]) -> Int? {
        guard segment.starts(with: [0x45, 0x78, 0x69, 0x66, 0, 0]) else { return nil }
        let tiff = Array(segment.dropFirst(6))
        guard tiff.count >= 8 else { return nil }
        let littleEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): littleEndian = true  // "II"
        case (0x4D, 0x4D): littleEndian = false  // "MM"
        default: return nil
        }
        func number(at offset: Int, bytes count: Int) -> Int? {
            guard offset >= 0, offset <= tiff.count - count else { return nil }
            let slice = tiff[offset..<(offset + count)]
            return (littleEndian ? slice.reversed() : Array(slice)).reduce(0) { $0 << 8 | Int($1) }
        }
        guard number(at: 2, bytes: 2) == 42, let directory = number(at: 4, bytes: 4),
              let entries = number(at: directory, bytes: 2) else { return nil }
        for entry in 0..<entries {
            let start = directory + 2 + 12 * entry
            guard let tag = number(at: start, bytes: 2) else { return nil }
            guard tag == 0x0112 else { continue }
            // Type 3 (SHORT), one value, held in the first two bytes of the value field.
            guard number(at: start + 2, bytes: 2) == 3, let value = number(at: start + 8, bytes: 2), (1...8).contains(value) else { return nil }
            return value
        }
        return nil
    }

    /// The stored pixels turned to how the Exif `orientation` says they are shown. For orientation o,
    /// shown pixel (x, y) is stored pixel `source(x, y)`; 5 to 8 swap width and height.
    static func upright(_ pixels: [UInt8], width: Int, height: Int, channels: Int, orientation: Int) -> (width: Int, height: Int, pixels: [UInt8]) {
        guard (2...8).contains(orientation) else { return (width, height, pixels) }
        let swaps = orientation >= 5
        let (shownWidth, shownHeight) = swaps ? (height, width) : (width, height)
        func source(_ x: Int, _ y: Int) -> (Int, Int) {
            switch orientation {
            case 2: return (width - 1 - x, y)  // mirrored left to right
            case 3: return (width - 1 - x, height - 1 - y)  // turned 180°
            case 4: return (x, height - 1 - y)  // mirrored top to bottom
            case 5: return (y, x)  // transposed
            case 6: return (y, height - 1 - x)  // shown turned 90° clockwise
            case 7: return (width - 1 - y, height - 1 - x)  // transversed
            default: return (width - 1 - y, x)  // 8: shown turned 90° anticlockwise
            }
        }
        var result = [UInt8](repeating: 0, count: pixels.count)
        for y in 0..<shownHeight {
            for x in 0..<shownWidth {
                let (sx, sy) = source(x, y)
                let from = (sy * width + sx) * channels, to = (y * shownWidth + x) * channels
                for channel in 0..<channels { result[to + channel] = pixels[from + channel] }
            }
        }
        return (shownWidth, shownHeight, result)
    }
}
