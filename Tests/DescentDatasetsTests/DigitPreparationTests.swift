import DescentDatasets
import Testing

/// A digit as thick strokes in a unit square (x right, y down), drawn anti-aliased at any place and size.
/// (Scalar arithmetic: SIMD types are slow in debug builds, where the tests run.)
struct Sketch: Sendable, CustomStringConvertible {
    typealias Point = (x: Double, y: Double)
    var name: String
    /// Straight strokes, from one point to another.
    var segments: [(Point, Point)] = []
    /// Elliptical rings: centre and radii.
    var rings: [(centre: Point, radii: Point)] = []
    /// The stroke's width, as a fraction of the square.
    var thickness = 0.12

    var description: String { name }

    static let one = Sketch(name: "1", segments: [((0.55, 0.05), (0.5, 0.95)), ((0.55, 0.05), (0.35, 0.25))])
    static let seven = Sketch(name: "7", segments: [((0.2, 0.1), (0.8, 0.1)), ((0.8, 0.1), (0.4, 0.95))])
    static let zero = Sketch(name: "0", rings: [((0.5, 0.5), (0.28, 0.42))])
    static let all = [one, seven, zero]

    /// The distance from `p` to the nearest stroke's centre line, in the unit square.
    func distance(_ p: Point) -> Double {
        var nearest = Double.infinity
        for (a, b) in segments {
            let alongX = b.x - a.x, alongY = b.y - a.y, offsetX = p.x - a.x, offsetY = p.y - a.y
            let t = min(1, max(0, (offsetX * alongX + offsetY * alongY) / (alongX * alongX + alongY * alongY)))
            let gapX = offsetX - t * alongX, gapY = offsetY - t * alongY
            nearest = min(nearest, (gapX * gapX + gapY * gapY).squareRoot())
        }
        for (centre, radii) in rings {
            // To first order, |f| / |grad f| with f = |q| - 1, where |q| = 1 is the ellipse.
            let qx = (p.x - centre.x) / radii.x, qy = (p.y - centre.y) / radii.y
            let slopeX = qx / radii.x, slopeY = qy / radii.y
            let radius = (qx * qx + qy * qy).squareRoot()
            nearest = min(nearest, abs(radius - 1) * radius / (slopeX * slopeX + slopeY * slopeY).squareRoot())
        }
        return nearest
    }

    /// A `width` x `height` picture with the sketch drawn into the square at `origin` of side `size`,
    /// anti-aliased (each pixel's ink is how far its centre lies inside the stroke, plus half a pixel,
    /// clamped to 0...1): dark ink on white unless `lightOnDark`.
    func picture(width: Int, height: Int, origin: Point, size: Double, lightOnDark: Bool = false) -> GrayImage {
        var image = GrayImage(width: width, height: height, filledWith: lightOnDark ? 0 : 255)
        // The ink stays within the square; pixels well outside it are left alone.
        for y in max(0, Int(origin.y) - 2)..<min(height, Int(origin.y + size) + 2) {
            for x in max(0, Int(origin.x) - 2)..<min(width, Int(origin.x + size) + 2) {
                let centre = ((Double(x) + 0.5 - origin.x) / size, (Double(y) + 0.5 - origin.y) / size)
                let inside = (thickness / 2 - distance(centre)) * size + 0.5
                let ink = UInt8((min(1, max(0, inside)) * 255).rounded())
                image[x, y] = lightOnDark ? ink : 255 - ink
            }
        }
        return image
    }
}

/// Measures of a 28x28 result.
enum Field {
    /// The longer side of the box holding every pixel of at least a quarter of the brightest.
    static func inkBoxSide(_ pixels: [UInt8]) -> Int {
        let threshold = (Int(pixels.max() ?? 0) + 3) / 4
        let ink = pixels.indices.filter { Int(pixels[$0]) >= threshold }
        let xs = ink.map { $0 % 28 }, ys = ink.map { $0 / 28 }
        return max((xs.max() ?? 0) - (xs.min() ?? 0) + 1, (ys.max() ?? 0) - (ys.min() ?? 0) + 1)
    }

    /// The intensity-weighted centre (column, row) in pixel-index coordinates.
    static func centreOfMass(_ pixels: [UInt8]) -> (x: Double, y: Double) {
        let mass = pixels.reduce(0.0) { $0 + Double($1) }
        let x = pixels.indices.reduce(0.0) { $0 + Double(pixels[$1]) * Double($1 % 28) } / mass
        let y = pixels.indices.reduce(0.0) { $0 + Double(pixels[$1]) * Double($1 / 28) } / mass
        return (x, y)
    }

    /// The mean absolute difference per pixel, in 0...255.
    static func meanAbsoluteDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        zip(a, b).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(a.count)
    }
}

@Suite("DigitPreparation: pictures of digits as MNIST's were prepared")
struct DigitPreparationTests {
    @Test(arguments: Sketch.all)
    func digitFillsTheBoxAndIsCentred(sketch: Sketch) throws {
        let picture = sketch.picture(width: 200, height: 150, origin: (30, 20), size: 100)
        let field = try DigitPreparation.mnistInput(from: picture)
        #expect(field.count == 784)
        #expect((19...21).contains(Field.inkBoxSide(field)))
        let centre = Field.centreOfMass(field)
        #expect(abs(centre.x - 14) <= 0.5 && abs(centre.y - 14) <= 0.5, "\(centre)")
        #expect(field[0] == 0 && field.max() == 255)
    }

    @Test(arguments: Sketch.all)
    func shiftedAndDoubledDigitGivesNearlyTheSameField(sketch: Sketch) throws {
        let small = sketch.picture(width: 200, height: 150, origin: (30, 20), size: 100)
        let large = sketch.picture(width: 400, height: 300, origin: (157.3, 71.6), size: 200)
        let difference = Field.meanAbsoluteDifference(try DigitPreparation.mnistInput(from: small),
                                                      try DigitPreparation.mnistInput(from: large))
        // Measured 1.05 (1), 1.21 (7), 1.14 (0); at most 2.02 over 64 sub-pixel placements of the large one.
        #expect(difference < 4, "\(difference)")
    }

    @Test(arguments: Sketch.all)
    func lightOnDarkAndDarkOnLightGiveTheSameField(sketch: Sketch) throws {
        let dark = sketch.picture(width: 120, height: 160, origin: (10, 40), size: 90)
        let light = sketch.picture(width: 120, height: 160, origin: (10, 40), size: 90, lightOnDark: true)
        #expect(try DigitPreparation.mnistInput(from: dark) == DigitPreparation.mnistInput(from: light))
    }

    @Test func drawingOnATransparentCanvasReadsAsInkOnWhite() throws {
        let drawing = Sketch.zero.picture(width: 100, height: 90, origin: (20, 5), size: 80)
        // Black everywhere; the ink is in the alpha channel, as a canvas's PNG export has it.
        let rgba = drawing.pixels.flatMap { value -> [UInt8] in [0, 0, 0, 255 - value] }
        let png = HandMadePNG.bytes(width: 100, height: 90, colorType: 6, bitDepth: 8, samples: rgba)
        let canvas = try GrayImage(pngBytes: png, source: "canvas.png")
        #expect(canvas == drawing)
        #expect(try DigitPreparation.mnistInput(from: canvas) == DigitPreparation.mnistInput(from: drawing))
    }

    @Test func grayPaperAndFaintInkGiveNearlyTheSameField() throws {
        let clean = Sketch.seven.picture(width: 160, height: 160, origin: (20, 30), size: 110)
        // Paper at 200, ink at 60: the same drawing with a quarter of the contrast lost.
        let gray = GrayImage(width: 160, height: 160, pixels: clean.pixels.map { UInt8(60 + Int($0) * 140 / 255) })
        let difference = Field.meanAbsoluteDifference(try DigitPreparation.mnistInput(from: clean),
                                                      try DigitPreparation.mnistInput(from: gray))
        #expect(difference < 1, "\(difference)")  // Measured 0.015-0.018.
    }

    @Test func preparedFieldStaysCloseToItself() throws {
        let field = try DigitPreparation.mnistInput(from: Sketch.seven.picture(width: 200, height: 150, origin: (30, 20), size: 100))
        let again = try DigitPreparation.mnistInput(from: GrayImage(width: 28, height: 28, pixels: field))
        #expect(Field.meanAbsoluteDifference(field, again) < 1)  // Measured 0; MNIST's own digits: at most 0.26.
    }

    @Test func tinyAndThinInkIsScaledUp() throws {
        var dot = GrayImage(width: 50, height: 40, filledWith: 255)
        dot[7, 33] = 0
        let field = try DigitPreparation.mnistInput(from: dot)
        #expect(Field.inkBoxSide(field) >= 19)
        var line = GrayImage(width: 300, height: 40, filledWith: 255)
        for x in 50..<250 { line[x, 20] = 0 }
        let lineField = try DigitPreparation.mnistInput(from: line)
        #expect(Field.inkBoxSide(lineField) == 20 && abs(Field.centreOfMass(lineField).y - 14) <= 0.5)
    }

    @Test(arguments: [
        GrayImage(width: 200, height: 150, filledWith: 255),
        GrayImage(width: 64, height: 64, filledWith: 0),
        GrayImage(width: 30, height: 20, pixels: (0..<600).map { UInt8(200 + $0 % 7) }),
        GrayImage(width: 1, height: 1, filledWith: 0),
        GrayImage(width: 0, height: 0, pixels: []),
    ])
    func blankPictureHasNoInk(picture: GrayImage) {
        #expect(throws: ImageError.noInk(source: "blank.png")) {
            try DigitPreparation.mnistInput(from: picture, source: "blank.png")
        }
    }

    @Test func textPictureShowsEachPixelAsOneCharacter() throws {
        let field = try DigitPreparation.mnistInput(from: Sketch.one.picture(width: 80, height: 80, origin: (10, 10), size: 60))
        let lines = DigitPreparation.textPicture(of: field).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 28 && lines.allSatisfy { $0.count == 28 })
        #expect(DigitPreparation.textPicture(of: [0, 128, 255], width: 3) == " +@")
        #expect(DigitPreparation.textPicture(of: [0, 255, 255, 0], width: 2) == " @\n@ ")
    }
}
