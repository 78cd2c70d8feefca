public import DescentDatasets
public import DescentNetwork
import DescentLinearAlgebra

/// How a point set falls into a 2-D network's regions, for a picture's text alternative: how many
/// points of each class the network puts in each predicted class, and the accuracy.
public struct RegionCensus: Sendable, Equatable {
    /// counts[actual][predicted]: points of class `actual` that fall in the region of `predicted`.
    public let counts: [[Int]]

    /// The number of points.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Points in the region of their own class.
    public var correct: Int { counts.indices.reduce(0) { $0 + ($1 < counts[$1].count ? counts[$1][$1] : 0) } }
    /// correct / total (0 for no points).
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Counts from a table already made.
    public init(counts: [[Int]]) { self.counts = counts }

    /// One sentence a class: "class 0: 160 points, 158 in its region, 2 in class 1's".
    public var sentences: [String] {
        counts.enumerated().map { actual, row in
            let total = row.reduce(0, +)
            let elsewhere = row.enumerated().filter { $0.offset != actual && $0.element > 0 }.map { "\($0.element) in class \($0.offset)'s" }
            return "class \(actual): \(total) points, \(actual < row.count ? row[actual] : 0) in its region"
                + (elsewhere.isEmpty ? "" : ", " + elsewhere.joined(separator: ", "))
        }
    }
}

extension Network where Scalar == Float {
    /// Classifies every point of `set` (read through `features`) and counts them by actual and predicted class.
    /// - Throws: `PointSetError.invalid` with field `features` when the features cannot be taken of the
    ///   points or their width is not the network's input count.
    /// - Complexity: O(set.count · parameterCount).
    public func regionCensus(of set: PointSet, features: DerivedFeatures) throws(PointSetError) -> RegionCensus {
        let inputs = try set.inputs(features: features)
        guard inputs.columns == inputCount else {
            throw .invalid(field: "features", value: features.names.joined(separator: ","),
                           expected: "\(inputCount) features, as the network reads \(inputCount) inputs")
        }
        var counts = Array(repeating: Array(repeating: 0, count: outputCount), count: max(set.classCount, outputCount))
        var workspace = Workspace(for: self, capacity: max(1, min(4096, set.count)))
        let callerMode = SubnormalFlushing.enter()
        defer { SubnormalFlushing.restore(callerMode) }
        var first = 0
        let width = inputCount
        while first < set.count {
            let count = min(workspace.capacity, set.count - first)
            workspace.inputs.elements.replaceSubrange(0 ..< count * width, with: inputs.elements[first * width ..< (first + count) * width])
            forward(&workspace, count: count)
            for row in 0..<count { counts[set.labels[first + row]][workspace.predictedClass(row: row)] += 1 }
            first += count
        }
        return RegionCensus(counts: counts)
    }
}
