#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small functions to watch gradient descent on, each with its exact gradient: one of one input
/// with a valley that is not the lowest, and five of two inputs.
public enum TestFunction: String, CaseIterable, Sendable {
    /// f(x) = x⁴ − 3x² + x: a lower valley at x ≈ −1.30 and a higher one at x ≈ 1.13.
    case twoValleys = "two-valleys"
    /// f(x, y) = x² + y².
    case bowl
    /// f(x, y) = x² + 10y²: steep across, shallow along, so large steps zig-zag.
    case elongatedBowl = "elongated-bowl"
    /// f(x, y) = (1 − x)² + 100(y − x²)² (Rosenbrock, 1960): a curved, nearly flat valley.
    case rosenbrock
    /// f(x, y) = (x² + y − 11)² + (x + y² − 7)² (Himmelblau, 1972): four minima, all at 0.
    case himmelblau
    /// f(x, y) = (x² + y²)/10 − cos 3x · cos 3y + 1: a bowl of ripples, the lowest point at the
    /// origin and false minima all around it.
    case wavy

    /// How many inputs it takes: 1 or 2.
    public var dimension: Int { self == .twoValleys ? 1 : 2 }

    /// The formula, for titles.
    public var formula: String {
        switch self {
        case .twoValleys: return "f(x) = x⁴ − 3x² + x"
        case .bowl: return "f(x, y) = x² + y²"
        case .elongatedBowl: return "f(x, y) = x² + 10y²"
        case .rosenbrock: return "f(x, y) = (1 − x)² + 100(y − x²)²"
        case .himmelblau: return "f(x, y) = (x² + y − 11)² + (x + y² − 7)²"
        case .wavy: return "f(x, y) = (x² + y²)/10 − cos 3x cos 3y + 1"
        }
    }

    /// f at `point` (`dimension` numbers).
    public func value(_ point: [Double]) -> Double {
        precondition(point.count == dimension, "\(rawValue): \(point.count) inputs, expected \(dimension)")
        let x = point[0], y = dimension == 2 ? point[1] : 0
        switch self {
        case .twoValleys: return x * x * x * x - 3 * x * x + x
        case .bowl: return x * x + y * y
        case .elongatedBowl: return x * x + 10 * y * y
        case .rosenbrock: return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
        case .himmelblau: return (x * x + y - 11) * (x * x + y - 11) + (x + y * y - 7) * (x + y * y - 7)
        case .wavy: return (x * x + y * y) / 10 - cos(3 * x) * cos(3 * y) + 1
        }
    }

    /// ∇f at `point`, worked out by hand.
    public func gradient(_ point: [Double]) -> [Double] {
        precondition(point.count == dimension, "\(rawValue): \(point.count) inputs, expected \(dimension)")
        let x = point[0], y = dimension == 2 ? point[1] : 0
        switch self {
        case .twoValleys: return [4 * x * x * x - 6 * x + 1]
        case .bowl: return [2 * x, 2 * y]
        case .elongatedBowl: return [2 * x, 20 * y]
        case .rosenbrock: return [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]
        case .himmelblau:
            let a = x * x + y - 11, b = x + y * y - 7
            return [4 * x * a + 2 * b, 2 * a + 4 * y * b]
        case .wavy: return [x / 5 + 3 * sin(3 * x) * cos(3 * y), y / 5 + 3 * cos(3 * x) * sin(3 * y)]
        }
    }

    /// The region drawn: one range for each input.
    public var domain: [ClosedRange<Double>] {
        switch self {
        case .twoValleys: return [-2...2]
        case .bowl, .elongatedBowl: return [-2...2, -2...2]
        case .rosenbrock: return [-2...2, -1...3]
        case .himmelblau: return [-5...5, -5...5]
        case .wavy: return [-3...3, -3...3]
        }
    }

    /// A start that shows the function's lesson with `defaultLearningRate`.
    public var defaultStart: [Double] {
        switch self {
        case .twoValleys: return [1.9]
        case .bowl: return [1.5, 1.2]
        case .elongatedBowl: return [-1.8, 1.0]
        case .rosenbrock: return [-1.5, 2.0]
        case .himmelblau: return [0, 0]
        case .wavy: return [2.2, 1.9]
        }
    }

    /// A learning rate that descends steadily from `defaultStart`.
    public var defaultLearningRate: Double {
        switch self {
        case .twoValleys: return 0.02
        case .bowl: return 0.1
        case .elongatedBowl: return 0.09
        case .rosenbrock: return 0.001
        case .himmelblau: return 0.01
        case .wavy: return 0.02
        }
    }

    /// Enough steps at `defaultLearningRate` to see where the walk goes.
    public var defaultSteps: Int {
        switch self {
        case .twoValleys, .elongatedBowl: return 40
        case .bowl: return 30
        case .rosenbrock: return 1000
        case .himmelblau, .wavy: return 60
        }
    }

    /// Whether its heights are best coloured on a log scale: valleys shallow next to steep walls.
    public var hasSteepWalls: Bool { self == .rosenbrock || self == .himmelblau }

    /// The lowest points, where f is smallest.
    public var globalMinima: [[Double]] {
        switch self {
        case .twoValleys: return [[-1.300840]]
        case .bowl, .elongatedBowl, .wavy: return [[0, 0]]
        case .rosenbrock: return [[1, 1]]
        case .himmelblau: return [[3, 2], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]]
        }
    }
}
