package import DescentDatasets

/// A PNG with one row per neuron: labels, its weights as an image, the inputs that excite it most,
/// and a histogram of its activations; column headings on top and a colour key beneath.
package struct NeuronSheet: Sendable {
    /// One neuron's row.
    package struct Row: Sendable {
        /// Lines at the left, such as the neuron's name and mean activation.
        package var labels: [String]
        /// Its weights drawn as an image (drawn 3 times larger).
        package var weights: RGBImage
        /// The inputs that excite it most, with captions (drawn 2 times larger).
        package var examples: [TileSheet.Tile]
        /// Its activation histogram, drawn as it is.
        package var histogram: RGBImage

        /// A row from its parts.
        package init(labels: [String], weights: RGBImage, examples: [TileSheet.Tile], histogram: RGBImage) {
            self.labels = labels
            self.weights = weights
            self.examples = examples
            self.histogram = histogram
        }
    }

    /// The heading above the rows.
    package var title: String
    /// Smaller lines under the title.
    package var notes: [String]
    /// The headings over the weights, examples and histogram columns.
    package var headings: (weights: String, examples: String, histogram: String)
    /// One row a neuron, top to bottom.
    package var rows: [Row]
    /// Drawn under the rows: the colour bar of the weights.
    package var key: RGBImage?

    /// A sheet of `rows`.
    package init(title: String, notes: [String], headings: (weights: String, examples: String, histogram: String),
                rows: [Row], key: RGBImage? = nil) {
        self.title = title
        self.notes = notes
        self.headings = headings
        self.rows = rows
        self.key = key
    }

    /// The sheet as an image.
    package func image() -> RGBImage {
        let header = TileSheet(title: title, notes: notes, tiles: [], columns: 1).header
        let labelWidth = (rows.flatMap(\.labels).map { BitmapFont.width(of: $0) }.max() ?? 0) + 10
        let weightWidth = max((rows.map(\.weights.width).max() ?? 0) * 3, BitmapFont.width(of: headings.weights)) + 12
        let exampleCell = max(2 * (rows.flatMap(\.examples).map(\.image.width).max() ?? 0),
                              rows.flatMap(\.examples).flatMap { $0.captions.map { BitmapFont.width(of: $0.text) } }.max() ?? 0) + 6
        let exampleCount = rows.map(\.examples.count).max() ?? 0
        let examplesWidth = max(exampleCount * exampleCell, BitmapFont.width(of: headings.examples)) + 12
        let histogramWidth = max(rows.map(\.histogram.width).max() ?? 0, BitmapFont.width(of: headings.histogram))
        let width = 8 + labelWidth + weightWidth + examplesWidth + histogramWidth + 8
        var rowImages: [RGBImage] = []
        for row in rows {
            let captionLines = row.examples.map(\.captions.count).max() ?? 0
            let exampleHeight = 2 * (row.examples.map(\.image.height).max() ?? 0) + captionLines * BitmapFont.height
            let height = max(row.weights.height * 3, exampleHeight, row.histogram.height, row.labels.count * BitmapFont.height) + 8
            var image = RGBImage(width: width, height: height, color: .white)
            for (line, label) in row.labels.enumerated() { image.draw(text: label, x: 8, y: 4 + line * BitmapFont.height) }
            var x = 8 + labelWidth
            image.draw(row.weights.scaled(by: 3), x: x, y: 4)
            x += weightWidth
            for (index, example) in row.examples.enumerated() {
                let left = x + index * exampleCell
                image.draw(example.image.scaled(by: 2), x: left, y: 4)
                for (line, caption) in example.captions.enumerated() {
                    image.draw(centeredText: caption.text, centerX: left + example.image.width,
                               y: 4 + 2 * example.image.height + line * BitmapFont.height, color: caption.color)
                }
            }
            image.draw(row.histogram, x: x + examplesWidth, y: 4)
            image.fill(x: 0, y: height - 1, width: width, height: 1, color: .lightGray)
            rowImages.append(image)
        }
        var headingRow = RGBImage(width: width, height: BitmapFont.height + 6, color: .white)
        headingRow.draw(text: headings.weights, x: 8 + labelWidth, y: 2, color: .darkGray)
        headingRow.draw(text: headings.examples, x: 8 + labelWidth + weightWidth, y: 2, color: .darkGray)
        headingRow.draw(text: headings.histogram, x: 8 + labelWidth + weightWidth + examplesWidth, y: 2, color: .darkGray)
        let parts = [header.padded(6), headingRow] + rowImages + (key.map { [$0.padded(6)] } ?? [])
        return RGBImage.stacked(parts, spacing: 0)
    }
}
