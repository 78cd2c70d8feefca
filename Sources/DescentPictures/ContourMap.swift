package import DescentDatasets

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A function of two inputs seen from above: its height as colour (low dark, high light), contour
/// lines, a colour bar, and paths walked across it, such as gradient descent's steps.
package struct ContourMap: Sendable {
    /// A walk across the map, drawn as a line with a dot at every step, a ring at the start and a
    /// filled dot at the end.
    package struct Path: Sendable {
        /// What the legend calls it.
        package var name: String
        /// The points, in the map's coordinates.
        package var points: [(x: Double, y: Double)]
        /// The colour of its line and dots.
        package var color: Color
        /// A path through `points`.
        package init(name: String, points: [(x: Double, y: Double)], color: Color) {
            self.name = name
            self.points = points
            self.color = color
        }
    }

    /// A named place, such as a minimum, drawn as a white cross.
    package struct Mark: Sendable {
        /// What the legend calls it.
        package var name: String
        /// Its x coordinate.
        package var x: Double
        /// Its y coordinate.
        package var y: Double
        /// A mark at (`x`, `y`); an empty name leaves it out of the legend.
        package init(name: String, x: Double, y: Double) {
            self.name = name
            self.x = x
            self.y = y
        }
    }

    /// The heading above the map.
    package var title: String
    /// Smaller lines under the title.
    package var notes: [String]
    /// The horizontal axis's title.
    package var xLabel: String
    /// The vertical axis's title.
    package var yLabel: String
    /// What the colours mean, over the colour bar.
    package var valueLabel: String
    /// The x values the grid spans.
    package var xRange: ClosedRange<Double>
    /// The y values the grid spans.
    package var yRange: ClosedRange<Double>
    /// `values[row][column]`: row 0 at `yRange.lowerBound`, column 0 at `xRange.lowerBound`, the last
    /// at the upper bounds, evenly spaced.
    package var values: [[Double]]
    /// Colour and contours by log10(value) when every value is positive, else by
    /// log10(value − minimum + 10⁻⁴ × range): for surfaces whose valleys are shallow next to their
    /// walls (Rosenbrock's, or a network's cost).
    package var logarithmic: Bool
    /// Walks drawn over the map.
    package var paths: [Path]
    /// Places marked with a cross.
    package var marks: [Mark]
    /// The number of bands the contour lines divide the colour range into.
    package var contourCount: Int = 14

    /// A map of `values`, a grid of at least 2 x 2.
    package init(title: String, notes: [String] = [], xLabel: String, yLabel: String, valueLabel: String,
                xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, values: [[Double]],
                logarithmic: Bool = false, paths: [Path] = [], marks: [Mark] = []) {
        precondition(values.count >= 2 && values.allSatisfy { $0.count == values[0].count && $0.count >= 2 },
                     "ContourMap: values must be a grid of at least 2x2")
        self.title = title
        self.notes = notes
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.valueLabel = valueLabel
        self.xRange = xRange
        self.yRange = yRange
        self.values = values
        self.logarithmic = logarithmic
        self.paths = paths
        self.marks = marks
    }

    /// The heights as they are coloured: the values themselves, or their logarithm.
    var shown: (values: [[Double]], toShown: (Double) -> Double, fromShown: (Double) -> Double) {
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let lowest = finite.min() ?? 0, highest = finite.max() ?? 1
        guard logarithmic else { return (values, { $0 }, { $0 }) }
        let offset = lowest > 0 ? lowest : max((highest - lowest) * 1e-4, 1e-12)
        let forward: (Double) -> Double = { log10(max($0 - lowest, 0) + offset) }
        let back: (Double) -> Double = { pow(10, $0) - offset + lowest }
        return (values.map { $0.map(forward) }, forward, back)
    }

    /// The map as an SVG document, its colours an embedded PNG.
    /// - Throws: `ImageError.encodingFailed` if libpng cannot encode the colours (out of memory).
    package func svg() throws(ImageError) -> SVGDocument {
        let top = 40 + 17 * Double(notes.count)
        let plot = Frame(x: 76, y: top + 8, width: 440, height: 440)
        let legendWidth = 60 + 7.2 * Double((paths.map(\.name) + marks.map(\.name) + ["start", "end"]).map(\.count).max() ?? 0)
        var svg = SVGDocument(width: plot.right + legendWidth + 30, height: plot.bottom + 130)
        let (heights, toShown, fromShown) = shown
        let finite = heights.flatMap { $0 }.filter(\.isFinite)
        let scale = ColorScale(map: .viridis, lower: finite.min() ?? 0, upper: finite.max() ?? 1)
        svg.image(png: try RGBImage(heights: heights, scale: scale).pngEncoded(), in: plot)
        drawContours(heights, scale: scale, plot: plot, into: &svg)
        let xAxis = Axis(exactly: xRange.lowerBound, xRange.upperBound)
        let yAxis = Axis(exactly: yRange.lowerBound, yRange.upperBound)
        drawAxes(xAxis, yAxis, plot: plot, into: &svg)
        svg.clipped(to: plot) { svg in
            for path in paths { draw(path, xAxis: xAxis, yAxis: yAxis, plot: plot, into: &svg) }
            for mark in marks { drawMark(mark, xAxis: xAxis, yAxis: yAxis, plot: plot, into: &svg) }
        }
        svg.text(title, x: 14, y: 24, size: 17, bold: true)
        for (index, note) in notes.enumerated() { svg.text(note, x: 14, y: 44 + 17 * Double(index), size: 12, color: .darkGray) }
        svg.colorBar(scale, in: Frame(x: plot.x, y: plot.bottom + 80, width: plot.width, height: 14),
                     label: valueLabel + (logarithmic ? " (colours and contours on a log scale)" : ""),
                     ticks: logarithmic ? logTicks(scale: scale, toShown: toShown) : nil,
                     labelValue: { NumberText.short(fromShown($0)) })
        drawLegend(into: &svg, x: plot.right + 16, y: plot.y)
        return svg
    }

    /// Colour-bar ticks at 1, 2 and 5 times powers of ten within the values' range, so a log scale
    /// reads in round numbers; only 1 × 10^k when there would be more than eight, and none closer
    /// than 7% of the bar to the one on its right.
    private func logTicks(scale: ColorScale, toShown: (Double) -> Double) -> [Double] {
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let lowest = finite.min() ?? 0, highest = finite.max() ?? 1
        var ticks: [(shown: Double, mantissa: Double)] = []
        for exponent in -12...12 {
            for mantissa in [1.0, 2.0, 5.0] {
                let value = mantissa * pow(10, Double(exponent))
                if value >= lowest, value <= highest { ticks.append((toShown(value), mantissa)) }
            }
        }
        if ticks.count > 8 { ticks = ticks.filter { $0.mantissa == 1 } }
        var kept: [Double] = []
        for tick in ticks.reversed() where kept.last.map({ $0 - tick.shown >= 0.07 * (scale.upper - scale.lower) }) ?? true {
            kept.append(tick.shown)
        }
        return kept.reversed()
    }

    private func drawContours(_ heights: [[Double]], scale: ColorScale, plot: Frame, into svg: inout SVGDocument) {
        let columns = Double(heights[0].count - 1), rows = Double(heights.count - 1)
        for index in 1..<contourCount {
            let level = scale.lower + Double(index) / Double(contourCount) * (scale.upper - scale.lower)
            var data = ""
            for (a, b) in ContourLines.segments(heights, level: level) {
                func point(_ p: (x: Double, y: Double)) -> String {
                    "\(SVGDocument.number(plot.x + p.x / columns * plot.width)) \(SVGDocument.number(plot.bottom - p.y / rows * plot.height))"
                }
                data += "M\(point(a))L\(point(b))"
            }
            svg.path(data, stroke: .white, width: 0.8, opacity: 0.55)
        }
    }

    private func drawAxes(_ xAxis: Axis, _ yAxis: Axis, plot: Frame, into svg: inout SVGDocument) {
        svg.rect(plot, fill: nil, stroke: .darkGray)
        for tick in xAxis.ticks {
            let x = xAxis.position(of: tick, from: plot.x, to: plot.right)
            svg.line(x1: x, y1: plot.bottom, x2: x, y2: plot.bottom + 5, stroke: .darkGray)
            svg.text(xAxis.label(tick), x: x, y: plot.bottom + 18, size: 11, anchor: .middle, color: .darkGray)
        }
        for tick in yAxis.ticks {
            let y = yAxis.position(of: tick, from: plot.bottom, to: plot.y)
            svg.line(x1: plot.x - 5, y1: y, x2: plot.x, y2: y, stroke: .darkGray)
            svg.text(yAxis.label(tick), x: plot.x - 8, y: y + 4, size: 11, anchor: .end, color: .darkGray)
        }
        svg.text(xLabel, x: plot.x + plot.width / 2, y: plot.bottom + 40, size: 13, anchor: .middle)
        svg.text(yLabel, x: plot.x - 52, y: plot.y + plot.height / 2, size: 13, anchor: .middle, rotation: -90)
    }

    private func draw(_ path: Path, xAxis: Axis, yAxis: Axis, plot: Frame, into svg: inout SVGDocument) {
        let mapped = path.points.map { (x: xAxis.position(of: $0.x, from: plot.x, to: plot.right),
                                        y: yAxis.position(of: $0.y, from: plot.bottom, to: plot.y)) }
            .filter { $0.x.isFinite && $0.y.isFinite }
        svg.polyline(mapped, stroke: .white, width: 4)  // A halo, so the path shows on dark and light ground.
        svg.polyline(mapped, stroke: path.color, width: 2)
        for point in mapped { svg.circle(x: point.x, y: point.y, radius: 2.2, fill: path.color, stroke: .white, strokeWidth: 0.6) }
        if let first = mapped.first { svg.circle(x: first.x, y: first.y, radius: 5.5, fill: .white, stroke: path.color, strokeWidth: 2.5) }
        // The end is a solid dot with a thin dark edge: a white edge would read as a ring, like the start.
        if let last = mapped.last { svg.circle(x: last.x, y: last.y, radius: 5.5, fill: path.color, stroke: .black, strokeWidth: 0.8) }
    }

    private func drawMark(_ mark: Mark, xAxis: Axis, yAxis: Axis, plot: Frame, into svg: inout SVGDocument) {
        let x = xAxis.position(of: mark.x, from: plot.x, to: plot.right)
        let y = yAxis.position(of: mark.y, from: plot.bottom, to: plot.y)
        svg.line(x1: x - 6, y1: y - 6, x2: x + 6, y2: y + 6, stroke: .white, width: 2.5)
        svg.line(x1: x - 6, y1: y + 6, x2: x + 6, y2: y - 6, stroke: .white, width: 2.5)
    }

    private func drawLegend(into svg: inout SVGDocument, x: Double, y: Double) {
        var row = y + 14
        for path in paths {
            svg.line(x1: x, y1: row - 4, x2: x + 26, y2: row - 4, stroke: path.color, width: 2)
            svg.text(path.name, x: x + 34, y: row, size: 12)
            row += 20
        }
        if !paths.isEmpty {
            svg.circle(x: x + 13, y: row - 4, radius: 5, fill: .white, stroke: .darkGray, strokeWidth: 2.5)
            svg.text("start", x: x + 34, y: row, size: 12)
            svg.circle(x: x + 13, y: row + 16, radius: 5, fill: .darkGray)
            svg.text("end", x: x + 34, y: row + 20, size: 12)
            row += 40
        }
        for mark in marks where !mark.name.isEmpty {
            svg.rect(Frame(x: x + 4, y: row - 13, width: 18, height: 18), fill: Color(hex: 0x31688E))
            svg.line(x1: x + 7, y1: row - 10, x2: x + 19, y2: row + 2, stroke: .white, width: 2.5)
            svg.line(x1: x + 7, y1: row + 2, x2: x + 19, y2: row - 10, stroke: .white, width: 2.5)
            svg.text(mark.name, x: x + 34, y: row, size: 12)
            row += 22
        }
    }
}

extension RGBImage {
    /// A grid of heights coloured by `scale`, the first row at the bottom of the picture (as a
    /// y axis points up); non-finite heights are gray.
    init(heights: [[Double]], scale: ColorScale) {
        let rows = heights.count, columns = heights.first?.count ?? 0
        var image = RGBImage(width: columns, height: rows, color: .lightGray)
        for (row, values) in heights.enumerated() {
            for (column, value) in values.enumerated() where value.isFinite {
                image.set(x: column, y: rows - 1 - row, to: scale.color(for: value))
            }
        }
        self = image
    }
}
