import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork
import DescentPictures
import Testing

@Suite("Weight pictures")
struct WeightPictureTests {
    @Test("a network's weights make one picture whose colours span the diverging map")
    func network() throws {
        var generator = SplitMix64(seed: 1)
        var network = try Network<Float>(sizes: [16, 3, 2], using: &generator)
        network.layers[0].weights[0, 0] = 5  // The largest magnitude: it sets the scale's red end.
        network.layers[0].weights[1, 0] = -5
        let image = WeightPicture.image(of: network, title: "W")
        let decoded = try RGBImage(pngBytes: try image.pngEncoded(), source: "weights")
        #expect(decoded.width == image.width && decoded.height == image.height)
        var colors: Set<Color> = []
        for y in 0..<image.height { for x in 0..<image.width { colors.insert(image.color(x: x, y: y)) } }
        let stops = ColorMap.diverging.stops
        #expect(colors.contains(stops[0]) && colors.contains(stops[stops.count - 1]))
    }

    @Test("heat rows draw one row of cells a neuron")
    func heatRows() {
        let rows = [[1.0, -1.0], [0.0, 0.5]]
        let image = WeightPicture.heatRows(rows: rows, biases: [0.1, -0.2], title: nil, heading: "h", valueName: "w")
        var reds = 0
        for y in 0..<image.height { for x in 0..<image.width where image.color(x: x, y: y) == ColorMap.diverging.stops.last { reds += 1 } }
        #expect(reds >= 16 * 16)  // At least the one cell of weight +1, 16 pixels square.
    }
}
