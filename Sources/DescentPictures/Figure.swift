/// A titled SVG figure: chart panels side by side and one legend for all of them at the right.
public struct Figure: Sendable {
    /// The heading above the panels.
    public var title: String
    /// Lines of smaller text under the title: what was run, with which settings.
    public var notes: [String]
    /// The charts, left to right.
    public var panels: [LineChart]
    /// The width of each panel, in pixels.
    public var panelWidth: Double
    /// The height of each panel, in pixels.
    public var panelHeight: Double

    /// A figure of `panels` side by side.
    public init(title: String, notes: [String] = [], panels: [LineChart], panelWidth: Double = 460, panelHeight: Double = 340) {
        self.title = title
        self.notes = notes
        self.panels = panels
        self.panelWidth = panelWidth
        self.panelHeight = panelHeight
    }

    /// The legend's entries: each series name once, in the order first met, with its first style.
    public var legend: [LineChart.Series] {
        var seen: Set<String> = []
        return panels.flatMap(\.series).filter { seen.insert($0.name).inserted }
    }

    /// The whole figure as an SVG document.
    public func svg() -> SVGDocument {
        let entries = legend
        let legendWidth = entries.isEmpty ? 0 : 56 + 7.2 * Double(entries.map(\.name.count).max() ?? 0)
        let top = 34 + 17 * Double(notes.count) + 8
        let width = Double(panels.count) * panelWidth + legendWidth + 10
        let height = top + panelHeight + 6
        var svg = SVGDocument(width: width, height: height)
        svg.text(title, x: 14, y: 24, size: 17, bold: true)
        for (index, note) in notes.enumerated() {
            svg.text(note, x: 14, y: 46 + 17 * Double(index), size: 12, color: .darkGray)
        }
        for (index, panel) in panels.enumerated() {
            panel.draw(into: &svg, frame: Frame(x: Double(index) * panelWidth, y: top, width: panelWidth, height: panelHeight))
        }
        drawLegend(entries, into: &svg, x: Double(panels.count) * panelWidth + 4, y: top + LineChart.margins.top + 6)
        return svg
    }

    private func drawLegend(_ entries: [LineChart.Series], into svg: inout SVGDocument, x: Double, y: Double) {
        guard !entries.isEmpty else { return }
        let height = 22 * Double(entries.count) + 10
        let width = 48 + 7.2 * Double(entries.map(\.name.count).max() ?? 0)
        svg.rect(Frame(x: x, y: y, width: width, height: height), fill: .white, stroke: .lightGray)
        for (index, entry) in entries.enumerated() {
            let rowY = y + 18 + 22 * Double(index)
            if entry.line {
                svg.line(x1: x + 8, y1: rowY - 4, x2: x + 36, y2: rowY - 4, stroke: entry.color, width: 2, dashed: entry.dashed)
            }
            if entry.markers { svg.circle(x: x + 22, y: rowY - 4, radius: 3, fill: entry.color) }
            svg.text(entry.name, x: x + 42, y: rowY, size: 12)
        }
    }
}
