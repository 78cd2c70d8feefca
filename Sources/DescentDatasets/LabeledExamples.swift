package import DescentLinearAlgebra

/// Labelled examples as a network learns from them: images kept as bytes (MNIST and its kind,
/// which a run can deskew and distort, and whose lit pixels the first layer can skip to), or rows of
/// `Float` features of any width.
public enum LabeledExamples: Equatable, Sendable {
    /// Images kept as bytes, which a run can deskew and distort.
    case images(LabeledImages)
    /// Rows of `Float` features, read by the network as they are.
    case features(LabeledFeatures)

    /// The number of examples.
    public var count: Int {
        switch self {
        case .images(let images): return images.count
        case .features(let features): return features.count
        }
    }

    /// The numbers in one example: the network's input width.
    public var width: Int {
        switch self {
        case .images(let images): return images.pixelCount
        case .features(let features): return features.width
        }
    }

    /// The label of example `index`.
    public func label(_ index: Int) -> Int {
        switch self {
        case .images(let images): return Int(images.labels[index])
        case .features(let features): return features.labels[index]
        }
    }

    /// Every label, in order.
    public var labels: [Int] {
        switch self {
        case .images(let images): return images.labels.map { Int($0) }
        case .features(let features): return features.labels
        }
    }

    /// The images, when these are images.
    public var images: LabeledImages? {
        if case .images(let images) = self { return images }
        return nil
    }

    /// The first `limit` examples (all of them if there are fewer).
    public func prefix(_ limit: Int) -> LabeledExamples {
        switch self {
        case .images(let images): return .images(images.prefix(limit))
        case .features(let features): return .features(features.slice(0..<min(limit, features.count)))
        }
    }

    /// SHA-256 of the examples and labels, lowercase hex: identifies the data a model saw.
    public var sha256: String {
        switch self {
        case .images(let images): return images.sha256
        case .features(let features): return features.sha256
        }
    }

    /// Writes example `index` into row `row` of `inputs` (width `self.width`), as numbers: bytes
    /// scaled to 0...1, features as they are.
    package func write(_ index: Int, into inputs: inout Matrix<Float>, row: Int) {
        precondition(inputs.columns == width && row < inputs.rows, "LabeledExamples: a \(width)-wide example into row \(row) of \(inputs.rows)x\(inputs.columns)")
        let width = width
        switch self {
        case .images(let images):
            let scale: Float = 1 / 255
            inputs.elements.withUnsafeMutableBufferPointer { values in
                images.image(index).withUnsafeBufferPointer { bytes in
                    guard let target = values.baseAddress.map({ $0 + row * width }), let source = bytes.baseAddress else { return }
                    for offset in 0..<width { target[offset] = Float(source[offset]) * scale }
                }
            }
        case .features(let features):
            inputs.elements.withUnsafeMutableBufferPointer { values in
                features.row(index).withUnsafeBufferPointer { numbers in
                    guard let target = values.baseAddress.map({ $0 + row * width }), let source = numbers.baseAddress else { return }
                    target.update(from: source, count: width)
                }
            }
        }
    }
}

/// Labelled examples, under their former name.
@available(*, deprecated, renamed: "LabeledExamples")
public typealias Examples = LabeledExamples
