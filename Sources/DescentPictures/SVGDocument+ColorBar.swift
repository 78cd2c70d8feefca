extension SVGDocument {
    /// A horizontal colour bar for `scale` in `frame`: the colours as thin slices, a frame, ticks
    /// with labels beneath, and `label` above: the key that says what number a colour means.
    /// - Parameters:
    ///   - scale: The colours and the values at their ends.
    ///   - frame: Where the bar itself goes, in the document's units; the ticks' labels go beneath it
    ///     and `label` above it.
    ///   - label: The key's text, above the bar.
    ///   - tickCount: About how many ticks when `ticks` is nil.
    ///   - ticks: Where the ticks go, in the scale's units; nil puts them at round values.
    ///   - labelValue: How tick values are written (for example as percentages, or as 10^v on a log scale).
    package mutating func colorBar(
        _ scale: ColorScale, in frame: Frame, label: String, tickCount: Int = 5, ticks: [Double]? = nil,
        labelValue: (Double) -> String = { NumberText.short($0) }
    ) {
        let slices = 64
        let sliceWidth = frame.width / Double(slices)
        for slice in 0..<slices {
            let value = scale.lower + (Double(slice) + 0.5) / Double(slices) * (scale.upper - scale.lower)
            rect(Frame(x: frame.x + Double(slice) * sliceWidth, y: frame.y, width: sliceWidth + 0.6, height: frame.height),
                 fill: scale.color(for: value))
        }
        rect(frame, fill: nil, stroke: .darkGray)
        let axis = Axis(exactly: scale.lower, scale.upper, tickCount: tickCount)
        for tick in ticks ?? axis.ticks {
            let x = axis.position(of: tick, from: frame.x, to: frame.right)
            line(x1: x, y1: frame.bottom, x2: x, y2: frame.bottom + 4, stroke: .darkGray)
            text(labelValue(tick), x: x, y: frame.bottom + 16, size: 11, anchor: .middle, color: .darkGray)
        }
        text(label, x: frame.x, y: frame.y - 6, size: 12)
    }
}
