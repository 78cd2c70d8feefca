import DescentExperiments
import DescentLinearAlgebra
import Testing

@Suite("Test functions and gradient descent on them")
struct LandscapeTests {
    @Test("every gradient matches centred finite differences", arguments: TestFunction.allCases)
    func gradients(function: TestFunction) {
        var generator = SplitMix64(seed: 20)
        for _ in 0..<20 {
            let point = function.domain.map { $0.lowerBound + generator.uniformDouble() * ($0.upperBound - $0.lowerBound) }
            let gradient = function.gradient(point)
            for index in point.indices {
                var plus = point, minus = point
                plus[index] += 1e-6
                minus[index] -= 1e-6
                let numeric = (function.value(plus) - function.value(minus)) / 2e-6
                #expect(abs(numeric - gradient[index]) <= 1e-5 * max(1, abs(numeric)), "\(function) at \(point)")
            }
        }
    }

    @Test("the listed minima are flat and lowest", arguments: TestFunction.allCases)
    func minima(function: TestFunction) {
        for minimum in function.globalMinima {
            #expect(function.gradient(minimum).allSatisfy { abs($0) < 1e-4 })
            #expect(function.value(minimum) <= function.value(function.defaultStart))
        }
    }

    @Test("descent on a bowl reaches the minimum; with momentum too")
    func bowl() {
        for momentum in [0.0, 0.5] {
            let path = DescentPath(.bowl, from: [1.5, 1.2], learningRate: 0.1, momentum: momentum, steps: 200)
            #expect(!path.diverged && path.end.allSatisfy { abs($0) < 1e-6 } && path.values.last! < 1e-10)
        }
    }

    @Test("too large a step overshoots: on a bowl beyond 1, on the elongated bowl beyond 0.1")
    func overshoot() {
        let bowl = DescentPath(.bowl, from: [1, 1], learningRate: 1.1, steps: 500)
        #expect(bowl.diverged)
        let steady = DescentPath(.elongatedBowl, from: [-1.8, 1], learningRate: 0.09, steps: 200)
        let wild = DescentPath(.elongatedBowl, from: [-1.8, 1], learningRate: 0.11, steps: 200)
        #expect(steady.values.last! < 1e-6 && (wild.diverged || wild.values.last! > 100))
    }

    @Test("two valleys: starting on the right stops in the higher valley, on the left in the lowest")
    func localMinimum() {
        let right = DescentPath(.twoValleys, from: [1.9], learningRate: 0.02, steps: 200)
        let left = DescentPath(.twoValleys, from: [-1.9], learningRate: 0.02, steps: 200)
        #expect(abs(right.end[0] - 1.1309) < 1e-3 && abs(left.end[0] - (-1.3008)) < 1e-3)
        #expect(right.values.last! > left.values.last!)
        #expect(zip(right.values, right.values.dropFirst()).allSatisfy { $1 <= $0 + 1e-12 })
    }
}
