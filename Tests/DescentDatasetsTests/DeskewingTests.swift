import DescentDatasets
import Testing

@Suite("Deskewing")
struct DeskewingTests {
    /// A slanted stroke: 3 pixels wide, its column moving right by `slope` per row going down.
    func slanted(slope: Double) -> [UInt8] {
        var image = [UInt8](repeating: 0, count: 784)
        for y in 4..<24 {
            let x = Int((14 + slope * Double(y - 14)).rounded())
            for dx in -1...1 { image[y * 28 + x + dx] = 255 }
        }
        return image
    }

    /// (row-column covariance / row variance, centre column).
    func slope(_ image: [UInt8]) -> (slope: Double, centreColumn: Double) {
        var mass = 0.0, row = 0.0, column = 0.0
        for (index, value) in image.enumerated() {
            mass += Double(value); row += Double(value) * Double(index / 28); column += Double(value) * Double(index % 28)
        }
        let m0 = row / mass, m1 = column / mass
        var variance = 0.0, covariance = 0.0
        for (index, value) in image.enumerated() {
            variance += Double(value) * (Double(index / 28) - m0) * (Double(index / 28) - m0)
            covariance += Double(value) * (Double(index / 28) - m0) * (Double(index % 28) - m1)
        }
        return (covariance / variance, m1)
    }

    @Test("a slanted stroke comes out upright, its centre in place", arguments: [0.3, -0.25, 0.1])
    func upright(slant: Double) {
        let image = slanted(slope: slant)
        let before = slope(image)
        #expect(abs(before.slope - slant) < 0.05)
        let after = slope(Deskewing.deskewed(image[...], rows: 28, columns: 28))
        #expect(abs(after.slope) < 0.03)
        #expect(abs(after.centreColumn - before.centreColumn) < 0.3)
    }

    @Test("an upright stroke and a blank image are left as they are")
    func unchanged() {
        let upright = slanted(slope: 0)
        #expect(Deskewing.deskewed(upright[...], rows: 28, columns: 28) == upright)
        let blank = [UInt8](repeating: 0, count: 784)
        #expect(Deskewing.deskewed(blank[...], rows: 28, columns: 28) == blank)
    }

    @Test("preprocessing is read from model metadata: absent is none, unknown is an error naming the file")
    func metadata() throws {
        #expect(try Preprocessing(metadata: [:], source: "m") == .none)
        #expect(try Preprocessing(metadata: ["preprocessing": "deskew"], source: "m") == .deskew)
        #expect(throws: PreprocessingError.unknown(source: "m.safetensors", value: "blur", expected: ["none", "deskew"])) {
            try Preprocessing(metadata: ["preprocessing": "blur"], source: "m.safetensors")
        }
        let images = LabeledImages(rows: 28, columns: 28, pixels: slanted(slope: 0.3) + slanted(slope: 0), labels: [1, 7])
        let prepared = Preprocessing.deskew.apply(to: images)
        #expect(prepared.labels == images.labels)
        #expect(Array(prepared.image(0)) == Preprocessing.deskew.apply(to: slanted(slope: 0.3)))
        #expect(Preprocessing.none.apply(to: images) == images)
    }
}
