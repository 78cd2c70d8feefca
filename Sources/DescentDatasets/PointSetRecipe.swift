/// Everything that decides a generated point set: the same recipe gives the same points, bit for
/// bit, on every machine (every draw comes from `SplitMix64(seed: seed)`).
public struct PointSetRecipe: Sendable, Equatable, Codable {
    /// The shape the points are drawn from.
    public var shape: PointShape
    /// The number of classes (`shape.classRange`); 1 for a regression shape.
    public var classes: Int
    /// How many points, shared as evenly as can be between the classes: 1...`PointSetRecipe.maximumPoints`.
    public var points: Int
    /// How far points stray from the shape, 0...1: each coordinate (a regression shape: the target)
    /// gets Gaussian jitter of standard deviation `noise / 2`, in a frame of −1...1.
    public var noise: Float
    /// Seeds every random draw.
    public var seed: UInt64

    /// The most points a recipe may ask for.
    public static let maximumPoints = 100_000

    /// A recipe; `classes` defaults to the shape's smallest (2, or 1 for regression).
    public init(shape: PointShape, classes: Int? = nil, points: Int = 1000, noise: Float = 0.1, seed: UInt64 = 0) {
        self.shape = shape
        self.classes = classes ?? shape.defaultClasses
        self.points = points
        self.noise = noise
        self.seed = seed
    }

    /// Checks every field.
    /// - Throws: `PointSetError.invalid` naming the first field out of range: `classes` outside the
    ///   shape's range, `points` outside 1...100,000, `noise` outside 0...1 or NaN.
    public func validate() throws(PointSetError) {
        guard shape.classRange.contains(classes) else {
            let range = shape.classRange
            throw .invalid(field: "classes", value: "\(classes)",
                           expected: range.count == 1 ? "\(range.lowerBound) for \(shape.rawValue)" : "\(range.lowerBound) to \(range.upperBound) for \(shape.rawValue)")
        }
        guard (1...Self.maximumPoints).contains(points) else {
            throw .invalid(field: "points", value: "\(points)", expected: "1 to \(Self.maximumPoints)")
        }
        guard noise >= 0 && noise <= 1 else {  // false for NaN too
            throw .invalid(field: "noise", value: "\(noise)", expected: "a number from 0 to 1, such as 0.1")
        }
    }

    /// The recipe as text, for a model's metadata and for people: `spirals classes 3 points 1000 noise 0.1 seed 0`.
    public var summary: String {
        "\(shape.rawValue) classes \(classes) points \(points) noise \(noise) seed \(seed)"
    }
}

/// A point set that cannot be made or used. Each names the field.
public enum PointSetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `field` holds `value`, which is not allowed; `expected` says what is.
    case invalid(field: String, value: String, expected: String)

    /// The field at fault (`classes`, `points`, `noise`, `features`, `labels`, `targets`, `testShare`).
    public var field: String {
        switch self {
        case .invalid(let field, _, _): return field
        }
    }

    /// One line for a person: the field, what was found and what was expected.
    public var description: String {
        switch self {
        case .invalid(let field, let value, let expected): return "\(field) \(value) is not allowed; expected \(expected)"
        }
    }
}
