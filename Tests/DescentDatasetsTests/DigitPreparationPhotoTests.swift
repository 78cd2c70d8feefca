import DescentDatasets
import DescentLinearAlgebra
import DescentTestSupport
import Testing

/// Photos of a digit on paper: unevenly lit, textured, noisy, saved as JPEG.
@Suite("DigitPreparation: photos of digits on paper")
struct DigitPreparationPhotoTests {
    /// The sketch drawn as ink (0 paper ... 255 ink), photographed on a lit page, as gray.
    static func photo(of sketch: Sketch, width: Int = 240, height: Int = 200, seed: UInt64 = 1) -> GrayImage {
        let ink = sketch.picture(width: width, height: height, origin: (60, 30), size: 140, lightOnDark: true)
        var generator = SplitMix64(seed: seed)
        let rgb = PhotoPage.photograph(ink: ink.pixels, width: width, height: height, using: &generator)
        var gray = [UInt8](repeating: 0, count: width * height)
        for index in gray.indices {
            let red = 299 * Int(rgb[3 * index]), green = 587 * Int(rgb[3 * index + 1]), blue = 114 * Int(rgb[3 * index + 2])
            gray[index] = UInt8((red + green + blue + 500) / 1000)  // luminance, ITU-R BT.601
        }
        return GrayImage(width: width, height: height, pixels: gray)
    }

    static func clean(_ sketch: Sketch, width: Int = 240, height: Int = 200) throws -> [UInt8] {
        try DigitPreparation.mnistInput(from: sketch.picture(width: width, height: height, origin: (60, 30), size: 140))
    }

    @Test(arguments: Sketch.all)
    func litNoisyPhotoGivesNearlyTheCleanDrawingsField(sketch: Sketch) throws {
        let photo = Self.photo(of: sketch)
        let clean = try Self.clean(sketch)
        let fromPhoto = try DigitPreparation.mnistInput(from: photo, mode: .photo, source: "photo.jpg")
        let photoDifference = Field.meanAbsoluteDifference(fromPhoto, clean)
        #expect(photoDifference < 4, "\(photoDifference)")  // Measured 0.89 (1), 1.43 (7), 0.37 (0).
        #expect((19...21).contains(Field.inkBoxSide(fromPhoto)))
        // Read as a drawing, the dark corners of the page count as ink, and the digit is lost in them.
        let asDrawing = try DigitPreparation.mnistInput(from: photo, mode: .drawing, source: "photo.jpg")
        #expect(Field.meanAbsoluteDifference(asDrawing, clean) > 10)  // Measured 23.4 (1), 15.4 (7), 41.4 (0).
    }

    @Test func throughJPEGAndAtPhoneSize() throws {
        // 1200x1000, so it is shrunk to 512 on its longer side first; saved at JPEG quality 75.
        let photo = Self.photo(of: .seven, width: 1200, height: 1000, seed: 7)
        let jpeg = try GrayImage(jpegBytes: photo.jpegEncoded(quality: 75), source: "seven.jpg")
        let ink = try DigitPreparation.photoInk(of: jpeg, source: "seven.jpg")
        #expect(ink.width == 512 && ink.height == 427)
        let field = try DigitPreparation.mnistInput(from: jpeg, mode: .automatic, source: "seven.jpg")
        let clean = try Self.clean(.seven, width: 1200, height: 1000)
        #expect(Field.meanAbsoluteDifference(field, clean) < 4)  // Measured 1.50.
    }

    @Test func chalkOnABoardReadsAsInkOnPaper() throws {
        // The page photographed, then inverted: light strokes on an unevenly lit dark ground.
        let photo = Self.photo(of: .seven)
        let board = GrayImage(width: photo.width, height: photo.height, pixels: photo.pixels.map { 255 - $0 })
        let field = try DigitPreparation.mnistInput(from: board, mode: .photo)
        #expect(Field.meanAbsoluteDifference(field, try Self.clean(.seven)) < 4)
        #expect(DigitPreparation.looksLikePhoto(board))
        #expect(try DigitPreparation.mnistInput(from: board, mode: .automatic) == field)
    }

    @Test func specksOfTextureAreDropped() throws {
        var photo = Self.photo(of: .one)
        // Dark specks of 2x2 pixels near the corners, far from the digit.
        for (x, y) in [(5, 5), (230, 8), (12, 190), (225, 185)] {
            for dy in 0..<2 { for dx in 0..<2 { photo[x + dx, y + dy] = 40 } }
        }
        let field = try DigitPreparation.mnistInput(from: photo, mode: .photo)
        #expect(Field.meanAbsoluteDifference(field, try Self.clean(.one)) < 4)  // Measured 0.89, as without the specks.
        #expect((19...21).contains(Field.inkBoxSide(field)))
    }

    @Test func automaticReadsPhotosAsPhotosAndDrawingsAsDrawings() throws {
        let drawing = Sketch.zero.picture(width: 240, height: 200, origin: (60, 30), size: 140)
        let lightOnDark = Sketch.zero.picture(width: 240, height: 200, origin: (60, 30), size: 140, lightOnDark: true)
        let photo = Self.photo(of: .zero)
        #expect(!DigitPreparation.looksLikePhoto(drawing))
        #expect(!DigitPreparation.looksLikePhoto(lightOnDark))
        #expect(DigitPreparation.looksLikePhoto(photo))
        #expect(try DigitPreparation.mnistInput(from: drawing, mode: .automatic) == DigitPreparation.mnistInput(from: drawing))
        #expect(try DigitPreparation.mnistInput(from: photo, mode: .automatic) == DigitPreparation.mnistInput(from: photo, mode: .photo))
        #expect(DigitPreparation.Mode(rawValue: "auto") == .automatic)
    }

    @Test func blankPageHasNoInk() throws {
        var generator = SplitMix64(seed: 3)
        let rgb = PhotoPage.photograph(ink: [UInt8](repeating: 0, count: 200 * 150), width: 200, height: 150, using: &generator)
        let page = GrayImage(width: 200, height: 150, pixels: stride(from: 0, to: rgb.count, by: 3).map { rgb[$0 + 1] })
        #expect(throws: ImageError.noInk(source: "page.jpg")) { try DigitPreparation.photoInk(of: page, source: "page.jpg") }
        #expect(throws: ImageError.noInk(source: "flat.jpg")) {
            try DigitPreparation.photoInk(of: GrayImage(width: 50, height: 50, filledWith: 230), source: "flat.jpg")
        }
        #expect(throws: ImageError.noInk(source: "empty")) {
            try DigitPreparation.mnistInput(from: GrayImage(width: 0, height: 0, pixels: []), mode: .photo, source: "empty")
        }
    }
}
