import Landscape
import Testing

@Suite("Surfaces and descent on them")
struct SurfaceTests {
    @Test("the hand-written gradient matches centred differences", arguments: Surface.allCases)
    func gradientMatchesFiniteDifferences(surface: Surface) {
        let h = 1e-6
        for point in [Point(x: 0.3, y: -0.7), Point(x: -1.2, y: 1.9), Point(x: 2.5, y: 0.1)] {
            let gradient = surface.gradient(at: point)
            let dx = (surface.value(at: Point(x: point.x + h, y: point.y)) - surface.value(at: Point(x: point.x - h, y: point.y))) / (2 * h)
            let dy = (surface.value(at: Point(x: point.x, y: point.y + h)) - surface.value(at: Point(x: point.x, y: point.y - h))) / (2 * h)
            #expect(abs(gradient.x - dx) <= 1e-4 * max(1, abs(dx)), "\(surface) ∂x at \(point)")
            #expect(abs(gradient.y - dy) <= 1e-4 * max(1, abs(dy)), "\(surface) ∂y at \(point)")
        }
    }

    @Test("every listed minimum is a stationary point near zero height", arguments: Surface.allCases)
    func minimaAreMinima(surface: Surface) {
        for minimum in surface.minima {
            #expect(surface.value(at: minimum) < 1e-9)
            let gradient = surface.gradient(at: minimum)
            #expect(abs(gradient.x) < 1e-4 && abs(gradient.y) < 1e-4)
        }
    }

    @Test("a small step on the bowl reaches the bottom; a step over 1 diverges and stops")
    func descentOnTheBowl() {
        let path = GradientDescent(learningRate: 0.1).path(on: .bowl, from: Point(x: 2, y: -1), steps: 100)
        #expect(path.count == 101)
        #expect(path[path.count - 1].value < 1e-12)
        let wild = GradientDescent(learningRate: 1.5).path(on: .bowl, from: Point(x: 2, y: -1), steps: 1000)
        #expect(wild.count < 1000)
        #expect(wild.allSatisfy { $0.value.isFinite })
    }

    @Test("momentum gets further along Rosenbrock's valley in the same number of steps")
    func momentumHelpsOnRosenbrock() {
        let start = Point(x: -1.5, y: 2)
        let plain = GradientDescent(learningRate: 1e-3).path(on: .rosenbrock, from: start, steps: 500)
        let heavy = GradientDescent(learningRate: 1e-3, momentum: 0.9).path(on: .rosenbrock, from: start, steps: 500)
        #expect(heavy[heavy.count - 1].value < plain[plain.count - 1].value)
    }

    @Test("the grid spans the window, row 0 at the lowest y")
    func grid() {
        let heights = Surface.bowl.grid(columns: 3, rows: 3)
        #expect(heights.count == 9)
        #expect(heights[0] == 18)  // (-3, -3)
        #expect(heights[4] == 0)   // (0, 0)
    }
}
