import ArgumentParser
import DescentExperiments
import Foundation
import DescentPictures


/// A point written `x` or `x,y`.
struct PointArgument: ExpressibleByArgument {
    let coordinates: [Double]
    init?(argument: String) {
        let parts = argument.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0?.isFinite ?? false }) else { return nil }
        coordinates = parts.compactMap { $0 }
    }
}

struct LandscapeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "landscape",
        abstract: "Watch gradient descent roll downhill on a small function, or see the real cost around a trained network.",
        discussion: """
            Without --model: gradient descent on a built-in function of one input (two-valleys: a \
            local minimum that is not the lowest) or two (bowl, elongated-bowl, rosenbrock, \
            himmelblau, wavy), printing each step and drawing the curve or contour map with the path. \
            Repeat --start and --learning-rate to overlay runs; too large a learning rate overshoots. \
            With --model: the MNIST cost on a plane through the trained weights along two random \
            directions normalised per neuron (Li et al. 2018).
            """)

    @Option(help: "The function: two-valleys, bowl, elongated-bowl, rosenbrock, himmelblau or wavy.")
    var function: TestFunction = .twoValleys

    @Option(help: ArgumentHelp("Where to start, x or x,y (repeatable; write --start=-1,2 when it begins with a minus); default: the function's own.", valueName: "point"))
    var start: [PointArgument] = []

    @Option(name: .customLong("learning-rate"), help: ArgumentHelp("The step size (repeatable); default: the function's own.", valueName: "rate"))
    var learningRates: [Double] = []

    @Option(help: "Steps per run; default: the function's own.")
    var steps: Int?

    @Option(help: "Momentum μ in 0..<1: v ← μv − η∇f, x ← x + v.")
    var momentum: Double = 0

    @OptionGroup var modelLandscape: ModelLandscapeOptions

    @Option(help: ArgumentHelp("Where to write the SVG.", valueName: "file"))
    var out: String = "landscape.svg"

    @OptionGroup var output: OutputOptions

    mutating func validate() throws {
        if let steps, !(1...100_000).contains(steps) { throw ValidationError("--steps \(steps): expected 1 to 100000") }
        guard momentum >= 0, momentum < 1 else { throw ValidationError("--momentum \(momentum): expected a number in 0..<1") }
        guard learningRates.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw ValidationError("--learning-rate must be positive") }
        if let bad = start.first(where: { $0.coordinates.count != function.dimension }) {
            throw ValidationError("--start \(bad.coordinates.map { "\($0)" }.joined(separator: ",")): \(function.rawValue) takes \(function.dimension) input(s)")
        }
        try modelLandscape.validate()
    }

    mutating func run() async throws {
        if modelLandscape.model != nil {
            try await modelLandscape.run(out: out, json: output.json)
            return
        }
        let starts = start.isEmpty ? [function.defaultStart] : start.map(\.coordinates)
        let rates = learningRates.isEmpty ? [function.defaultLearningRate] : learningRates
        let paths = starts.flatMap { start in
            rates.map { DescentPath(function, from: start, learningRate: $0, momentum: momentum, steps: steps ?? function.defaultSteps) }
        }
        let svg = try function.dimension == 1 ? curve(paths).svg() : contour(paths).svg()
        try Output.write(svg, to: out)
        if output.json {
            Format.printJSON(["out": out, "function": function.rawValue, "runs": paths.map { path in
                ["start": path.points[0], "learning_rate": path.learningRate, "momentum": path.momentum, "diverged": path.diverged,
                 "points": path.points, "values": path.values] as [String: Any]
            }])
            return
        }
        emit("Gradient descent on \(function.formula); wrote \(out).")
        for (index, path) in paths.enumerated() {
            emit("Run \(index + 1): \(runName(path))")
            for (step, (point, value)) in zip(path.points, path.values).enumerated() {
                emit("  step \(String(step).padding(toLength: 4, withPad: " ", startingAt: 0)) \(pointText(point))  f = \(NumberText.short(value))")
            }
            emit(path.diverged ? "  stopped: the steps grew without bound (learning rate too large)"
                 : "  ended at \(pointText(path.end)), f = \(NumberText.short(path.values.last ?? 0))")
        }
    }

    func pointText(_ point: [Double]) -> String {
        let names = ["x", "y"]
        return point.enumerated().map { "\(names[$0.offset]) = \(String(format: "%+.4f", $0.element))" }.joined(separator: ", ")
    }

    func runName(_ path: DescentPath) -> String {
        let start = path.points[0].map { NumberText.short($0) }.joined(separator: ", ")
        return "start (\(start)), rate \(NumberText.short(path.learningRate))"
            + (momentum > 0 ? ", momentum \(NumberText.short(momentum))" : "") + (path.diverged ? " (diverged)" : "")
    }

    func curve(_ paths: [DescentPath]) -> Figure {
        let domain = function.domain[0]
        let samples = (0...400).map { domain.lowerBound + Double($0) / 400 * (domain.upperBound - domain.lowerBound) }
        let curve = LineChart.Series(name: function.formula, points: samples.map { (x: $0, y: function.value([$0])) }, color: .darkGray)
        let heights = curve.points.map(\.y)
        let runs = paths.enumerated().map { index, path in
            LineChart.Series(name: runName(path), points: zip(path.points, path.values).map { (x: $0[0], y: $1) },
                             color: Color.series(index), markers: true)
        }
        let chart = LineChart(title: "f and the steps of gradient descent", xLabel: "x", yLabel: "f(x)", series: [curve] + runs,
                              xRange: domain, yRange: (heights.min() ?? 0) - 0.5...(heights.max() ?? 1))
        return Figure(title: "Rolling downhill on \(function.formula)",
                      notes: ["each dot is one step x ← x − η f′(x); the lower valley is at x ≈ −1.30, the higher one at x ≈ 1.13"],
                      panels: [chart], panelWidth: 620, panelHeight: 420)
    }

    func contour(_ paths: [DescentPath]) -> ContourMap {
        let (xs, ys) = (function.domain[0], function.domain[1])
        let resolution = 161
        let values = (0..<resolution).map { row in
            (0..<resolution).map { column in
                function.value([xs.lowerBound + Double(column) / Double(resolution - 1) * (xs.upperBound - xs.lowerBound),
                                ys.lowerBound + Double(row) / Double(resolution - 1) * (ys.upperBound - ys.lowerBound)])
            }
        }
        return ContourMap(
            title: "Gradient descent on \(function.formula)",
            notes: ["each dot is one step (x, y) ← (x, y) − η ∇f" + (momentum > 0 ? " with momentum \(NumberText.short(momentum))" : "")],
            xLabel: "x", yLabel: "y", valueLabel: "f(x, y)", xRange: xs, yRange: ys, values: values,
            logarithmic: function.hasSteepWalls,
            paths: paths.enumerated().map { ContourMap.Path(name: runName($1), points: $1.points.map { (x: $0[0], y: $0[1]) }, color: Color.series($0)) },
            marks: function.globalMinima.enumerated().map { index, point in
                ContourMap.Mark(name: index == 0 ? "lowest point" + (function.globalMinima.count > 1 ? "s" : "") : "", x: point[0], y: point[1])
            })
    }
}
