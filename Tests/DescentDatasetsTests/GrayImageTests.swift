import DescentDatasets
import DescentFileIO
import Testing
import DescentTestSupport

@Suite("GrayImage: PNG and PGM")
struct GrayImageTests {
    /// A 13x7 image using every kind of value, odd-sized so row padding would show.
    static let sample = GrayImage(width: 13, height: 7, pixels: (0..<91).map { UInt8(($0 * 37 + 11) % 256) })

    @Test func grayPNGRoundTrips() throws {
        let bytes = try Self.sample.pngEncoded()
        #expect(GrayImage.isPNG(bytes))
        #expect(try GrayImage(pngBytes: bytes, source: "memory") == Self.sample)
    }

    @Test func rgbPNGRoundTrips() throws {
        let image = RGBImage(width: 5, height: 3, pixels: (0..<45).map { UInt8(($0 * 53 + 7) % 256) })
        let bytes = try image.pngEncoded()
        #expect(try RGBImage(pngBytes: bytes, source: "memory") == image)
        let blackAndWhite = RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 255, 255, 255])
        #expect(try GrayImage(pngBytes: blackAndWhite.pngEncoded(), source: "memory").pixels == [0, 255])
        #expect(try RGBImage(pngBytes: Self.sample.pngEncoded(), source: "memory") == RGBImage(Self.sample))
    }

    @Test func transparentPixelsAreComposedOverWhite() throws {
        // Opaque black, transparent black, opaque white, transparent red, half-transparent black.
        let rgba: [UInt8] = [0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 128]
        let png = HandMadePNG.bytes(width: 5, height: 1, colorType: 6, bitDepth: 8, samples: rgba)
        let image = try GrayImage(pngBytes: png, source: "canvas.png")
        // Composed in sRGB values, as a browser shows them: half-transparent black is mid-gray.
        #expect(image.pixels == [0, 255, 255, 255, 127])
        let color = try RGBImage(pngBytes: png, source: "canvas.png")
        #expect(color.pixels == [0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 127, 127, 127])
    }

    @Test func sixteenBitGrayBecomesEightBit() throws {
        let samples: [UInt8] = [0x00, 0x00, 0xff, 0xff, 0x80, 0x00]
        let png = HandMadePNG.bytes(width: 3, height: 1, colorType: 0, bitDepth: 16, samples: samples)
        let image = try GrayImage(pngBytes: png, source: "deep.png")
        #expect(image.pixels[0] == 0 && image.pixels[1] == 255 && (1...254).contains(image.pixels[2]))
    }

    @Test func malformedPNGsNameTheirSource() throws {
        let good = try Self.sample.pngEncoded()
        let cases: [(String, [UInt8])] = [
            ("cut.png", Array(good.prefix(good.count / 2))),
            ("header-only.png", Array(good.prefix(20))),
            ("garbage.png", good.prefix(8) + [UInt8](repeating: 0x5a, count: 64)),
            ("empty.png", HandMadePNG.bytes(width: 0, height: 1, colorType: 0, bitDepth: 8, samples: [0])),
        ]
        for (name, bytes) in cases {
            let error = #expect(throws: ImageError.self) { try GrayImage(pngBytes: bytes, source: name) }
            guard let error, case .invalidPNG(let source, _) = error else {
                Issue.record("\(name): expected invalidPNG, got \(String(describing: error))")
                continue
            }
            #expect(source == name && "\(error)".hasPrefix("\(name): "))
        }
    }

    @Test func hugePNGIsRefusedBeforeDecoding() throws {
        let png = HandMadePNG.bytes(width: 20_000, height: 20_000, colorType: 0, bitDepth: 8, samples: [0])
        #expect(throws: ImageError.tooLarge(source: "huge.png", width: 20_000, height: 20_000,
                                            limit: GrayImage.maximumPixelCount)) {
            try GrayImage(pngBytes: png, source: "huge.png")
        }
    }

    @Test func plainPGMWithCommentsAndSmallMaxval() throws {
        let text = "P2\n# drawn by hand\n3 2 # width height\n# maxval next\n15\n0 15 5\n# row two\n 1 14\t10\n"
        let image = try GrayImage(pgmBytes: Array(text.utf8), source: "a.pgm")
        #expect(image == GrayImage(width: 3, height: 2, pixels: [0, 255, 85, 17, 238, 170]))
    }

    @Test func binaryPGMEightAndSixteenBit() throws {
        let eight = Array("P5 2 2 255\n".utf8) + [0, 1, 254, 255]
        #expect(try GrayImage(pgmBytes: eight, source: "8.pgm").pixels == [0, 1, 254, 255])
        let sixteen = Array("P5\n#c\n3 1\n65535\n".utf8) + [0x00, 0x00, 0xff, 0xff, 0x80, 0x80]
        #expect(try GrayImage(pgmBytes: sixteen, source: "16.pgm").pixels == [0, 255, 128])
        let commentBeforeRaster = Array("P5 1 1 255#why\n".utf8) + [7]
        #expect(try GrayImage(pgmBytes: commentBeforeRaster, source: "c.pgm").pixels == [7])
    }

    @Test(arguments: [
        ("P7 2 2 255\n", "magic number"),
        ("P5 2\n", "a height"),
        ("P2 2 x 255\n", "a height"),
        ("P2 2 2 0\n0 0 0 0", "maxval"),
        ("P2 2 2 70000\n0 0 0 0", "maxval"),
        ("P2 2 2 255\n0 1 2 256", "at most maxval"),
        ("P2 2 2 255\n0 1 two 3", "pixel 2"),
        ("P2 1 1 1234567890\n0", "at most 9 digits"),
    ])
    func malformedPGMHeadersAndSamples(text: String, expected: String) throws {
        let error = #expect(throws: ImageError.self) { try GrayImage(pgmBytes: Array(text.utf8), source: "bad.pgm") }
        guard let error, case .invalidPGM(let source, let reason) = error else {
            Issue.record("expected invalidPGM, got \(String(describing: error))")
            return
        }
        #expect(source == "bad.pgm" && reason.contains(expected) && "\(error)".hasPrefix("bad.pgm: "), "\(reason)")
    }

    @Test func truncatedZeroAndHugePGMs() throws {
        func error(_ bytes: [UInt8]) -> ImageError? {
            do { _ = try GrayImage(pgmBytes: bytes, source: "p.pgm"); return nil } catch { return error }
        }
        #expect(error(Array("P5 3 2 255\n".utf8) + [1, 2, 3, 4]) == .truncated(source: "p.pgm", expected: 6, found: 4))
        #expect(error(Array("P5 2 1 65535\n".utf8) + [1, 2, 3]) == .truncated(source: "p.pgm", expected: 2, found: 1))
        #expect(error(Array("P2 3 2 255\n1 2 3 4\n".utf8)) == .truncated(source: "p.pgm", expected: 6, found: 4))
        #expect(error(Array("P5 0 5 255\n".utf8)) == .emptyImage(source: "p.pgm", width: 0, height: 5))
        #expect(error(Array("P5 100000 100000 255\n".utf8))
                == .tooLarge(source: "p.pgm", width: 100_000, height: 100_000, limit: GrayImage.maximumPixelCount))
    }

    @Test func readSniffsTheFormatByContent() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try Files.writeAtomically(try Self.sample.pngEncoded(), to: folder.file("picture.pgm"))
        try Files.writeAtomically(Array("P5 1 2 255\n".utf8) + [9, 200], to: folder.file("picture.png"))
        try Files.writeAtomically(Array("<!DOCTYPE html>".utf8), to: folder.file("page.png"))
        #expect(try GrayImage.read(folder.file("picture.pgm")) == Self.sample)
        #expect(try GrayImage.read(folder.file("picture.png")).pixels == [9, 200])
        #expect(throws: ImageError.unsupportedFormat(source: folder.file("page.png"), found: "3c 21 44 4f 43 54 59 50")) {
            try GrayImage.read(folder.file("page.png"))
        }
        #expect(throws: FileError.notFound(path: folder.file("missing.png"))) {
            try GrayImage.read(folder.file("missing.png"))
        }
    }

    @Test func errorDescriptionsAreOneLineNamingTheSource() {
        let errors: [ImageError] = [
            .unsupportedFormat(source: "s", found: "00"), .invalidPNG(source: "s", reason: "r"),
            .invalidPGM(source: "s", reason: "r"), .truncated(source: "s", expected: 2, found: 1),
            .emptyImage(source: "s", width: 0, height: 0), .tooLarge(source: "s", width: 1, height: 1, limit: 0),
            .noInk(source: "s"), .encodingFailed(source: "s", reason: "r"),
        ]
        for error in errors {
            #expect(error.description.hasPrefix("s: ") && !error.description.contains("\n") && error.source == "s")
        }
    }
}

/// PNG files built byte by byte (PNG specification; RFC 1950 zlib and RFC 1951 stored deflate blocks),
/// so the decoder is tested on files libpng's encoder did not write.
enum HandMadePNG {
    static func bytes(width: Int, height: Int, colorType: UInt8, bitDepth: UInt8, samples: [UInt8]) -> [UInt8] {
        let rowBytes = height > 0 ? samples.count / max(height, 1) : 0
        var raw: [UInt8] = []  // Each row: filter type 0, then its samples.
        for row in 0..<height {
            raw.append(0)
            raw += samples[min(samples.count, row * rowBytes)..<min(samples.count, (row + 1) * rowBytes)]
        }
        var zlib: [UInt8] = [0x78, 0x01, 0x01]  // Header, then one final stored block.
        zlib += littleEndian16(raw.count) + littleEndian16(~raw.count & 0xffff) + raw + bigEndian32(adler32(raw))
        let header = bigEndian32(UInt32(width)) + bigEndian32(UInt32(height)) + [bitDepth, colorType, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", header) + chunk("IDAT", zlib) + chunk("IEND", [])
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian32(UInt32(data.count)) + body + bigEndian32(crc32(body))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    static func bigEndian32(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
    static func littleEndian16(_ value: Int) -> [UInt8] { [UInt8(value & 0xff), UInt8((value >> 8) & 0xff)] }
}
