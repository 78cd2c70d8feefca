/// The shapes of the 2-D point sets TensorFlow Playground draws, for learning decision regions a
/// person can see: five classification shapes and two regression surfaces.
public enum PointShape: String, CaseIterable, Sendable, Codable {
    /// Arms winding out from the centre, one a class (2 to 8).
    case spirals
    /// A disk inside a ring: two classes.
    case circles
    /// The four quadrants, opposite ones alike: two classes.
    case xor
    /// Gaussian clusters on a circle, one a class (2 to 8).
    case blobs
    /// Two interleaved half-moons (scikit-learn's `make_moons`): two classes.
    case moons
    /// Regression: the target is the tilted plane (x + y) / 2.
    case plane
    /// Regression: the target is a Gaussian bump exp(−(x² + y²) / 0.25) in the middle.
    case bump

    /// Whether the points carry a number to predict (`PointSet.targets`) rather than a class.
    public var isRegression: Bool { self == .plane || self == .bump }

    /// The numbers of classes the shape can be drawn with; regression shapes have one target.
    public var classRange: ClosedRange<Int> {
        switch self {
        case .spirals, .blobs: return 2...8
        case .circles, .xor, .moons: return 2...2
        case .plane, .bump: return 1...1
        }
    }

    /// The number of classes when none is asked for: 2 (1 target for a regression shape).
    public var defaultClasses: Int { classRange.lowerBound }
}
