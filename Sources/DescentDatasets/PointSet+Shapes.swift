import DescentLinearAlgebra

extension PointSet {
    /// The points of `recipe`, drawn from `SplitMix64(seed: recipe.seed)`: the same recipe gives the
    /// same set everywhere. Points are shared between classes as evenly as can be (the first
    /// `points % classes` classes get one more), drawn class by class, then shuffled.
    /// - Throws: `PointSetError.invalid` naming the field of a recipe that `validate()` rejects.
    /// - Complexity: O(recipe.points).
    public static func generate(_ recipe: PointSetRecipe) throws(PointSetError) -> PointSet {
        try recipe.validate()
        var generator = SplitMix64(seed: recipe.seed)
        var drawn = Drawing(recipe: recipe)
        let classes = recipe.classes
        for label in 0..<classes {
            let share = recipe.points / classes + (label < recipe.points % classes ? 1 : 0)
            for index in 0..<share { drawn.add(recipe.shape, label: label, of: classes, index: index, share: share, using: &generator) }
        }
        var order = Array(0..<recipe.points)
        generator.shuffle(&order)
        let all = PointSet(recipe: recipe, points: Matrix(rows: recipe.points, columns: 2, elements: drawn.coordinates),
                           labels: drawn.labels, targets: recipe.shape.isRegression ? drawn.targets : nil,
                           classCount: recipe.shape.isRegression ? 1 : classes)
        return all.subset(order)
    }
}

/// The points drawn so far, and how each shape draws one.
private struct Drawing {
    let recipe: PointSetRecipe
    /// The standard deviation of the Gaussian jitter: noise / 2 in a frame of −1...1.
    let spread: Double
    var coordinates: [Float] = []
    var labels: [Int] = []
    var targets: [Float] = []

    init(recipe: PointSetRecipe) {
        self.recipe = recipe
        spread = Double(recipe.noise) / 2
        coordinates.reserveCapacity(2 * recipe.points)
        labels.reserveCapacity(recipe.points)
    }

    /// Draws point `index` of the `share` points of class `label` (of `classes`).
    mutating func add(_ shape: PointShape, label: Int, of classes: Int, index: Int, share: Int, using generator: inout some RandomNumberGenerator) {
        var x: Double, y: Double
        var target = 0.0
        switch shape {
        case .spirals:
            // Arm `label` turns 1.25 times from radius 0.1 to 0.95, the arms 2π/classes apart. The
            // position along the arm is √u, so points are about as dense everywhere along its length
            // rather than crowding the centre, where the arms meet.
            let t = generator.uniformDouble().squareRoot()
            let radius = 0.1 + 0.85 * t
            let angle = 2.5 * Double.pi * t + 2 * Double.pi * Double(label) / Double(classes)
            (x, y) = (radius * cosine(angle), radius * sine(angle))
        case .circles:
            // A disk of radius 0.5 (class 0) inside a ring from 0.7 to 1 (class 1), uniform in area.
            let (inner, outer) = label == 0 ? (0.0, 0.5) : (0.7, 1.0)
            let radius = (inner * inner + generator.uniformDouble() * (outer * outer - inner * inner)).squareRoot()
            let angle = 2 * Double.pi * generator.uniformDouble()
            (x, y) = (radius * cosine(angle), radius * sine(angle))
        case .xor:
            // Class 0 in the quadrants where x·y > 0, class 1 where x·y < 0, kept 0.05 off the axes.
            let a = 0.05 + 0.9 * generator.uniformDouble(), b = 0.05 + 0.9 * generator.uniformDouble()
            let signX: Double = generator.uniformInt(below: 2) == 0 ? 1 : -1
            (x, y) = (signX * a, (label == 0 ? signX : -signX) * b)
        case .blobs:
            // Gaussians of deviation 0.1 centred on a circle of radius 0.6, 2π/classes apart.
            let angle = 2 * Double.pi * Double(label) / Double(classes)
            (x, y) = (0.6 * cosine(angle) + 0.1 * generator.standardNormal(), 0.6 * sine(angle) + 0.1 * generator.standardNormal())
        case .moons:
            // scikit-learn's make_moons, (x − 0.5, y − 0.25) / 1.5 to sit in −1...1.
            let t = Double.pi * generator.uniformDouble()
            let (u, v) = label == 0 ? (cosine(t), sine(t)) : (1 - cosine(t), 0.5 - sine(t))
            (x, y) = ((u - 0.5) / 1.5, (v - 0.25) / 1.5)
        case .plane, .bump:
            (x, y) = (2 * generator.uniformDouble() - 1, 2 * generator.uniformDouble() - 1)
            target = shape == .plane ? (x + y) / 2 : exponential(-(x * x + y * y) / 0.25)
        }
        if shape.isRegression {
            target += spread * generator.standardNormal()
        } else {
            x += spread * generator.standardNormal()
            y += spread * generator.standardNormal()
        }
        coordinates.append(Float(x))
        coordinates.append(Float(y))
        labels.append(shape.isRegression ? 0 : label)
        targets.append(Float(target))
    }
}

#if canImport(Glibc)
import Glibc
private func cosine(_ x: Double) -> Double { Glibc.cos(x) }
private func sine(_ x: Double) -> Double { Glibc.sin(x) }
private func exponential(_ x: Double) -> Double { Glibc.exp(x) }
#elseif canImport(Darwin)
import Darwin
private func cosine(_ x: Double) -> Double { Darwin.cos(x) }
private func sine(_ x: Double) -> Double { Darwin.sin(x) }
private func exponential(_ x: Double) -> Double { Darwin.exp(x) }
#endif
