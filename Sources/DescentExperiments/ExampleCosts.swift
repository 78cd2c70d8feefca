public import DescentDatasets
public import DescentNetwork
public import DescentLinearAlgebra

/// The cost of every example of a set, one forward pass each: the video's "cost of all of them" is
/// their mean, and the cheapest and dearest examples show what the average hides.
public struct ExampleCosts: Sendable {
    /// The cost of each example, in the set's order (the network's own cost: for the video's network,
    /// ½ Σj (aj − yj)²).
    public let costs: [Double]
    /// The class the network gives each example, in the set's order.
    public let predictions: [Int]

    /// Measures `network` on every image of `data`.
    /// - Complexity: O(data.count · parameterCount).
    public init(network: Network<Float>, on data: LabeledImages, batchSize: Int = 500) {
        var costs: [Double] = []
        var predictions: [Int] = []
        costs.reserveCapacity(data.count)
        predictions.reserveCapacity(data.count)
        if data.count > 0 {
            var workspace = Workspace(for: network, capacity: min(max(1, batchSize), data.count))
            var first = 0
            while first < data.count {
                let count = min(workspace.capacity, data.count - first)
                for row in 0..<count { workspace.setInput(row: row, bytes: data.image(first + row), label: Int(data.labels[first + row])) }
                costs += network.exampleCosts(&workspace, count: count).map(Double.init)
                predictions += (0..<count).map { workspace.predictedClass(row: $0) }
                first += count
            }
        }
        self.costs = costs
        self.predictions = predictions
    }

    /// The mean cost: what training makes small. 0 for an empty set.
    public var mean: Double { costs.isEmpty ? 0 : costs.reduce(0, +) / Double(costs.count) }

    /// The `count` examples with the lowest cost, cheapest first (ties by position).
    public func cheapest(_ count: Int) -> [Int] {
        Array(costs.indices.sorted { (costs[$0], $0) < (costs[$1], $1) }.prefix(max(0, count)))
    }

    /// The `count` examples with the highest cost, dearest first (ties by position).
    public func dearest(_ count: Int) -> [Int] {
        Array(costs.indices.sorted { (costs[$1], $0) < (costs[$0], $1) }.prefix(max(0, count)))
    }

    /// How many examples fall in each of `bins` equal ranges of cost from 0 to the largest.
    public func histogram(bins: Int) -> (upperBound: Double, counts: [Int]) {
        let bins = max(1, bins)
        let top = costs.max() ?? 0
        var counts = [Int](repeating: 0, count: bins)
        for cost in costs {
            counts[top > 0 ? min(bins - 1, Int(cost / top * Double(bins))) : 0] += 1
        }
        return (top, counts)
    }
}
