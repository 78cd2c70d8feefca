import DescentDatasets
import DescentPictures
import Testing

@Suite("Drawing on images, decoded back from PNG")
struct RGBImageDrawingTests {
    /// The image after a round trip through libpng.
    func roundTrip(_ image: RGBImage) throws -> RGBImage {
        try RGBImage(pngBytes: try image.pngEncoded(), source: "test")
    }

    @Test("rectangles, frames and clipping land on the right pixels")
    func rectangles() throws {
        var image = RGBImage(width: 20, height: 10, color: .white)
        image.fill(x: 2, y: 3, width: 4, height: 2, color: .red)
        image.stroke(x: 10, y: 0, width: 5, height: 5, color: .black)
        image.fill(x: 18, y: 8, width: 50, height: 50, color: .green)  // Partly outside: clipped.
        let decoded = try roundTrip(image)
        #expect(decoded.width == 20 && decoded.height == 10)
        #expect(decoded.color(x: 2, y: 3) == .red && decoded.color(x: 5, y: 4) == .red)
        #expect(decoded.color(x: 6, y: 4) == .white && decoded.color(x: 2, y: 5) == .white)
        #expect(decoded.color(x: 10, y: 0) == .black && decoded.color(x: 14, y: 4) == .black && decoded.color(x: 12, y: 2) == .white)
        #expect(decoded.color(x: 19, y: 9) == .green)
    }

    @Test("text is drawn from the font's bitmaps: ink where the glyph has bits, none elsewhere")
    func text() throws {
        var image = RGBImage(width: 30, height: 20, color: .white)
        image.draw(text: "I", x: 0, y: 0, color: .black, scale: 2)
        let decoded = try roundTrip(image)
        // misc-fixed 6x13 'I': a vertical bar in column 2 (bit 0x20) from row 2 to row 10.
        #expect(decoded.color(x: 2 * 2, y: 2 * 5) == .black)
        #expect(decoded.color(x: 2 * 2 + 1, y: 2 * 5 + 1) == .black)
        #expect(decoded.color(x: 0, y: 2 * 5) == .white)
        #expect(decoded.color(x: 2 * 2, y: 0) == .white)
        #expect(BitmapFont.width(of: "abc", scale: 2) == 36)
        #expect(BitmapFont.covers("→") && BitmapFont.covers("σ") && !BitmapFont.covers("😀"))
    }

    @Test("digits are ink on paper, values are colours, and scaling keeps pixels sharp")
    func tiles() throws {
        let digit = RGBImage(inkBytes: [0, 255, 128, 0], width: 2, height: 2).scaled(by: 3)
        let decoded = try roundTrip(digit)
        #expect(decoded.width == 6 && decoded.height == 6)
        #expect(decoded.color(x: 0, y: 0) == .white && decoded.color(x: 5, y: 2) == .black)
        #expect(decoded.color(x: 0, y: 3) == Color(red: 127, green: 127, blue: 127))
        let values = RGBImage(values: [-1, 0, 1, 0.5], width: 2, height: 2, scale: .symmetric(limit: 1))
        #expect(values.color(x: 1, y: 0) == .white)
        #expect(values.color(x: 0, y: 0) == ColorMap.diverging.stops[0])
        #expect(values.color(x: 0, y: 1) == ColorMap.diverging.stops[ColorMap.diverging.stops.count - 1])
    }

    @Test("layout stacks images on white")
    func layout() {
        let red = RGBImage(width: 3, height: 2, color: .red), blue = RGBImage(width: 5, height: 4, color: Color(hex: 0x0000FF))
        let column = RGBImage.stacked([red, blue], spacing: 1)
        #expect(column.width == 5 && column.height == 7)
        #expect(column.color(x: 4, y: 0) == .white && column.color(x: 0, y: 3) == Color(hex: 0x0000FF))
        let row = RGBImage.besideEachOther([red, blue], spacing: 2)
        #expect(row.width == 10 && row.height == 4 && row.color(x: 6, y: 3) == Color(hex: 0x0000FF))
        #expect(red.padded(2).width == 7)
    }
}
