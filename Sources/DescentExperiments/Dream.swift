public import DescentNetwork
public import DescentLinearAlgebra

/// Where gradient ascent on the input starts.
public enum DreamStart: String, CaseIterable, Sendable {
    /// Every pixel uniform in 0...`noiseLevel`.
    case noise
    /// Every pixel 0: an empty page.
    case blank
}

/// How to make an input that excites one neuron.
public struct DreamSettings: Sendable, Equatable {
    /// The neuron to excite: a digit's output, or a hidden neuron.
    public var target: InputGradientTarget
    /// Where the pixels start.
    public var start: DreamStart = .noise
    /// The brightest starting noise. Faint by default: strong noise drives a sigmoid network's
    /// hidden neurons into saturation, where their gradients vanish and the ascent stalls.
    public var noiseLevel: Double = 0.1
    /// How many ascent steps.
    public var steps: Int = 300
    /// The most any pixel moves in one step (the gradient is scaled so its largest component is this).
    public var stepSize: Double = 0.02
    /// λ in the penalty λ · mean(x²): keeps ink sparse.
    public var l2: Double = 0
    /// μ in the penalty μ · mean over neighbouring pixel pairs of (xᵢ − xⱼ)²: keeps strokes smooth.
    public var smoothness: Double = 0

    /// Settings to excite `target`, with the defaults for the rest.
    public init(target: InputGradientTarget) {
        self.target = target
    }
}

/// An input found by gradient ascent, and what the network says about it.
public struct DreamResult: Sendable {
    /// The input, in 0...1.
    public let pixels: [Double]
    /// The target's activation at the start, and after each step.
    public let trace: [Double]
    /// The network's answer for the final input.
    public let prediction: Prediction

    /// The target's activation before the first step.
    public var startValue: Double { trace.first ?? 0 }
    /// The target's activation after the last step.
    public var finalValue: Double { trace.last ?? 0 }
}

/// Gradient ascent on a network's input pixels (Erhan, Bengio, Courville & Vincent, "Visualizing
/// higher-layer features of a deep network", 2009; Simonyan, Vedaldi & Zisserman, 2014): the
/// weights stay fixed and the input moves uphill on the target neuron's activation minus the
/// penalties, each pixel kept within 0...1.
public enum Dream {
    /// Runs the ascent.
    /// - Parameters:
    ///   - network: The network, computed in Float64 here.
    ///   - settings: What to excite, where to start, and for how long.
    ///   - side: The input's width and height, for the smoothness penalty (the input is `side * side`).
    ///   - generator: The source of the starting noise.
    /// - Complexity: O(steps · parameterCount).
    public static func run(
        _ network: Network<Float>, settings: DreamSettings, side: Int, using generator: inout some RandomNumberGenerator
    ) -> DreamResult {
        precondition(side * side == network.inputCount, "Dream: a \(side)x\(side) input for a network of \(network.inputCount)")
        let exact = network.converted(to: Double.self)
        var pixels: [Double] = switch settings.start {
        case .noise: (0..<network.inputCount).map { _ in settings.noiseLevel * generator.uniformDouble() }
        case .blank: [Double](repeating: 0, count: network.inputCount)
        }
        var trace: [Double] = []
        for _ in 0..<settings.steps {
            let (value, gradient) = exact.inputGradient(of: settings.target, at: pixels)
            trace.append(value)
            let ascent = zip(gradient, penaltyGradient(pixels, side: side, settings: settings)).map { $0 - $1 }
            let largest = ascent.map(abs).max() ?? 0
            guard largest > 0 else { break }
            let scale = settings.stepSize / largest
            for index in pixels.indices { pixels[index] = min(max(pixels[index] + scale * ascent[index], 0), 1) }
        }
        trace.append(exact.inputGradient(of: settings.target, at: pixels).value)
        return DreamResult(pixels: pixels, trace: trace, prediction: network.prediction(for: pixels.map { Float($0) }))
    }

    /// The gradient of λ · mean(x²) + μ · mean over horizontal and vertical neighbour pairs of
    /// (xᵢ − xⱼ)².
    static func penaltyGradient(_ x: [Double], side: Int, settings: DreamSettings) -> [Double] {
        var gradient = x.map { 2 * settings.l2 * $0 / Double(x.count) }
        guard settings.smoothness > 0, side > 1 else { return gradient }
        let pairs = Double(2 * side * (side - 1))
        let weight = 2 * settings.smoothness / pairs
        for row in 0..<side {
            for column in 0..<side {
                let index = row * side + column
                for neighbour in [column + 1 < side ? index + 1 : nil, row + 1 < side ? index + side : nil].compactMap({ $0 }) {
                    let difference = weight * (x[index] - x[neighbour])
                    gradient[index] += difference
                    gradient[neighbour] -= difference
                }
            }
        }
        return gradient
    }
}
