import DescentExperiments
import DescentLinearAlgebra
import Testing

@Suite("Assignment (the Hungarian method)")
struct AssignmentTests {
    /// Every ordering of 0..<n, by Heap's algorithm.
    func allPermutations(_ n: Int) -> [[Int]] {
        var result: [[Int]] = []
        var items = Array(0..<n)
        func generate(_ k: Int) {
            guard k > 1 else { return result.append(items) }
            for i in 0..<(k - 1) {
                generate(k - 1)
                items.swapAt(k % 2 == 0 ? i : 0, k - 1)
            }
            generate(k - 1)
        }
        generate(n)
        return result
    }

    @Test("the cheapest pairing equals brute force over all n! pairings", arguments: 1...7)
    func matchesBruteForce(n: Int) {
        var generator = SplitMix64(seed: UInt64(100 + n))
        let orderings = allPermutations(n)
        #expect(orderings.count == (1...n).reduce(1, *))
        for trial in 0..<20 {
            // Some matrices with few distinct values, so that ties are common.
            let costs = (0..<n).map { _ in
                (0..<n).map { _ in trial % 4 == 0 ? Double(generator.uniformInt(below: 3)) : generator.uniformDouble() * 10 - 5 }
            }
            let best = orderings.map { ordering in ordering.enumerated().reduce(0.0) { $0 + costs[$1.offset][$1.element] } }.min()!
            let assignment = Assignment(minimizing: costs)
            #expect(assignment.columns.sorted() == Array(0..<n))
            #expect(abs(assignment.total - best) < 1e-9, "n \(n), trial \(trial): \(assignment.total) vs \(best)")
            let worst = orderings.map { ordering in ordering.enumerated().reduce(0.0) { $0 + costs[$1.offset][$1.element] } }.max()!
            #expect(abs(Assignment(maximizing: costs).total - worst) < 1e-9)
        }
    }

    @Test("a small case by hand, and the empty matrix")
    func byHand() {
        // Rows want columns 2, 0, 1: 1 + 2 + 3 = 6; the diagonal would cost 4 + 5 + 6 = 15.
        let assignment = Assignment(minimizing: [[4, 9, 1], [2, 5, 8], [7, 3, 6]])
        #expect(assignment.columns == [2, 0, 1])
        #expect(assignment.total == 6)
        #expect(Assignment(minimizing: []).columns.isEmpty)
        #expect(Assignment(maximizing: [[1, 0], [0, 1]]).columns == [0, 1])
    }
}
