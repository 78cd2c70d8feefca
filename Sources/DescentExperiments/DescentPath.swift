/// The steps of gradient descent, with momentum, on one of the test functions.
public struct DescentPath: Sendable {
    /// The function walked on.
    public let function: TestFunction
    /// The step size η.
    public let learningRate: Double
    /// The momentum μ (0 for plain gradient descent).
    public let momentum: Double
    /// The start and the point after each step.
    public let points: [[Double]]
    /// f at each of `points`.
    public let values: [Double]
    /// Whether the walk left every sensible region (a coordinate beyond 1e6, or not a number) and
    /// was stopped: the learning rate was too large.
    public let diverged: Bool

    /// The last point reached.
    public var end: [Double] { points[points.count - 1] }

    /// Walks `steps` steps: v ← momentum · v − learningRate · ∇f(x), x ← x + v (Polyak's heavy ball;
    /// plain gradient descent when momentum is 0), from `start`.
    /// - Complexity: O(steps).
    public init(_ function: TestFunction, from start: [Double], learningRate: Double, momentum: Double = 0, steps: Int) {
        precondition(start.count == function.dimension, "DescentPath: start \(start) for \(function.rawValue)")
        var point = start
        var velocity = [Double](repeating: 0, count: start.count)
        var points = [start]
        var values = [function.value(start)]
        var diverged = false
        for _ in 0..<max(0, steps) {
            let gradient = function.gradient(point)
            for index in point.indices {
                velocity[index] = momentum * velocity[index] - learningRate * gradient[index]
                point[index] += velocity[index]
            }
            let value = function.value(point)
            guard point.allSatisfy({ $0.isFinite && abs($0) < 1e6 }), value.isFinite else {
                diverged = true
                break
            }
            points.append(point)
            values.append(value)
        }
        self.function = function
        self.learningRate = learningRate
        self.momentum = momentum
        self.points = points
        self.values = values
        self.diverged = diverged
    }
}
