public import DescentLinearAlgebra
import DescentFileIO

/// Examples given as numbers rather than pixels: one row of `width` `Float`s per example, with a
/// class label each. Any width and any number of classes; the network reads the numbers as they
/// are (scale them first if their ranges differ widely).
public struct LabeledFeatures: Equatable, Sendable {
    /// `count x width`, one example a row.
    public let features: Matrix<Float>
    /// One label an example, each in `0..<classCount` of the network that learns them.
    public let labels: [Int]

    /// The number of examples.
    public var count: Int { labels.count }
    /// The number of features in one example.
    public var width: Int { features.columns }

    /// Examples from their rows and labels.
    /// - Throws: `FeaturesError` when the rows and labels disagree in number, a feature is NaN or
    ///   infinite, or a label is negative; each names the row.
    public init(features: Matrix<Float>, labels: [Int]) throws(FeaturesError) {
        guard features.rows == labels.count else { throw .countMismatch(rows: features.rows, labels: labels.count) }
        if let index = features.elements.firstIndex(where: { !$0.isFinite }) {
            throw .notFinite(row: index / max(1, features.columns), column: index % max(1, features.columns))
        }
        if let row = labels.firstIndex(where: { $0 < 0 }) { throw .negativeLabel(row: row, label: labels[row]) }
        self.features = features
        self.labels = labels
    }

    /// Examples from one array of rows, each of the same width.
    /// - Throws: `FeaturesError` as `init(features:labels:)`, or `.ragged` naming the first row of another width.
    public init(rows: [[Float]], labels: [Int]) throws(FeaturesError) {
        let width = rows.first?.count ?? 0
        if let row = rows.firstIndex(where: { $0.count != width }) { throw .ragged(row: row, width: rows[row].count, expected: width) }
        try self.init(features: Matrix(rows: rows.count, columns: width, elements: rows.flatMap { $0 }), labels: labels)
    }

    /// For slices of a set already checked.
    private init(checked features: Matrix<Float>, labels: [Int]) {
        self.features = features
        self.labels = labels
    }

    /// The features of example `index`.
    public func row(_ index: Int) -> ArraySlice<Float> {
        features.elements[index * width ..< (index + 1) * width]
    }

    /// The examples in `range`, in order.
    public func slice(_ range: Range<Int>) -> LabeledFeatures {
        LabeledFeatures(checked: Matrix(rows: range.count, columns: width,
                                        elements: Array(features.elements[range.lowerBound * width ..< range.upperBound * width])),
                        labels: Array(labels[range]))
    }

    /// SHA-256 of the features (little-endian IEEE 754) followed by the labels (as 64-bit
    /// little-endian integers), lowercase hex: identifies the data a model saw.
    public var sha256: String {
        var hasher = SHA256()
        features.elements.withUnsafeBytes { hasher.update($0) }
        labels.map { Int64($0).littleEndian }.withUnsafeBytes { hasher.update($0) }
        return SHA256.hex(hasher.finalize())
    }
}

/// Features that cannot be trained on.
public enum FeaturesError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `rows` rows of features came with `labels` labels.
    case countMismatch(rows: Int, labels: Int)
    /// Row `row` (from 0) has `width` features where the first row has `expected`.
    case ragged(row: Int, width: Int, expected: Int)
    /// The feature at `row`, `column` (both from 0) is NaN or infinite.
    case notFinite(row: Int, column: Int)
    /// Row `row`'s label is negative.
    case negativeLabel(row: Int, label: Int)

    /// One line for a person: the row, what was found and what was expected.
    public var description: String {
        switch self {
        case .countMismatch(let rows, let labels): return "\(rows) rows of features but \(labels) labels; expected one label a row"
        case .ragged(let row, let width, let expected): return "row \(row) has \(width) features; expected \(expected), as the first row has"
        case .notFinite(let row, let column): return "row \(row), column \(column) is NaN or infinite; expected a finite number"
        case .negativeLabel(let row, let label): return "row \(row) has label \(label); expected 0 or more"
        }
    }
}
