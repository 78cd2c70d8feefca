import DescentDatasets
import DescentFileIO
import DescentTestSupport
import Testing

@Suite("JPEG: libjpeg behind a safe wrapper")
struct JPEGTests {
    /// A smooth 40x24 gradient with a dark bar: JPEG keeps such content within a few levels.
    static let gradient = GrayImage(width: 40, height: 24, pixels: (0..<(40 * 24)).map { index in
        let (x, y) = (index % 40, index / 40)
        return (16..<24).contains(x) ? 20 : UInt8(40 + 4 * x + 2 * y)
    })

    static func meanDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        Double(zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(max(1, a.count))
    }

    @Test func grayJPEGRoundTripsWithinAFewLevels() throws {
        let bytes = try Self.gradient.jpegEncoded(quality: 95)
        #expect(GrayImage.isJPEG(bytes) && !GrayImage.isPNG(bytes))
        let decoded = try GrayImage(jpegBytes: bytes, source: "memory")
        #expect(decoded.width == 40 && decoded.height == 24)
        #expect(Self.meanDifference(decoded.pixels, Self.gradient.pixels) < 2)
        // Lower quality: a smaller file, still the same picture.
        let rough = try Self.gradient.jpegEncoded(quality: 20)
        #expect(rough.count < bytes.count)
        #expect(Self.meanDifference(try GrayImage(jpegBytes: rough, source: "memory").pixels, Self.gradient.pixels) < 8)
    }

    @Test func colourJPEGRoundTripsAndReadsAsLuminance() throws {
        var image = RGBImage(width: 32, height: 16, filledWith: (red: 230, green: 200, blue: 120))
        for y in 4..<12 { for x in 8..<24 { image[x, y] = (red: 20, green: 30, blue: 90) } }
        let bytes = try image.jpegEncoded(quality: 95)
        let colour = try RGBImage(jpegBytes: bytes, source: "memory")
        #expect(colour.width == 32 && colour.height == 16)
        #expect(Self.meanDifference(colour.pixels, image.pixels) < 6)
        let gray = try GrayImage(jpegBytes: bytes, source: "memory")
        // Luminance (ITU-R BT.601, as JPEG's YCbCr): paper 0.299·230 + 0.587·200 + 0.114·120 ≈ 200, ink ≈ 34.
        #expect(abs(Int(gray[2, 2]) - 200) <= 4 && abs(Int(gray[16, 8]) - 34) <= 6)
        // A gray JPEG read as colour gives three equal channels.
        let fromGray = try RGBImage(jpegBytes: Self.gradient.jpegEncoded(quality: 90), source: "memory")
        #expect(fromGray[30, 10].red == fromGray[30, 10].green && fromGray[30, 10].green == fromGray[30, 10].blue)
    }

    @Test func readingPicksTheDecoderByContentNotByName() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let jpeg = try Self.gradient.jpegEncoded(quality: 95)
        try Files.writeAtomically(jpeg, to: folder.file("photo.png"))
        try Files.writeAtomically(try Self.gradient.pngEncoded(), to: folder.file("drawing.jpg"))
        #expect(Self.meanDifference(try GrayImage.read(folder.file("photo.png")).pixels, Self.gradient.pixels) < 2)
        #expect(try GrayImage.read(folder.file("drawing.jpg")) == Self.gradient)
        try Files.writeAtomically([0xFF, 0xD8, 0xFF, 0xE0, 0x00], to: folder.file("stub.jpg"))
        let error = #expect(throws: ImageError.self) { try GrayImage.read(folder.file("stub.jpg")) }
        guard case .invalidJPEG(let source, _) = error else {
            Issue.record("expected invalidJPEG, got \(String(describing: error))")
            return
        }
        #expect(source == folder.file("stub.jpg"))
    }

    /// Every cut of a good file is refused with an error naming it: libjpeg's "premature end" is a
    /// warning it would pad with gray, an error here.
    @Test func everyTruncationIsAnErrorNamingTheFile() throws {
        let good = try Self.gradient.jpegEncoded(quality: 90)
        for length in stride(from: 0, to: good.count, by: 3) {
            let error = #expect(throws: ImageError.self) { try GrayImage(jpegBytes: Array(good.prefix(length)), source: "cut.jpg") }
            guard let error, case .invalidJPEG(let source, _) = error else {
                Issue.record("cut at \(length): expected invalidJPEG, got \(String(describing: error))")
                continue
            }
            #expect(source == "cut.jpg" && error.description.hasPrefix("cut.jpg: not a readable JPEG"))
        }
    }

    /// Bytes flipped anywhere: the file decodes to an image of its size, or throws an ImageError
    /// naming it; never a crash or an exit.
    @Test func flippedBytesDecodeOrThrowNamingTheFile() throws {
        let good = try RGBImage(Self.gradient).jpegEncoded(quality: 80)
        var refused = 0
        for position in stride(from: 2, to: good.count, by: 2) {
            for flip: UInt8 in [0xFF, 0x01, 0x80] {
                var bytes = good
                bytes[position] ^= flip
                do {
                    let image = try GrayImage(bytes: bytes, source: "flipped.jpg")
                    #expect(image.pixels.count == image.width * image.height)
                    let colour = try RGBImage(jpegBytes: bytes, source: "flipped.jpg")
                    #expect(colour.pixels.count == 3 * colour.width * colour.height)
                } catch {
                    #expect(error.source == "flipped.jpg" && error.description.hasPrefix("flipped.jpg: "))
                    refused += 1
                }
            }
        }
        #expect(refused > 0)
    }

    /// The byte offset of the first SOF0 marker's height field.
    static func sizeOffset(in jpeg: [UInt8]) -> Int? {
        (2..<(jpeg.count - 9)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 }.map { $0 + 5 }
    }

    @Test func hostileSizesAreRefusedBeforeDecoding() throws {
        let good = try GrayImage(width: 8, height: 8, filledWith: 128).jpegEncoded(quality: 50)
        let offset = try #require(Self.sizeOffset(in: good))
        func claiming(width: Int, height: Int) -> [UInt8] {
            var bytes = good
            bytes[offset] = UInt8(height >> 8); bytes[offset + 1] = UInt8(height & 0xff)
            bytes[offset + 2] = UInt8(width >> 8); bytes[offset + 3] = UInt8(width & 0xff)
            return bytes
        }
        #expect(throws: ImageError.tooLarge(source: "big.jpg", width: 60_000, height: 60_000, limit: GrayImage.maximumPixelCount)) {
            try GrayImage(jpegBytes: claiming(width: 60_000, height: 60_000), source: "big.jpg")
        }
        let error = #expect(throws: ImageError.self) { try GrayImage(jpegBytes: claiming(width: 9_000, height: 9_000), source: "bomb.jpg") }
        #expect(error?.description.contains("more than \(good.count) bytes of compressed data can hold") == true, "\(String(describing: error))")
        #expect(throws: ImageError.self) { try GrayImage(jpegBytes: claiming(width: 0, height: 8), source: "empty.jpg") }
    }

    /// A 16x8 picture, left half black, stored with an Exif orientation: read upright.
    @Test(arguments: [(1, 16, 8, "left"), (3, 16, 8, "right"), (6, 8, 16, "top"), (8, 8, 16, "bottom"), (2, 16, 8, "right")])
    func exifOrientationIsApplied(orientation: Int, width: Int, height: Int, darkSide: String) throws {
        let stored = GrayImage(width: 16, height: 8, pixels: (0..<128).map { $0 % 16 < 8 ? 0 : 255 })
        let jpeg = try stored.jpegEncoded(quality: 100)
        // APP1: "Exif\0\0", a big-endian TIFF header, IFD0 with one entry: 0x0112 SHORT 1 = orientation.
        let tiff: [UInt8] = [0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, UInt8(orientation), 0, 0, 0, 0, 0, 0, 0, 0]
        let data: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff
        let segment: [UInt8] = [0xFF, 0xE1, UInt8((data.count + 2) >> 8), UInt8((data.count + 2) & 0xff)] + data
        let image = try GrayImage(jpegBytes: Array(jpeg.prefix(2)) + segment + jpeg.dropFirst(2), source: "turned.jpg")
        #expect(image.width == width && image.height == height)
        func mean(_ xs: Range<Int>, _ ys: Range<Int>) -> Int {
            var sum = 0
            for y in ys { for x in xs { sum += Int(image[x, y]) } }
            return sum / (xs.count * ys.count)
        }
        let halves: [String: Int] = [
            "left": mean(0..<(width / 2), 0..<height), "right": mean((width / 2)..<width, 0..<height),
            "top": mean(0..<width, 0..<(height / 2)), "bottom": mean(0..<width, (height / 2)..<height),
        ]
        #expect((halves[darkSide] ?? 255) < 40, "\(halves)")
    }

    @Test func encodingRefusesEmptyImages() {
        #expect(throws: ImageError.self) { try GrayImage(width: 0, height: 3, pixels: []).jpegEncoded() }
    }
}
