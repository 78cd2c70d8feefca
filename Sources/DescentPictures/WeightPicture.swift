public import DescentDatasets
public import DescentNetwork
public import DescentLinearAlgebra

/// Pictures of what neurons weigh: a first layer's weights as images the shape of the input, and
/// any layer's as rows of coloured cells, blue negative, white zero, red positive, on one symmetric
/// scale per picture with its colour bar.
public enum WeightPicture {
    /// Every layer of `network`: the first as tiles when its input is a square image, the others
    /// (and a first layer whose input is not square) as heat rows.
    public static func image(of network: Network<Float>, title: String, notes: [String] = []) -> RGBImage {
        var parts: [RGBImage] = []
        for (index, layer) in network.layers.enumerated() {
            let rows = (0..<layer.outputCount).map { neuron in
                (0..<layer.inputCount).map { Double(layer.weights[neuron, $0]) }
            }
            let biases = layer.biases.map(Double.init)
            let side = squareSide(layer.inputCount)
            if index == 0, let side {
                let captions = biases.enumerated().map { neuron, bias in
                    [TileSheet.Caption("neuron \(neuron)"), TileSheet.Caption("bias \(NumberText.signed(bias, decimals: 2))")]
                }
                parts.append(tiles(rows: rows, side: side, captions: captions, title: title,
                                   notes: notes + ["Layer 1: the \(layer.inputCount) weights into each of its \(layer.outputCount) neurons, as a \(side)x\(side) image"],
                                   valueName: "weight"))
            } else {
                let heading = "Layer \(index + 1): weights into each of its \(layer.outputCount) neurons (rows) from the \(layer.inputCount) of the layer below (columns)"
                parts.append(heatRows(rows: rows, biases: biases, title: index == 0 ? title : nil, heading: heading, valueName: "weight",
                                      rowName: index == network.layers.count - 1 ? "output" : "neuron"))
            }
        }
        return RGBImage.stacked(parts, spacing: 18).padded(6)
    }

    /// Each of `rows` as a `side` x `side` image on one symmetric diverging scale, in a grid with
    /// captions, and the scale's colour bar beneath.
    package static func tiles(
        rows: [[Double]], side: Int, captions: [[TileSheet.Caption]], title: String, notes: [String],
        valueName: String, columns: Int = 8, scale: Int = 4
    ) -> RGBImage {
        let colors = ColorScale.symmetric(covering: rows.flatMap { $0 })
        let limit = colors.upper
        let tiles = rows.enumerated().map { index, values in
            TileSheet.Tile(image: RGBImage(values: values, width: side, height: side, scale: colors),
                           captions: index < captions.count ? captions[index] : [])
        }
        let sheet = TileSheet(title: title, notes: notes, tiles: tiles, columns: min(columns, max(1, rows.count)), scale: scale).image()
        let bar = RGBImage.colorBar(colors, width: min(360, sheet.width - 60),
                                    label: "\(valueName): blue negative, white 0, red positive; one scale for all tiles, "
                                        + "to ±\(NumberText.short(limit)), the 99th percentile of |\(valueName)| (beyond it: full colour)")
        return RGBImage.stacked([sheet, bar.padded(4)], spacing: 4)
    }

    /// A matrix as rows of coloured cells (one row a neuron), with each row's bias at its right and
    /// a colour bar beneath.
    /// - Parameters:
    ///   - rows: One row of values a neuron (its incoming weights, say), all rows of one length.
    ///   - biases: One bias a row, written at the row's right; fewer leave the last rows without one.
    ///   - title: A title in large type above everything; nil for none.
    ///   - heading: A line above the rows saying what they show.
    ///   - valueName: What the values are (`weight`), in the colour bar's label.
    ///   - rowName: Each row's label, before its number (`neuron`, or `output` for the last layer).
    package static func heatRows(rows: [[Double]], biases: [Double], title: String?, heading: String, valueName: String,
                                rowName: String = "neuron") -> RGBImage {
        let columns = rows.first?.count ?? 0
        let cell = max(2, min(16, 560 / max(1, columns)))
        let labelWidth = BitmapFont.width(of: "neuron 00 ")
        let top = (title == nil ? 0 : 2 * BitmapFont.height + 8) + BitmapFont.height + 6
        let width = labelWidth + columns * cell + BitmapFont.width(of: "  bias +0.00") + 8
        var image = RGBImage(width: max(width, BitmapFont.width(of: heading) + 8), height: top + rows.count * cell + 4, color: .white)
        if let title { image.draw(text: title, x: 0, y: 2, scale: 2) }
        image.draw(text: heading, x: 0, y: top - BitmapFont.height - 4, color: .darkGray)
        let colors = ColorScale.symmetric(limit: largestMagnitude(rows))
        for (neuron, values) in rows.enumerated() {
            let y = top + neuron * cell
            if cell >= 10 || neuron % 2 == 0 { image.draw(text: "\(rowName) \(neuron)", x: 0, y: y + (cell - BitmapFont.height) / 2) }
            for (column, value) in values.enumerated() {
                image.fill(x: labelWidth + column * cell, y: y, width: cell, height: cell, color: colors.color(for: value))
            }
            if neuron < biases.count {
                image.draw(text: "  bias \(NumberText.signed(biases[neuron], decimals: 2))", x: labelWidth + columns * cell,
                           y: y + (cell - BitmapFont.height) / 2, color: .darkGray)
            }
        }
        image.stroke(x: labelWidth - 1, y: top - 1, width: columns * cell + 2, height: rows.count * cell + 2, color: .darkGray)
        let bar = RGBImage.colorBar(colors, width: min(300, max(120, columns * cell)), label: "\(valueName), this layer's scale")
        return RGBImage.stacked([image, bar], spacing: 6)
    }

    /// The largest |value|, or 1 when all are zero or there are none.
    static func largestMagnitude(_ rows: [[Double]]) -> Double {
        let largest = rows.flatMap { $0 }.filter(\.isFinite).map(abs).max() ?? 0
        return largest > 0 ? largest : 1
    }

    /// The side of a square image of `count` pixels, or nil if `count` is not a square.
    static func squareSide(_ count: Int) -> Int? {
        var side = 1
        while side * side < count { side += 1 }
        return side * side == count ? side : nil
    }
}
