package import DescentDatasets

extension RGBImage {
    /// `images` one above the other, left-aligned, `spacing` pixels apart on white.
    /// - Complexity: O(total pixels).
    package static func stacked(_ images: [RGBImage], spacing: Int = 10) -> RGBImage {
        let width = max(1, images.map(\.width).max() ?? 1)
        let height = max(1, images.map(\.height).reduce(0, +) + spacing * max(0, images.count - 1))
        var result = RGBImage(width: width, height: height, color: .white)
        var y = 0
        for image in images {
            result.draw(image, x: 0, y: y)
            y += image.height + spacing
        }
        return result
    }

    /// `images` side by side, top-aligned, `spacing` pixels apart on white.
    package static func besideEachOther(_ images: [RGBImage], spacing: Int = 10) -> RGBImage {
        let width = max(1, images.map(\.width).reduce(0, +) + spacing * max(0, images.count - 1))
        let height = max(1, images.map(\.height).max() ?? 1)
        var result = RGBImage(width: width, height: height, color: .white)
        var x = 0
        for image in images {
            result.draw(image, x: x, y: 0)
            x += image.width + spacing
        }
        return result
    }

    /// This image with a white margin of `margin` pixels all round.
    package func padded(_ margin: Int) -> RGBImage {
        var result = RGBImage(width: width + 2 * margin, height: height + 2 * margin, color: .white)
        result.draw(self, x: margin, y: margin)
        return result
    }
}
