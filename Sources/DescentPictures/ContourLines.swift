/// Contour lines of a sampled function by marching squares (Lorensen & Cline's marching cubes,
/// "Marching cubes", SIGGRAPH 1987, in two dimensions).
package enum ContourLines {
    /// The segments where the surface crosses `level`, in grid coordinates: x is a fractional column,
    /// y a fractional row.
    /// - Parameters:
    ///   - values: `values[row][column]`, every row the same length, at least 2 x 2.
    ///   - level: The height of the contour.
    /// - Complexity: O(rows · columns).
    package static func segments(_ values: [[Double]], level: Double) -> [((x: Double, y: Double), (x: Double, y: Double))] {
        guard values.count >= 2, let width = values.first?.count, width >= 2 else { return [] }
        var result: [((x: Double, y: Double), (x: Double, y: Double))] = []
        for row in 0..<(values.count - 1) {
            for column in 0..<(width - 1) {
                let corners = [
                    (x: Double(column), y: Double(row), v: values[row][column]),
                    (x: Double(column + 1), y: Double(row), v: values[row][column + 1]),
                    (x: Double(column + 1), y: Double(row + 1), v: values[row + 1][column + 1]),
                    (x: Double(column), y: Double(row + 1), v: values[row + 1][column]),
                ]
                guard corners.allSatisfy({ $0.v.isFinite }) else { continue }
                let crossings = edgeCrossings(corners, level: level)
                if crossings.count == 2 {
                    result.append((crossings[0], crossings[1]))
                } else if crossings.count == 4 {
                    // A saddle: the centre's side of the level decides which edges pair up.
                    let centre = corners.map(\.v).reduce(0, +) / 4
                    let firstAbove = corners[0].v > level
                    if (centre > level) == firstAbove {
                        result.append((crossings[0], crossings[1]))
                        result.append((crossings[2], crossings[3]))
                    } else {
                        result.append((crossings[0], crossings[3]))
                        result.append((crossings[1], crossings[2]))
                    }
                }
            }
        }
        return result
    }

    /// The points on the cell's four edges, in order round the cell, where the value crosses `level`
    /// (by linear interpolation along the edge).
    private static func edgeCrossings(
        _ corners: [(x: Double, y: Double, v: Double)], level: Double
    ) -> [(x: Double, y: Double)] {
        var points: [(x: Double, y: Double)] = []
        for index in 0..<4 {
            let a = corners[index], b = corners[(index + 1) % 4]
            guard (a.v > level) != (b.v > level) else { continue }
            let t = (level - a.v) / (b.v - a.v)
            points.append((x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y)))
        }
        return points
    }
}
