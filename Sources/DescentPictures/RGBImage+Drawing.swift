package import DescentDatasets

/// Drawing on a colour image: rectangles, lines, other images and text. Everything is clipped
/// to the image, so callers may draw partly outside it.
extension RGBImage {
    /// A `width` x `height` image of one colour.
    package init(width: Int, height: Int, color: Color) {
        self.init(width: width, height: height, filledWith: (color.red, color.green, color.blue))
    }

    /// The colour of the pixel at column `x`, row `y`.
    package func color(x: Int, y: Int) -> Color {
        let pixel = self[x, y]
        return Color(red: pixel.red, green: pixel.green, blue: pixel.blue)
    }

    /// Sets the pixel at (`x`, `y`) if it lies inside the image.
    package mutating func set(x: Int, y: Int, to color: Color) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        self[x, y] = (color.red, color.green, color.blue)
    }

    /// Fills the rectangle with top-left corner (`x`, `y`).
    /// - Complexity: O(`width * height` of the rectangle).
    package mutating func fill(x: Int, y: Int, width: Int, height: Int, color: Color) {
        let top = max(0, y), bottom = max(top, min(self.height, y + height))
        let left = max(0, x), right = max(left, min(self.width, x + width))
        for row in top..<bottom {
            for column in left..<right { self[column, row] = (color.red, color.green, color.blue) }
        }
    }

    /// Draws a one-pixel frame just inside the rectangle.
    package mutating func stroke(x: Int, y: Int, width: Int, height: Int, color: Color) {
        fill(x: x, y: y, width: width, height: 1, color: color)
        fill(x: x, y: y + height - 1, width: width, height: 1, color: color)
        fill(x: x, y: y, width: 1, height: height, color: color)
        fill(x: x + width - 1, y: y, width: 1, height: height, color: color)
    }

    /// Copies `image` with its top-left corner at (`x`, `y`).
    /// - Complexity: O(`image.width * image.height`).
    package mutating func draw(_ image: RGBImage, x: Int, y: Int) {
        for row in 0..<image.height {
            for column in 0..<image.width {
                set(x: x + column, y: y + row, to: image.color(x: column, y: row))
            }
        }
    }

    /// Draws `text` with its top-left corner at (`x`, `y`) in the 6x13 bitmap font, each font pixel
    /// a `scale` x `scale` square; only the glyphs' ink is drawn, so the background shows through.
    /// - Complexity: O(`text.count * scale²`).
    package mutating func draw(text: String, x: Int, y: Int, color: Color = .black, scale: Int = 1) {
        precondition(scale >= 1, "draw(text:): scale \(scale)")
        for (position, character) in text.enumerated() {
            let left = x + position * BitmapFont.width * scale
            for (row, bits) in BitmapFont.rows(of: character).enumerated() {
                for column in 0..<BitmapFont.width where bits & (0x80 >> UInt8(column)) != 0 {
                    fill(x: left + column * scale, y: y + row * scale, width: scale, height: scale, color: color)
                }
            }
        }
    }

    /// Draws `text` centred horizontally on `centerX`, top at `y`.
    package mutating func draw(centeredText text: String, centerX: Int, y: Int, color: Color = .black, scale: Int = 1) {
        draw(text: text, x: centerX - BitmapFont.width(of: text, scale: scale) / 2, y: y, color: color, scale: scale)
    }

    /// This image enlarged `factor` times, each pixel a `factor` x `factor` square (nearest neighbour:
    /// a 28x28 digit stays sharp).
    /// - Complexity: O(`width * height * factor²`).
    package func scaled(by factor: Int) -> RGBImage {
        precondition(factor >= 1, "scaled(by:): factor \(factor)")
        guard factor > 1 else { return self }
        var result = RGBImage(width: width * factor, height: height * factor, color: .white)
        for row in 0..<height {
            for column in 0..<width {
                result.fill(x: column * factor, y: row * factor, width: factor, height: factor, color: color(x: column, y: row))
            }
        }
        return result
    }
}
