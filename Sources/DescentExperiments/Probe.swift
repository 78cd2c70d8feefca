// Experiments: the video's claims about a trained network, made checkable: what it says about
// noise, what it "dreams", whether it can memorise random labels, what gradient descent does on a
// landscape, and which nudges to the weights matter most. Results are values; nothing is printed
// and nothing is drawn here. Public are the video's experiments a program would run itself (Probe,
// Dream, Memorization with LabelNoise, TestFunction with DescentPath); the studies that only the
// command line and the web explorer show (gradients, neurons, minima, landscapes) are `package`.

public import DescentDatasets
public import DescentNetwork
public import DescentLinearAlgebra
import DescentTraining

/// A kind of input shown to a network to see what it says about things that are not digits.
public enum ProbeKind: String, CaseIterable, Sendable {
    /// Real test images, for comparison.
    case test
    /// Every pixel uniform in 0...255.
    case uniformNoise = "uniform-noise"
    /// Every pixel N(0.5, 0.25²) of full ink, clamped to 0...1.
    case gaussianNoise = "gaussian-noise"
    /// Every pixel 0: an empty page.
    case blank
    /// Every pixel 255: a page all ink.
    case white
    /// Test images with ink and paper swapped (255 − pixel).
    case inverted

    /// A few words for people: what the input is.
    public var summary: String {
        switch self {
        case .test: return "test images"
        case .uniformNoise: return "uniform noise"
        case .gaussianNoise: return "Gaussian noise"
        case .blank: return "blank (all 0)"
        case .white: return "white (all 255)"
        case .inverted: return "inverted digits"
        }
    }

    /// Whether the inputs carry real digit labels (so accuracy means something).
    public var hasLabels: Bool { self == .test || self == .inverted }
}

/// What a network answered for one kind of input.
public struct ProbeReport: Sendable {
    /// One input and the network's answer, for pictures.
    public struct Example: Sendable {
        /// The input, 0 background and 255 ink.
        public let pixels: [UInt8]
        /// The network's answer.
        public let digit: Int
        /// The largest output: how sure it is.
        public let topOutput: Double
        /// The true digit, for kinds with labels.
        public let label: Int?
    }

    /// The kind of input.
    public let kind: ProbeKind
    /// The top output counted as confident: at least this.
    public let threshold: Double
    /// The largest output for each input, in input order.
    public let topOutputs: [Double]
    /// How many inputs got each answer.
    public let digitCounts: [Int]
    /// The share answered right, for kinds with labels.
    public let accuracy: Double?
    /// The first few inputs with their answers.
    public let examples: [Example]

    /// The number of inputs.
    public var count: Int { topOutputs.count }
    /// How many inputs got a top output of at least `threshold`.
    public var confidentCount: Int { topOutputs.filter { $0 >= threshold }.count }
    /// `confidentCount` as a share of `count`.
    public var confidentShare: Double { count == 0 ? 0 : Double(confidentCount) / Double(count) }
    /// The mean of the top outputs.
    public var meanTopOutput: Double { count == 0 ? 0 : topOutputs.reduce(0, +) / Double(count) }

    /// The top output below which a share `q` (0...1) of the inputs fall (nearest rank).
    public func quantile(_ q: Double) -> Double {
        let sorted = topOutputs.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
    }

    /// Counts of the top outputs in `bins` equal bins over 0...1.
    public func histogram(bins: Int = 10) -> [Int] {
        var counts = [Int](repeating: 0, count: bins)
        for value in topOutputs { counts[min(bins - 1, max(0, Int(value * Double(bins))))] += 1 }
        return counts
    }
}

/// Feeds a network inputs that are not digits, and some that are, and reports its answers.
public enum Probe {
    /// Runs every kind in `kinds` on `count` inputs each.
    /// - Parameters:
    ///   - network: A network with `test.pixelCount` inputs.
    ///   - kinds: The kinds of input to feed it, each reported on its own.
    ///   - count: How many inputs of each kind.
    ///   - test: Test images, for the `test` and `inverted` kinds (drawn at random, with replacement
    ///     only if `count` exceeds them).
    ///   - threshold: The top output counted as confident.
    ///   - exampleCount: How many inputs of each kind to keep for pictures.
    ///   - generator: The source of the noise and of the choice of test images.
    /// - Complexity: O(kinds · count · parameterCount).
    public static func run(
        _ network: Network<Float>, kinds: [ProbeKind] = ProbeKind.allCases, count: Int = 1000, test: LabeledImages,
        threshold: Double = 0.9, exampleCount: Int = 8, using generator: inout some RandomNumberGenerator
    ) -> [ProbeReport] {
        kinds.map { kind in
            let inputs = self.inputs(kind, count: count, test: test, using: &generator)
            let evaluation = Evaluation(network: network, on: inputs)
            var digitCounts = [Int](repeating: 0, count: network.outputCount)
            for digit in evaluation.predictions { digitCounts[digit] += 1 }
            let examples = (0..<min(exampleCount, inputs.count)).map { index in
                ProbeReport.Example(pixels: Array(inputs.image(index)), digit: evaluation.predictions[index],
                                    topOutput: Double(evaluation.confidences[index]),
                                    label: kind.hasLabels ? Int(inputs.labels[index]) : nil)
            }
            return ProbeReport(kind: kind, threshold: threshold, topOutputs: evaluation.confidences.map(Double.init),
                               digitCounts: digitCounts, accuracy: kind.hasLabels ? evaluation.accuracy : nil,
                               examples: examples)
        }
    }

    /// `count` inputs of `kind`, labelled with their digit where they have one and 0 otherwise.
    public static func inputs(
        _ kind: ProbeKind, count: Int, test: LabeledImages, using generator: inout some RandomNumberGenerator
    ) -> LabeledImages {
        let size = test.pixelCount
        var pixels: [UInt8] = []
        pixels.reserveCapacity(count * size)
        var labels = [UInt8](repeating: 0, count: count)
        let chosen = kind.hasLabels ? sample(count, of: test.count, using: &generator) : []
        for index in 0..<count {
            switch kind {
            case .test, .inverted:
                labels[index] = test.labels[chosen[index]]
                pixels += kind == .test ? Array(test.image(chosen[index])) : test.image(chosen[index]).map { 255 - $0 }
            case .uniformNoise:
                for _ in 0..<size { pixels.append(UInt8(generator.uniformInt(below: 256))) }
            case .gaussianNoise:
                for _ in 0..<size {
                    let value = min(max(0.5 + 0.25 * generator.standardNormal(), 0), 1)
                    pixels.append(UInt8((value * 255).rounded()))
                }
            case .blank:
                pixels += [UInt8](repeating: 0, count: size)
            case .white:
                pixels += [UInt8](repeating: 255, count: size)
            }
        }
        return LabeledImages(rows: test.rows, columns: test.columns, pixels: pixels, labels: labels)
    }

    /// `count` indices below `total`: distinct (the start of a shuffle) when `count <= total`,
    /// otherwise drawn with replacement.
    static func sample(_ count: Int, of total: Int, using generator: inout some RandomNumberGenerator) -> [Int] {
        precondition(total > 0, "Probe: no test images to draw from")
        guard count <= total else { return (0..<count).map { _ in generator.uniformInt(below: total) } }
        var order = Array(0..<total)
        generator.shuffle(&order)
        return Array(order.prefix(count))
    }
}
