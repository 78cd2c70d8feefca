public import DescentDatasets

/// A PNG contact sheet: small images in a grid, each with lines of caption beneath, an optional
/// label at the left of each row, and a title above.
public struct TileSheet: Sendable {
    /// One line of caption text.
    public struct Caption: Sendable {
        /// The words.
        public var text: String
        /// Their colour.
        public var color: Color
        /// A caption line.
        public init(_ text: String, color: Color = .black) {
            self.text = text
            self.color = color
        }
    }

    /// An image with its captions.
    public struct Tile: Sendable {
        /// The picture, before enlarging.
        public var image: RGBImage
        /// Lines beneath it, top first.
        public var captions: [Caption]
        /// A tile from its picture and captions.
        public init(image: RGBImage, captions: [Caption] = []) {
            self.image = image
            self.captions = captions
        }
    }

    /// The heading, drawn at twice the font's size.
    public var title: String
    /// Smaller lines under the title.
    public var notes: [String]
    /// The tiles, row by row.
    public var tiles: [Tile]
    /// Tiles per row.
    public var columns: Int
    /// Each tile image is enlarged this many times (nearest neighbour).
    public var scale: Int
    /// A label at the left of each row, or empty.
    public var rowLabels: [String]
    /// Pixels between tiles.
    public var spacing: Int = 8

    /// A sheet of `tiles` in rows of `columns`.
    public init(title: String, notes: [String] = [], tiles: [Tile], columns: Int, scale: Int = 2, rowLabels: [String] = []) {
        precondition(columns >= 1 && scale >= 1, "TileSheet: \(columns) columns at scale \(scale)")
        self.title = title
        self.notes = notes
        self.tiles = tiles
        self.columns = columns
        self.scale = scale
        self.rowLabels = rowLabels
    }

    /// The sheet as an image.
    /// - Complexity: O(total pixels).
    public func image() -> RGBImage {
        let imageWidth = (tiles.map(\.image.width).max() ?? 0) * scale
        let imageHeight = (tiles.map(\.image.height).max() ?? 0) * scale
        let captionWidth = tiles.flatMap { $0.captions.map { BitmapFont.width(of: $0.text) } }.max() ?? 0
        let cellWidth = max(imageWidth, captionWidth) + spacing
        let captionLines = tiles.map(\.captions.count).max() ?? 0
        let cellHeight = imageHeight + captionLines * BitmapFont.height + spacing + 2
        let labelWidth = rowLabels.isEmpty ? 0 : (rowLabels.map { BitmapFont.width(of: $0) }.max() ?? 0) + spacing
        let rows = (tiles.count + columns - 1) / columns
        let headerHeight = header.height
        let width = max(2 * spacing + labelWidth + columns * cellWidth, header.width + 2 * spacing)
        var sheet = RGBImage(width: width, height: headerHeight + rows * cellHeight + spacing, color: .white)
        sheet.draw(header, x: spacing, y: spacing / 2)
        for (index, label) in rowLabels.enumerated() where index < rows {
            let y = headerHeight + index * cellHeight + imageHeight / 2 - BitmapFont.height / 2
            sheet.draw(text: label, x: spacing, y: y)
        }
        for (index, tile) in tiles.enumerated() {
            let x = spacing + labelWidth + (index % columns) * cellWidth
            let y = headerHeight + (index / columns) * cellHeight
            let picture = tile.image.scaled(by: scale)
            sheet.draw(picture, x: x + (cellWidth - spacing - picture.width) / 2, y: y)
            sheet.stroke(x: x + (cellWidth - spacing - picture.width) / 2 - 1, y: y - 1,
                         width: picture.width + 2, height: picture.height + 2, color: .lightGray)
            for (line, caption) in tile.captions.enumerated() {
                sheet.draw(centeredText: caption.text, centerX: x + (cellWidth - spacing) / 2,
                           y: y + imageHeight + 2 + line * BitmapFont.height, color: caption.color)
            }
        }
        return sheet
    }

    /// The title (at twice the font's size) and notes, as one image.
    var header: RGBImage {
        let width = max(BitmapFont.width(of: title, scale: 2), notes.map { BitmapFont.width(of: $0) }.max() ?? 0)
        var image = RGBImage(width: max(1, width), height: 2 * BitmapFont.height + notes.count * BitmapFont.height + 10,
                             color: .white)
        image.draw(text: title, x: 0, y: 2, scale: 2)
        for (index, note) in notes.enumerated() {
            image.draw(text: note, x: 0, y: 2 * BitmapFont.height + 6 + index * BitmapFont.height, color: .darkGray)
        }
        return image
    }
}
