// Landscape: two-variable cost surfaces on which gradient descent can be watched, as in the video's
// "ball rolling down a hill". Each surface knows its value, its exact gradient and a window to view.

/// A built-in function of two variables, with its gradient written out by hand.
public enum Surface: String, CaseIterable, Sendable {
    /// x² + y²: one minimum at the origin, every path heads straight for it.
    case bowl
    /// x² + 10y²: a long narrow valley where a large step zig-zags across.
    case elongatedBowl = "elongated-bowl"
    /// Rosenbrock's (1 − x)² + 100(y − x²)²: a curved flat-bottomed valley, minimum at (1, 1).
    case rosenbrock
    /// Himmelblau's (x² + y − 11)² + (x + y² − 7)²: four minima of equal height.
    case himmelblau

    /// A person-readable name.
    public var title: String {
        switch self {
        case .bowl: "Bowl"
        case .elongatedBowl: "Elongated bowl"
        case .rosenbrock: "Rosenbrock"
        case .himmelblau: "Himmelblau"
        }
    }

    /// The window shown: x in `xRange`, y in `yRange`.
    public var window: (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        switch self {
        case .bowl, .elongatedBowl: (-3...3, -3...3)
        case .rosenbrock: (-2...2, -1...3)
        case .himmelblau: (-5...5, -5...5)
        }
    }

    /// The points where the surface is lowest.
    public var minima: [Point] {
        switch self {
        case .bowl, .elongatedBowl: [Point(x: 0, y: 0)]
        case .rosenbrock: [Point(x: 1, y: 1)]
        case .himmelblau: [Point(x: 3, y: 2), Point(x: -2.805118, y: 3.131312),
                           Point(x: -3.779310, y: -3.283186), Point(x: 3.584428, y: -1.848126)]
        }
    }

    /// The surface's height at `point`.
    public func value(at point: Point) -> Double {
        let (x, y) = (point.x, point.y)
        switch self {
        case .bowl: return x * x + y * y
        case .elongatedBowl: return x * x + 10 * y * y
        case .rosenbrock: return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
        case .himmelblau:
            let a = x * x + y - 11, b = x + y * y - 7
            return a * a + b * b
        }
    }

    /// The gradient (∂f/∂x, ∂f/∂y) at `point`.
    public func gradient(at point: Point) -> Point {
        let (x, y) = (point.x, point.y)
        switch self {
        case .bowl: return Point(x: 2 * x, y: 2 * y)
        case .elongatedBowl: return Point(x: 2 * x, y: 20 * y)
        case .rosenbrock:
            let inner = y - x * x
            return Point(x: -2 * (1 - x) - 400 * x * inner, y: 200 * inner)
        case .himmelblau:
            let a = x * x + y - 11, b = x + y * y - 7
            return Point(x: 4 * x * a + 2 * b, y: 2 * a + 4 * y * b)
        }
    }

    /// Heights on a `columns x rows` grid spanning the window, row-major, row 0 at the window's
    /// lowest y.
    /// - Precondition: both counts are at least 2.
    public func grid(columns: Int, rows: Int) -> [Double] {
        precondition(columns >= 2 && rows >= 2, "grid: \(columns)x\(rows)")
        let (xs, ys) = window
        var heights: [Double] = []
        heights.reserveCapacity(columns * rows)
        for row in 0..<rows {
            let y = ys.lowerBound + (ys.upperBound - ys.lowerBound) * Double(row) / Double(rows - 1)
            for column in 0..<columns {
                let x = xs.lowerBound + (xs.upperBound - xs.lowerBound) * Double(column) / Double(columns - 1)
                heights.append(value(at: Point(x: x, y: y)))
            }
        }
        return heights
    }
}

/// A point of the plane, or a vector in it.
public struct Point: Equatable, Sendable, Codable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}
