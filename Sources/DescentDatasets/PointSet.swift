public import DescentLinearAlgebra

/// Points in the plane with a class each (or a number to predict): a set drawn from a
/// `PointSetRecipe` (`generate(_:)`), or a person's own points.
///
/// Points are `count x 2` (x, y), drawn in −1...1 give or take the noise; points of one's own may be
/// wider (a CSV table's columns), and are then read as they are.
public struct PointSet: Sendable, Equatable {
    /// The recipe the points were drawn from; nil for a person's own points.
    public let recipe: PointSetRecipe?
    /// `count x width`, one point a row: (x, y) for a drawn set.
    public let points: Matrix<Float>
    /// One class a point, each in `0..<classCount`; all 0 for a regression set.
    public let labels: [Int]
    /// One number to predict a point for a regression set; nil for classification.
    public let targets: [Float]?
    /// The number of classes (1 for a regression set).
    public let classCount: Int

    /// The number of points.
    public var count: Int { labels.count }
    /// Whether the points carry numbers to predict rather than classes.
    public var isRegression: Bool { targets != nil }

    /// A person's own points with their classes.
    /// - Parameters:
    ///   - points: `count x width`, one point a row, every number finite.
    ///   - labels: One class a point, 0 or more.
    ///   - classCount: The number of classes; nil: one more than the largest label.
    /// - Throws: `PointSetError.invalid` naming `points` or `labels` when they disagree in number, a
    ///   coordinate is not finite, or a label is negative or not below `classCount`.
    public init(points: Matrix<Float>, labels: [Int], classCount: Int? = nil) throws(PointSetError) {
        guard points.rows == labels.count else {
            throw .invalid(field: "labels", value: "\(labels.count) labels", expected: "one a point (\(points.rows))")
        }
        try Self.checkFinite(points)
        let classes = classCount ?? ((labels.max() ?? 0) + 1)
        if let index = labels.firstIndex(where: { $0 < 0 || $0 >= classes }) {
            throw .invalid(field: "labels", value: "\(labels[index]) (point \(index))", expected: "0 to \(classes - 1)")
        }
        self.init(recipe: nil, points: points, labels: labels, targets: nil, classCount: classes)
    }

    /// A person's own points with a number to predict each.
    /// - Throws: `PointSetError.invalid` naming `points` or `targets` when they disagree in number or
    ///   a number is not finite.
    public init(points: Matrix<Float>, targets: [Float]) throws(PointSetError) {
        guard points.rows == targets.count else {
            throw .invalid(field: "targets", value: "\(targets.count) targets", expected: "one a point (\(points.rows))")
        }
        try Self.checkFinite(points)
        if let index = targets.firstIndex(where: { !$0.isFinite }) {
            throw .invalid(field: "targets", value: "\(targets[index]) (point \(index))", expected: "a finite number")
        }
        self.init(recipe: nil, points: points, labels: Array(repeating: 0, count: targets.count), targets: targets, classCount: 1)
    }

    /// For sets already checked.
    init(recipe: PointSetRecipe?, points: Matrix<Float>, labels: [Int], targets: [Float]?, classCount: Int) {
        self.recipe = recipe
        self.points = points
        self.labels = labels
        self.targets = targets
        self.classCount = classCount
    }

    private static func checkFinite(_ points: Matrix<Float>) throws(PointSetError) {
        if let index = points.elements.firstIndex(where: { !$0.isFinite }) {
            throw .invalid(field: "points", value: "\(points.elements[index]) (point \(index / max(1, points.columns)))", expected: "finite coordinates")
        }
    }

    /// The points at `indices`, in that order.
    public func subset(_ indices: [Int]) -> PointSet {
        let width = points.columns
        var elements: [Float] = []
        elements.reserveCapacity(indices.count * width)
        for index in indices { elements.append(contentsOf: points.elements[index * width ..< (index + 1) * width]) }
        return PointSet(recipe: recipe, points: Matrix(rows: indices.count, columns: width, elements: elements),
                        labels: indices.map { labels[$0] }, targets: targets.map { all in indices.map { all[$0] } }, classCount: classCount)
    }

    /// The set cut in two at random: `testShare` of the points (rounded) for testing, the rest for training.
    /// - Parameters:
    ///   - testShare: The share held out, 0..<1.
    ///   - generator: The source of the shuffle.
    /// - Precondition: `0 <= testShare < 1`.
    /// - Complexity: O(count).
    public func split(testShare: Double, using generator: inout some RandomNumberGenerator) -> (training: PointSet, test: PointSet) {
        precondition(testShare >= 0 && testShare < 1, "PointSet.split: test share \(testShare); expected 0..<1")
        var order = Array(0..<count)
        generator.shuffle(&order)
        let held = Int((Double(count) * testShare).rounded())
        return (subset(Array(order[held...]).sorted()), subset(Array(order[..<held]).sorted()))
    }

    /// The network's inputs: each point's chosen features, with its class (0 for regression).
    /// - Parameter features: What the network reads of each point; a set wider than 2 columns is read
    ///   as it is, with `.coordinates`.
    /// - Throws: `PointSetError.invalid` with field `features` for an empty set, or derived features
    ///   asked of points that are not 2 wide.
    /// - Complexity: O(count · features.width).
    public func examples(features: DerivedFeatures) throws(PointSetError) -> LabeledFeatures {
        let inputs = try self.inputs(features: features)
        do {
            return try LabeledFeatures(features: inputs, labels: labels)
        } catch {
            throw .invalid(field: "points", value: error.description, expected: "finite coordinates")  // checked in init
        }
    }

    /// Each point's chosen features, one row a point.
    /// - Throws: as `examples(features:)`.
    public func inputs(features: DerivedFeatures) throws(PointSetError) -> Matrix<Float> {
        guard features.width > 0 else { throw .invalid(field: "features", value: "none", expected: "at least one of \(DerivedFeatures.allNames.joined(separator: ", "))") }
        if points.columns == 2 { return features.applied(to: points) }
        guard features == .coordinates else {
            throw .invalid(field: "features", value: features.names.joined(separator: ","),
                           expected: "x,y for points \(points.columns) wide (derived features need points of 2 columns)")
        }
        return points
    }

    /// How many points of each class, class by class.
    public var classCounts: [Int] {
        labels.reduce(into: Array(repeating: 0, count: classCount)) { $0[$1] += 1 }
    }
}
