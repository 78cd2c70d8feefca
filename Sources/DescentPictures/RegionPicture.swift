public import DescentDatasets

/// A picture of a 2-D classifier's decision regions, as TensorFlow Playground draws them: each cell
/// tinted with its class's colour, stronger where the network is surer, and points drawn over it as
/// dots of their class's colour ringed in white.
public enum RegionPicture {
    /// The regions, one pixel a cell, row 0 at the top.
    /// - Parameters:
    ///   - classes: Each cell's class, row by row from the top left (`columns * rows` of them).
    ///   - confidences: Each cell's probability of its class, 0...1; the tint goes from pale (1/classCount) to full.
    ///   - columns: Cells across.
    ///   - rows: Cells down.
    ///   - classCount: The number of classes, for the least confidence that counts.
    ///   - points: Dots drawn over the regions: pixel coordinates (x right, y down) and a class.
    /// - Precondition: `classes` and `confidences` have `columns * rows` entries.
    /// - Complexity: O(columns · rows + points.count).
    public static func image(classes: [Int], confidences: [Float], columns: Int, rows: Int, classCount: Int,
                             points: [(x: Double, y: Double, label: Int)] = []) -> RGBImage {
        precondition(classes.count == columns * rows && confidences.count == classes.count,
                     "RegionPicture: \(classes.count) classes and \(confidences.count) confidences for \(columns)x\(rows) cells")
        var image = RGBImage(width: columns, height: rows, color: .white)
        let least = 1 / Double(max(2, classCount))
        for row in 0..<rows {
            for column in 0..<columns {
                let cell = row * columns + column
                let sureness = (Double(confidences[cell]) - least) / (1 - least)
                image.set(x: column, y: row, to: Color.white.mixed(with: Color.series(classes[cell]), by: 0.15 + 0.45 * sureness))
            }
        }
        let radius = max(2, min(columns, rows) / 150)
        for point in points {
            let (cx, cy) = (Int(point.x.rounded()), Int(point.y.rounded()))
            for dy in -radius - 1...radius + 1 {
                for dx in -radius - 1...radius + 1 {
                    let distance = dx * dx + dy * dy
                    if distance <= radius * radius {
                        image.set(x: cx + dx, y: cy + dy, to: Color.series(point.label))
                    } else if distance <= (radius + 1) * (radius + 1) {
                        image.set(x: cx + dx, y: cy + dy, to: .white)
                    }
                }
            }
        }
        return image
    }
}
