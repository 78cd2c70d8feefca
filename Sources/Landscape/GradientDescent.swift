/// Gradient descent with momentum on a surface: v ← μv − η∇f, p ← p + v.
public struct GradientDescent: Sendable, Equatable {
    public var learningRate: Double
    public var momentum: Double

    public init(learningRate: Double, momentum: Double = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    /// One position along a path, with the height there.
    public struct Step: Equatable, Sendable, Codable {
        public var point: Point
        public var value: Double
    }

    /// The path from `start`: the start itself, then one entry per step. It stops early, after
    /// the step that left the finite numbers or went beyond `escape` from the origin, so a
    /// diverging ball shows where it flew off without sending infinities.
    public func path(on surface: Surface, from start: Point, steps: Int, escape: Double = 1e6) -> [Step] {
        var point = start
        var velocity = Point(x: 0, y: 0)
        var path = [Step(point: point, value: surface.value(at: point))]
        for _ in 0..<max(0, steps) {
            let gradient = surface.gradient(at: point)
            velocity = Point(x: momentum * velocity.x - learningRate * gradient.x,
                             y: momentum * velocity.y - learningRate * gradient.y)
            let next = Point(x: point.x + velocity.x, y: point.y + velocity.y)
            let value = surface.value(at: next)
            guard next.x.isFinite, next.y.isFinite, value.isFinite,
                  abs(next.x) <= escape, abs(next.y) <= escape else { break }
            point = next
            path.append(Step(point: point, value: value))
        }
        return path
    }
}
