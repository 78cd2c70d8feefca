/// A confusion matrix as a shaded table: a row for each true class and a column for each answer,
/// each cell showing its count. Right answers (the diagonal) are shaded blue by the share of the
/// row they hold; mistakes red by their count against the largest mistake, so that the few
/// common confusions stand out next to the many correct answers.
public struct ConfusionChart: Sendable {
    /// counts[actual][predicted].
    public var counts: [[Int]]
    /// The classes' names, in order.
    public var classNames: [String]
    /// The heading above the chart.
    public var title: String

    /// A chart of a square matrix of counts with one name per class.
    public init(counts: [[Int]], classNames: [String], title: String) {
        precondition(counts.count == classNames.count && counts.allSatisfy { $0.count == counts.count },
                     "ConfusionChart: \(counts.count) rows, \(classNames.count) names")
        self.counts = counts
        self.classNames = classNames
        self.title = title
    }

    /// The chart as an SVG document.
    public func svg() -> SVGDocument {
        let size = counts.count
        let cell = 46.0
        let grid = Frame(x: 110, y: 86, width: cell * Double(size), height: cell * Double(size))
        let largestMistake = Double(offDiagonalMaximum)
        let correctScale = ColorScale(map: .blues, lower: 0, upper: 1)
        let mistakeScale = ColorScale(map: .reds, lower: 0, upper: max(1, largestMistake))
        var svg = SVGDocument(width: grid.right + 130, height: grid.bottom + 110)
        svg.text(title, x: 14, y: 26, size: 17, bold: true)
        svg.text("predicted", x: grid.x + grid.width / 2, y: grid.y - 32, size: 13, anchor: .middle)
        svg.text("true", x: grid.x - 62, y: grid.y + grid.height / 2, size: 13, anchor: .middle, rotation: -90)
        svg.text("right", x: grid.right + 44, y: grid.y - 12, size: 12, anchor: .middle)
        for row in 0..<size {
            let total = counts[row].reduce(0, +)
            let y = grid.y + Double(row) * cell
            svg.text(classNames[row], x: grid.x - 8, y: y + cell / 2 + 4, size: 12, anchor: .end)
            svg.text(classNames[row], x: grid.x + (Double(row) + 0.5) * cell, y: grid.y - 10, size: 12, anchor: .middle)
            for column in 0..<size {
                let count = counts[row][column]
                let fill = row == column
                    ? correctScale.color(for: total == 0 ? 0 : Double(count) / Double(total))
                    : count == 0 ? Color.white : mistakeScale.color(for: Double(count))
                let frame = Frame(x: grid.x + Double(column) * cell, y: y, width: cell, height: cell)
                svg.rect(frame, fill: fill, stroke: .lightGray,
                         title: "true \(classNames[row]), predicted \(classNames[column]): \(count)")
                svg.text("\(count)", x: frame.x + cell / 2, y: frame.y + cell / 2 + 4, size: 11, anchor: .middle,
                         color: fill.contrastingText)
            }
            let share = total == 0 ? 0 : Double(counts[row][row]) / Double(total)
            svg.text(NumberText.percent(share), x: grid.right + 44, y: y + cell / 2 + 4, size: 12, anchor: .middle)
        }
        svg.rect(grid, fill: nil, stroke: .darkGray)
        let barWidth = grid.width / 2 - 20
        svg.colorBar(correctScale, in: Frame(x: grid.x, y: grid.bottom + 40, width: barWidth, height: 14),
                     label: "right answers: share of the true class", labelValue: { NumberText.percent($0, decimals: 0) })
        svg.colorBar(mistakeScale, in: Frame(x: grid.x + grid.width / 2 + 20, y: grid.bottom + 40, width: barWidth, height: 14),
                     label: "mistakes: count", labelValue: { NumberText.short($0) })
        return svg
    }

    /// The largest count off the diagonal (0 when there are no mistakes).
    var offDiagonalMaximum: Int {
        var largest = 0
        for (row, counts) in counts.enumerated() {
            for (column, count) in counts.enumerated() where row != column { largest = max(largest, count) }
        }
        return largest
    }
}
