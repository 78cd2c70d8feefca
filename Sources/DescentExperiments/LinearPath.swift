package import DescentDatasets
import DescentLinearAlgebra
package import DescentNetwork

/// The cost along the straight line between two trained networks, θ(t) = (1 − t)·θ₀ + t·θ₁ for t
/// in 0...1 (Goodfellow, Vinyals & Saxe, "Qualitatively characterizing neural network optimization
/// problems", ICLR 2015). A bump between the ends says the two lie in different valleys, or in the
/// same valley seen under different numberings of their hidden neurons.
package struct LinearPath: Sendable {
    /// The t of each point, evenly spaced from 0 to 1.
    package let positions: [Double]
    /// The mean cost (the network's own, without regularisation) at each point.
    package let costs: [Double]
    /// The share classified right at each point.
    package let accuracies: [Double]

    /// Measures `points` evenly spaced networks on the line from `start` to `end`.
    /// - Parameters:
    ///   - start: θ₀, at t = 0.
    ///   - end: θ₁, at t = 1: a network of the same sizes.
    ///   - data: The images (and labels) the cost is measured on.
    ///   - points: How many, ends included (at least 2).
    /// - Complexity: O(points · data.count · parameterCount).
    package init(from start: Network<Float>, to end: Network<Float>, on data: LabeledImages, points: Int = 21) {
        precondition(points >= 2, "LinearPath: \(points) points; expected at least 2")
        positions = (0..<points).map { Double($0) / Double(points - 1) }
        let measured = positions.map { ModelLandscape.costAndAccuracy(start.interpolated(toward: end, at: Float($0)), on: data) }
        costs = measured.map(\.cost)
        accuracies = measured.map(\.accuracy)
    }

    /// The ridge between the two valleys: the highest cost along the line minus the mean of the two
    /// end costs (0 when the line never rises above that mean). Frankle et al. ("Linear mode
    /// connectivity and the lottery ticket hypothesis", 2020) subtract the line between the end
    /// costs instead; with ends as close as trained networks' the two differ little.
    package var ridge: Double {
        max(0, (costs.max() ?? 0) - ((costs.first ?? 0) + (costs.last ?? 0)) / 2)
    }

    /// The position of the highest cost.
    package var ridgePosition: Double {
        positions[costs.indices.max { costs[$0] < costs[$1] } ?? 0]
    }

    /// The lowest accuracy along the line.
    package var lowestAccuracy: Double { accuracies.min() ?? 0 }
}
