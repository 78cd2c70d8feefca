// PGM, Netpbm's graymap (netpbm.sourceforge.net/doc/pgm.html): "P5" (binary) or "P2" (plain, ASCII),
// whitespace, width, height, maxval (1...65535) as ASCII decimals, with "#" comments to the end of a
// line allowed between them. P5 then has exactly one whitespace byte and the raster: one byte per
// sample when maxval < 256, else two, most significant first. Sample 0 is black, maxval white.
// Only the first image of a multi-image P5 file is read.

extension GrayImage {
    /// Decodes a binary (P5) or plain (P2) PGM, scaling samples from `0...maxval` to `0...255`.
    ///
    /// - Parameters:
    ///   - pgmBytes: The whole file.
    ///   - source: Names the data in errors (usually its path).
    /// - Throws: `ImageError.invalidPGM` for a bad magic number, header field or sample;
    ///   `.emptyImage` / `.tooLarge` for the size (checked before the pixels are allocated);
    ///   `.truncated` when the raster has fewer samples than `width * height`.
    /// - Complexity: O(size of the file).
    public init(pgmBytes: [UInt8], source: String) throws(ImageError) {
        var scanner = PGMScanner(bytes: pgmBytes, source: source)
        let binary = try scanner.magic()
        let width = try scanner.number(named: "a width")
        let height = try scanner.number(named: "a height")
        try GrayImage.checkSize(width: width, height: height, source: source)
        let maxval = try scanner.number(named: "a maxval")
        guard (1...65535).contains(maxval) else {
            throw .invalidPGM(source: source, reason: "expected a maxval in 1...65535, found \(maxval)")
        }
        let count = width * height
        let samples = binary ? try scanner.binarySamples(count: count, maxval: maxval)
                             : try scanner.plainSamples(count: count, maxval: maxval)
        // Round to nearest: (v * 255 + maxval / 2) / maxval; no overflow for v <= 65535.
        let half = maxval / 2
        let pixels = samples.map { UInt8((Int($0) * 255 + half) / maxval) }
        self.init(width: width, height: height, pixels: pixels)
    }
}

/// Reads a PGM header and raster, throwing errors that name the source.
private struct PGMScanner {
    let bytes: [UInt8]
    let source: String
    var position = 0

    init(bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    /// Reads "P2" or "P5" and returns whether the raster is binary (P5).
    mutating func magic() throws(ImageError) -> Bool {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P"),
              bytes[1] == UInt8(ascii: "2") || bytes[1] == UInt8(ascii: "5") else {
            throw .invalidPGM(source: source, reason: "expected the magic number P2 or P5, found \(describe(at: 0))")
        }
        position = 2
        guard position < bytes.count, isWhitespace(bytes[position]) || bytes[position] == UInt8(ascii: "#") else {
            throw .invalidPGM(source: source, reason: "expected whitespace after the magic number, found \(describe(at: position))")
        }
        return bytes[1] == UInt8(ascii: "5")
    }

    /// Skips whitespace and comments, then reads an unsigned decimal of at most 9 digits.
    mutating func number(named what: String) throws(ImageError) -> Int {
        skipWhitespaceAndComments()
        let start = position
        var value = 0
        while position < bytes.count, let digit = digitValue(bytes[position]) {
            guard position - start < 9 else {
                throw .invalidPGM(source: source, reason: "expected \(what) of at most 9 digits, found more")
            }
            value = value * 10 + digit
            position += 1
        }
        guard position > start else {
            throw .invalidPGM(source: source, reason: "expected \(what), found \(describe(at: position))")
        }
        if position < bytes.count && !isWhitespace(bytes[position]) && bytes[position] != UInt8(ascii: "#") {
            throw .invalidPGM(source: source, reason: "expected whitespace after \(what), found \(describe(at: position))")
        }
        return value
    }

    /// The P5 raster after the single whitespace byte that ends the header.
    mutating func binarySamples(count: Int, maxval: Int) throws(ImageError) -> [UInt16] {
        // `number` stopped on the whitespace byte that ends the header, on a comment that runs to
        // it, or at the end.
        while position < bytes.count && bytes[position] == UInt8(ascii: "#") {
            while position < bytes.count && bytes[position] != 0x0A && bytes[position] != 0x0D { position += 1 }
        }
        position += 1
        let width = maxval < 256 ? 1 : 2
        let available = max(0, bytes.count - position) / width
        guard available >= count else { throw .truncated(source: source, expected: count, found: available) }
        var samples = [UInt16](repeating: 0, count: count)
        for index in 0..<count {
            let offset = position + index * width
            let value = width == 1 ? UInt16(bytes[offset]) : UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
            guard Int(value) <= maxval else { throw outOfRange(index: index, value: Int(value), maxval: maxval) }
            samples[index] = value
        }
        return samples
    }

    /// The P2 raster: `count` decimals separated by whitespace (comments are tolerated too).
    mutating func plainSamples(count: Int, maxval: Int) throws(ImageError) -> [UInt16] {
        var samples: [UInt16] = []
        samples.reserveCapacity(min(count, bytes.count / 2 + 1))  // Each sample takes at least 2 bytes.
        for index in 0..<count {
            skipWhitespaceAndComments()
            guard position < bytes.count else { throw .truncated(source: source, expected: count, found: index) }
            let value = try number(named: "pixel \(index)")
            guard value <= maxval else { throw outOfRange(index: index, value: value, maxval: maxval) }
            samples.append(UInt16(value))
        }
        return samples
    }

    private func outOfRange(index: Int, value: Int, maxval: Int) -> ImageError {
        .invalidPGM(source: source, reason: "expected samples of at most maxval \(maxval), found \(value) at pixel \(index)")
    }

    private mutating func skipWhitespaceAndComments() {
        while position < bytes.count {
            if isWhitespace(bytes[position]) {
                position += 1
            } else if bytes[position] == UInt8(ascii: "#") {
                while position < bytes.count && bytes[position] != 0x0A && bytes[position] != 0x0D { position += 1 }
            } else {
                return
            }
        }
    }

    /// A short quotation of the input at `offset`, for error messages.
    private func describe(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the file" }
        let byte = bytes[offset]
        return (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
    }
}

/// Netpbm's whitespace: blank, tab, CR, LF, vertical tab, form feed.
private func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0D).contains(byte)
}

private func digitValue(_ byte: UInt8) -> Int? {
    (0x30...0x39).contains(byte) ? Int(byte - 0x30) : nil
}
