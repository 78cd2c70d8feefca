/// The mean, extremes and standard deviation of some numbers.
package struct Spread: Sendable, Equatable {
    /// The arithmetic mean.
    package let mean: Double
    /// The smallest value.
    package let minimum: Double
    /// The largest value.
    package let maximum: Double
    /// The population standard deviation (divided by n, not n − 1).
    package let standardDeviation: Double

    /// The spread of `values`; nil for none.
    package init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        self.mean = mean
        minimum = values.min() ?? mean
        maximum = values.max() ?? mean
        standardDeviation = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
    }

    /// maximum − minimum.
    package var range: Double { maximum - minimum }
}

/// What the minima experiment found: the runs, and every pair of them compared.
package struct MinimaReport: Sendable {
    /// One a seed, in the order of the seeds.
    package let runs: [MinimaRun]
    /// Every pair (i, j) with i < j, ordered by i then j.
    package let pairs: [MinimaPair]

    /// A report of `runs` and their `pairs`, as the experiment made them.
    package init(runs: [MinimaRun], pairs: [MinimaPair]) {
        self.runs = runs
        self.pairs = pairs
    }

    /// The final training cost across runs.
    package var trainingCost: Spread? { Spread(runs.map(\.trainingCost)) }
    /// The final training accuracy across runs.
    package var trainingAccuracy: Spread? { Spread(runs.map(\.trainingAccuracy)) }
    /// The final validation accuracy across runs (nil without validation images).
    package var validationAccuracy: Spread? { Spread(runs.compactMap(\.validationAccuracy)) }
    /// The test accuracy across runs.
    package var testAccuracy: Spread? { Spread(runs.map(\.testAccuracy)) }

    /// The starting networks' relative distances across pairs.
    package var startDistance: Spread? { Spread(pairs.map(\.startDistance)) }
    /// The trained networks' relative distances across pairs.
    package var distance: Spread? { Spread(pairs.map(\.distance)) }
    /// The relative distances once hidden neurons are matched.
    package var alignedDistance: Spread? { Spread(pairs.map(\.alignedDistance)) }

    /// The pairs whose straight lines were measured.
    package var measuredPairs: [MinimaPair] { pairs.filter { $0.path != nil && $0.alignedPath != nil } }
    /// The ridge on the straight line between networks as trained, across measured pairs.
    package var ridge: Spread? { Spread(measuredPairs.compactMap { $0.path?.ridge }) }
    /// The ridge once the second network's hidden neurons are matched to the first's.
    package var alignedRidge: Spread? { Spread(measuredPairs.compactMap { $0.alignedPath?.ridge }) }

    /// The share of the mean ridge that matching the hidden neurons removed: 1 − aligned / before
    /// (nil when nothing was measured or there was no ridge to remove).
    package var ridgeRemoved: Double? {
        guard let before = ridge?.mean, let after = alignedRidge?.mean, before > 0 else { return nil }
        return 1 - after / before
    }
}
