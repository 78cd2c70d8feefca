/// One panel of a chart: series of (x, y) points on labelled axes with ticks and a grid.
public struct LineChart: Sendable {
    /// One named set of points, drawn as a line, as markers, or both.
    public struct Series: Sendable {
        /// What the legend calls it.
        public var name: String
        /// The points, in data coordinates.
        public var points: [(x: Double, y: Double)]
        /// The colour of its line and markers.
        public var color: Color
        /// Whether the line is dashed.
        public var dashed: Bool
        /// Whether the points are joined by a line.
        public var line: Bool
        /// Whether each point gets a dot.
        public var markers: Bool

        /// A series; points with a non-finite coordinate break the line there.
        public init(name: String, points: [(x: Double, y: Double)], color: Color, dashed: Bool = false,
                    line: Bool = true, markers: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
            self.line = line
            self.markers = markers
        }
    }

    /// The heading above the panel.
    public var title: String
    /// The horizontal axis's title.
    public var xLabel: String
    /// The vertical axis's title.
    public var yLabel: String
    /// The data, drawn in order.
    public var series: [Series]
    /// The x range shown; nil fits the data.
    public var xRange: ClosedRange<Double>?
    /// The y range shown; nil fits the data. Points outside it are clipped at the plot's edge.
    public var yRange: ClosedRange<Double>?
    /// Write y tick labels as percentages (for shares in 0...1).
    public var yPercent: Bool

    /// A panel of `series`.
    public init(title: String, xLabel: String, yLabel: String, series: [Series],
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil, yPercent: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xRange = xRange
        self.yRange = yRange
        self.yPercent = yPercent
    }

    /// The axes: the given ranges exactly, or the data's range widened to round ticks.
    package var axes: (x: Axis, y: Axis) {
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        func axis(_ range: ClosedRange<Double>?, _ values: [Double]) -> Axis {
            if let range { return Axis(exactly: range.lowerBound, range.upperBound) }
            return Axis(covering: values.min() ?? 0, values.max() ?? 1)
        }
        return (axis(xRange, finite.map(\.x)), axis(yRange, finite.map(\.y)))
    }

    /// The margins between a panel's frame and its plot area, for tick labels and axis titles.
    static let margins = (left: 70.0, right: 14.0, top: 30.0, bottom: 50.0)

    /// Draws the panel into `frame` of `svg`.
    package func draw(into svg: inout SVGDocument, frame: Frame) {
        let plot = Frame(x: frame.x + Self.margins.left, y: frame.y + Self.margins.top,
                         width: frame.width - Self.margins.left - Self.margins.right,
                         height: frame.height - Self.margins.top - Self.margins.bottom)
        let (xAxis, yAxis) = axes
        drawGridAndTicks(into: &svg, plot: plot, xAxis: xAxis, yAxis: yAxis)
        svg.text(title, x: plot.x + plot.width / 2, y: frame.y + 18, size: 14, anchor: .middle, bold: true)
        svg.text(xLabel, x: plot.x + plot.width / 2, y: plot.bottom + 40, size: 13, anchor: .middle)
        svg.text(yLabel, x: frame.x + 16, y: plot.y + plot.height / 2, size: 13, anchor: .middle, rotation: -90)
        svg.clipped(to: plot) { svg in
            for series in series {
                let mapped = series.points.map { point in
                    (x: xAxis.position(of: point.x, from: plot.x, to: plot.right),
                     y: yAxis.position(of: point.y, from: plot.bottom, to: plot.y))
                }
                draw(series, mapped: mapped, into: &svg)
            }
        }
        svg.rect(plot, fill: nil, stroke: .darkGray)
    }

    private func draw(_ series: Series, mapped: [(x: Double, y: Double)], into svg: inout SVGDocument) {
        if series.line {
            var run: [(x: Double, y: Double)] = []
            for point in mapped + [(x: .nan, y: .nan)] {
                if point.x.isFinite && point.y.isFinite {
                    run.append(point)
                } else {
                    svg.polyline(run, stroke: series.color, width: 2, dashed: series.dashed)
                    run = []
                }
            }
        }
        if series.markers {
            for point in mapped where point.x.isFinite && point.y.isFinite {
                svg.circle(x: point.x, y: point.y, radius: 3, fill: series.color, stroke: .white, strokeWidth: 0.8)
            }
        }
    }

    private func drawGridAndTicks(into svg: inout SVGDocument, plot: Frame, xAxis: Axis, yAxis: Axis) {
        for tick in xAxis.ticks {
            let x = xAxis.position(of: tick, from: plot.x, to: plot.right)
            svg.line(x1: x, y1: plot.y, x2: x, y2: plot.bottom, stroke: .lightGray)
            svg.line(x1: x, y1: plot.bottom, x2: x, y2: plot.bottom + 5, stroke: .darkGray)
            svg.text(xAxis.label(tick), x: x, y: plot.bottom + 18, size: 11, anchor: .middle, color: .darkGray)
        }
        for tick in yAxis.ticks {
            let y = yAxis.position(of: tick, from: plot.bottom, to: plot.y)
            svg.line(x1: plot.x, y1: y, x2: plot.right, y2: y, stroke: .lightGray)
            svg.line(x1: plot.x - 5, y1: y, x2: plot.x, y2: y, stroke: .darkGray)
            svg.text(yAxis.label(tick, percent: yPercent), x: plot.x - 8, y: y + 4, size: 11, anchor: .end, color: .darkGray)
        }
    }
}
