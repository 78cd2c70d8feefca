package import DescentDatasets

/// Small keys and charts drawn into PNG pictures with the bitmap font.
extension RGBImage {
    /// A horizontal colour bar for `scale`, `width` pixels of colour with ticks at both ends and at
    /// zero when the range spans it, and `label` above: the key to a picture's colours.
    package static func colorBar(_ scale: ColorScale, width: Int, label: String) -> RGBImage {
        let barTop = BitmapFont.height + 4, barHeight = 14
        var ticks = [scale.lower, scale.upper]
        if scale.lower < 0 && scale.upper > 0 { ticks.insert(0, at: 1) }
        let tickLabels = ticks.map { $0 == 0 ? "0" : NumberText.short($0) }
        let margin = max(3 * BitmapFont.width, (tickLabels.map { BitmapFont.width(of: $0) }.max() ?? 0) / 2 + 2)
        let imageWidth = max(width + 2 * margin, margin + BitmapFont.width(of: label) + 4)
        var image = RGBImage(width: imageWidth, height: barTop + barHeight + 6 + BitmapFont.height, color: .white)
        image.draw(text: label, x: margin, y: 0)
        for column in 0..<width {
            let value = scale.lower + (Double(column) + 0.5) / Double(width) * (scale.upper - scale.lower)
            image.fill(x: margin + column, y: barTop, width: 1, height: barHeight, color: scale.color(for: value))
        }
        image.stroke(x: margin - 1, y: barTop - 1, width: width + 2, height: barHeight + 2, color: .darkGray)
        for (tick, text) in zip(ticks, tickLabels) {
            let x = margin + Int(((tick - scale.lower) / (scale.upper - scale.lower) * Double(width)).rounded())
            image.fill(x: x, y: barTop + barHeight, width: 1, height: 4, color: .darkGray)
            image.draw(centeredText: text, centerX: x, y: barTop + barHeight + 5,
                       color: .darkGray)
        }
        return image
    }

    /// A small bar chart of `counts` (a histogram), bars in `color` on a baseline, with `lowerLabel`
    /// and `upperLabel` under its ends and the tallest count at its top left.
    package static func histogram(counts: [Int], width: Int, height: Int, color: Color,
                                 lowerLabel: String, upperLabel: String) -> RGBImage {
        let plotHeight = height - BitmapFont.height - 2
        var image = RGBImage(width: width, height: height, color: .white)
        let tallest = max(1, counts.max() ?? 1)
        let barWidth = Double(width) / Double(max(1, counts.count))
        for (index, count) in counts.enumerated() {
            let barHeight = Int((Double(count) / Double(tallest) * Double(plotHeight - BitmapFont.height)).rounded())
            let left = Int((Double(index) * barWidth).rounded()), right = Int((Double(index + 1) * barWidth).rounded())
            image.fill(x: left, y: plotHeight - barHeight, width: max(1, right - left - 1), height: barHeight, color: color)
        }
        image.fill(x: 0, y: plotHeight, width: width, height: 1, color: .darkGray)
        image.draw(text: "\(tallest)", x: 1, y: 0, color: .darkGray)
        image.draw(text: lowerLabel, x: 0, y: plotHeight + 2, color: .darkGray)
        image.draw(text: upperLabel, x: width - BitmapFont.width(of: upperLabel), y: plotHeight + 2, color: .darkGray)
        return image
    }
}
