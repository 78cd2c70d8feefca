import DescentDatasets
import DescentPictures
import Testing

@Suite("Tile sheets and neuron sheets")
struct TileSheetTests {
    @Test("a sheet holds every tile, enlarged, in a grid, and decodes back from PNG")
    func grid() throws {
        let black = RGBImage(width: 4, height: 4, color: .black)
        let tiles = (0..<5).map { TileSheet.Tile(image: black, captions: [TileSheet.Caption("\($0)")]) }
        let sheet = TileSheet(title: "T", tiles: tiles, columns: 3, scale: 2)
        let image = sheet.image()
        let decoded = try RGBImage(pngBytes: try image.pngEncoded(), source: "sheet")
        #expect(decoded == image)
        // Two rows of tiles: count the black 8x8 squares by their top-left corners.
        var corners = 0
        for y in 1..<image.height {
            for x in 1..<image.width where image.color(x: x, y: y) == .black
                && image.color(x: x - 1, y: y) != .black && image.color(x: x, y: y - 1) != .black
                && (0..<8).allSatisfy({ image.color(x: x + $0, y: y + 7) == .black }) {
                corners += 1
            }
        }
        #expect(corners == 5)
    }

    @Test("a neuron sheet has one row a neuron and the key beneath")
    func neurons() {
        let weights = RGBImage(values: Array(repeating: 0.5, count: 16), width: 4, height: 4, scale: .symmetric(limit: 1))
        let row = NeuronSheet.Row(labels: ["neuron 0"], weights: weights,
                                  examples: [TileSheet.Tile(image: RGBImage(width: 4, height: 4, color: .black), captions: [.init("7")])],
                                  histogram: RGBImage.histogram(counts: [1, 5, 2], width: 60, height: 40, color: .red,
                                                                lowerLabel: "0", upperLabel: "1"))
        let key = RGBImage.colorBar(.symmetric(limit: 1), width: 100, label: "weight")
        let one = NeuronSheet(title: "N", notes: [], headings: ("w", "e", "h"), rows: [row], key: key).image()
        let three = NeuronSheet(title: "N", notes: [], headings: ("w", "e", "h"), rows: [row, row, row], key: key).image()
        #expect(three.height > one.height + 2 * 40)
        #expect(one.width >= key.width)
    }

    @Test("a colour bar runs from the low colour to the high one")
    func colorBar() {
        let scale = ColorScale.symmetric(limit: 3)
        let bar = RGBImage.colorBar(scale, width: 100, label: "w")
        var seen: Set<Color> = []
        for x in 0..<bar.width { seen.insert(bar.color(x: x, y: BitmapFont.height + 10)) }
        #expect(seen.contains(.white))
        #expect(seen.contains { $0.blue > 150 && $0.red < 100 } && seen.contains { $0.red > 150 && $0.blue < 100 })
    }
}
