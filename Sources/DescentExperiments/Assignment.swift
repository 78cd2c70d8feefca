/// The cheapest way to pair every row of a square cost matrix with a different column: the linear
/// assignment problem, solved by the Hungarian method (Kuhn, "The Hungarian method for the
/// assignment problem", 1955; Munkres, 1957) in its O(n³) form, which grows the matching one row at
/// a time along shortest augmenting paths while keeping dual potentials u, v with
/// costs[i][j] − u[i] − v[j] ≥ 0 (Edmonds & Karp 1972; Tomizawa 1971).
///
/// Ainsworth, Hayase & Srinivasa ("Git Re-Basin", ICLR 2023) use it to match the hidden neurons of
/// two networks; `NeuronAlignment` does the same.
package struct Assignment: Sendable, Equatable {
    /// `columns[i]` is the column paired with row `i`; every column appears once.
    package let columns: [Int]
    /// The sum of the chosen entries of the matrix given.
    package let total: Double

    /// The pairing with the smallest sum of `costs[i][columns[i]]`.
    /// - Parameter costs: n rows of n finite numbers (n may be 0).
    /// - Precondition: the matrix is square and finite.
    /// - Complexity: O(n³).
    package init(minimizing costs: [[Double]]) {
        let n = costs.count
        precondition(costs.allSatisfy { $0.count == n }, "Assignment: \(n) rows of \(costs.map(\.count)) columns; expected a square matrix")
        precondition(costs.allSatisfy { $0.allSatisfy(\.isFinite) }, "Assignment: the costs must be finite")
        // One-based below: column 0 is a sentinel holding the row being added, where its augmenting path starts.
        var potentials = (rows: [Double](repeating: 0, count: n + 1), columns: [Double](repeating: 0, count: n + 1))
        var rowOfColumn = [Int](repeating: 0, count: n + 1)  // 0: the column is still free
        for row in stride(from: 1, through: n, by: 1) {
            Self.addRow(row, costs: costs, potentials: &potentials, rowOfColumn: &rowOfColumn)
        }
        var columns = [Int](repeating: 0, count: n)
        for column in stride(from: 1, through: n, by: 1) { columns[rowOfColumn[column] - 1] = column - 1 }
        self.columns = columns
        total = columns.enumerated().reduce(0) { $0 + costs[$1.offset][$1.element] }
    }

    /// The pairing with the largest sum of `scores[i][columns[i]]` (the smallest of their negatives).
    /// - Precondition: the matrix is square and finite.
    /// - Complexity: O(n³).
    package init(maximizing scores: [[Double]]) {
        let negated = Assignment(minimizing: scores.map { $0.map { -$0 } })
        columns = negated.columns
        total = -negated.total
    }

    /// Matches `row` (one-based) by a shortest augmenting path in reduced costs from the free rows'
    /// matching, Dijkstra-style over the columns, then flips the path; the potentials stay feasible.
    private static func addRow(
        _ row: Int, costs: [[Double]], potentials: inout (rows: [Double], columns: [Double]), rowOfColumn: inout [Int]
    ) {
        let n = costs.count
        rowOfColumn[0] = row
        var slack = [Double](repeating: .infinity, count: n + 1)  // the least reduced cost reaching each column
        var previous = [Int](repeating: 0, count: n + 1)          // the column before it on that path
        var visited = [Bool](repeating: false, count: n + 1)
        var current = 0
        repeat {
            visited[current] = true
            let from = rowOfColumn[current]
            var delta = Double.infinity, next = 0
            for column in 1...n where !visited[column] {
                let reduced = costs[from - 1][column - 1] - potentials.rows[from] - potentials.columns[column]
                if reduced < slack[column] { (slack[column], previous[column]) = (reduced, current) }
                if slack[column] < delta { (delta, next) = (slack[column], column) }
            }
            for column in 0...n {
                if visited[column] {
                    potentials.rows[rowOfColumn[column]] += delta
                    potentials.columns[column] -= delta
                } else {
                    slack[column] -= delta
                }
            }
            current = next
        } while rowOfColumn[current] != 0
        // Flip the path back to the sentinel: each column takes the row of the column before it.
        repeat {
            let before = previous[current]
            rowOfColumn[current] = rowOfColumn[before]
            current = before
        } while current != 0
    }
}
