public import DescentDatasets
import DescentLinearAlgebra

/// How the labels of a training set are spoiled, for the memorisation experiment (Zhang, Bengio,
/// Hardt, Recht & Vinyals, "Understanding deep learning requires rethinking generalization", 2017).
public enum LabelNoise: Equatable, Sendable {
    /// The true labels.
    case none
    /// Each label, with this probability, replaced by a class drawn uniformly (which may be the
    /// true one again): Zhang et al.'s "partially corrupted labels".
    case replaced(probability: Double)
    /// The labels in a random order: every image gets some other image's label, so the classes
    /// keep their sizes but the labels say nothing about the pictures.
    case shuffled

    /// A short name for charts and tables.
    public var name: String {
        switch self {
        case .none: return "true labels"
        case .replaced(let probability): return "\(Int((probability * 100).rounded()))% replaced"
        case .shuffled: return "shuffled labels"
        }
    }

    /// The experiment's four variants: true, 20% and 50% replaced, shuffled.
    public static let standard: [LabelNoise] = [.none, .replaced(probability: 0.2), .replaced(probability: 0.5), .shuffled]
}

extension LabeledImages {
    /// The same images with labels spoiled by `noise`.
    /// - Parameters:
    ///   - noise: How the labels are spoiled: none, a share replaced at random, or all shuffled.
    ///   - classCount: Classes a replaced label is drawn from.
    ///   - generator: The source of every draw.
    /// - Complexity: O(count).
    public func relabeled(_ noise: LabelNoise, classCount: Int = 10, using generator: inout some RandomNumberGenerator) -> LabeledImages {
        var labels = self.labels
        switch noise {
        case .none:
            break
        case .replaced(let probability):
            for index in labels.indices where generator.uniformDouble() < probability {
                labels[index] = UInt8(generator.uniformInt(below: classCount))
            }
        case .shuffled:
            generator.shuffle(&labels)
        }
        return LabeledImages(rows: rows, columns: columns, pixels: pixels, labels: labels)
    }

    /// The share of labels equal to `other`'s, image by image.
    public func labelAgreement(with other: LabeledImages) -> Double {
        precondition(count == other.count, "labelAgreement: \(count) and \(other.count) labels")
        guard count > 0 else { return 1 }
        return Double(zip(labels, other.labels).filter { $0 == $1 }.count) / Double(count)
    }
}
