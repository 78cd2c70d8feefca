public import DescentLinearAlgebra

/// Which numbers a network reads from a 2-D point (x, y), as TensorFlow Playground offers them:
/// the coordinates themselves and x², y², xy, sin x, sin y. The columns come in the order of the
/// cases below, whatever order they were named in.
public struct DerivedFeatures: OptionSet, Sendable, Codable, Hashable {
    public let rawValue: UInt8

    /// A set from its bits (those above `.sinY` are ignored).
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x7F }

    /// x itself.
    public static let x = DerivedFeatures(rawValue: 1 << 0)
    /// y itself.
    public static let y = DerivedFeatures(rawValue: 1 << 1)
    /// x².
    public static let xSquared = DerivedFeatures(rawValue: 1 << 2)
    /// y².
    public static let ySquared = DerivedFeatures(rawValue: 1 << 3)
    /// x · y.
    public static let xTimesY = DerivedFeatures(rawValue: 1 << 4)
    /// sin x.
    public static let sinX = DerivedFeatures(rawValue: 1 << 5)
    /// sin y.
    public static let sinY = DerivedFeatures(rawValue: 1 << 6)

    /// The coordinates as they are: the default.
    public static let coordinates: DerivedFeatures = [.x, .y]
    /// Every feature, in column order.
    public static let all: [DerivedFeatures] = [.x, .y, .xSquared, .ySquared, .xTimesY, .sinX, .sinY]
    /// Each feature's name, as `--features` spells it, in column order.
    public static let allNames = ["x", "y", "x2", "y2", "xy", "sinx", "siny"]

    /// The names of the features in the set, in column order: `["x", "y", "x2"]`.
    public var names: [String] {
        zip(Self.all, Self.allNames).filter { contains($0.0) }.map(\.1)
    }

    /// The number of columns: the features in the set.
    public var width: Int { rawValue.nonzeroBitCount }

    /// The set named by a comma-separated list: `x,y,x2,y2,xy,sinx,siny` (spaces ignored, any order).
    /// - Throws: `PointSetError.invalid` with field `features` for an unknown or missing name.
    public init(parsing text: String) throws(PointSetError) {
        var set: DerivedFeatures = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.filter { $0 != " " }.lowercased()
            guard let index = Self.allNames.firstIndex(of: name) else {
                throw .invalid(field: "features", value: "\"\(name)\"",
                               expected: "a comma-separated list of \(Self.allNames.joined(separator: ", "))")
            }
            set.insert(Self.all[index])
        }
        self = set
    }

    /// Every point's features: one row a point, `width` columns in column order.
    /// - Parameter points: `count x 2`, one (x, y) a row.
    /// - Precondition: `points` has 2 columns and the set is not empty.
    /// - Complexity: O(count · width).
    public func applied(to points: Matrix<Float>) -> Matrix<Float> {
        precondition(points.columns == 2, "DerivedFeatures: \(points.rows)x\(points.columns) points; expected 2 columns")
        precondition(width > 0, "DerivedFeatures: no feature chosen")
        if self == .coordinates { return points }
        let width = self.width
        var result = Matrix<Float>(rows: points.rows, columns: width)
        let chosen = Self.all.map { contains($0) }
        result.elements.withUnsafeMutableBufferPointer { out in
            points.elements.withUnsafeBufferPointer { xy in
                for row in 0..<points.rows {
                    let x = xy[2 * row], y = xy[2 * row + 1]
                    let values = [x, y, x * x, y * y, x * y, sin(x), sin(y)]
                    var column = row * width
                    for index in 0..<7 where chosen[index] {
                        out[column] = values[index]
                        column += 1
                    }
                }
            }
        }
        return result
    }

    /// The features of one point (x, y), in column order.
    public func applied(x: Float, y: Float) -> [Float] {
        applied(to: Matrix(rows: 1, columns: 2, elements: [x, y])).elements
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
