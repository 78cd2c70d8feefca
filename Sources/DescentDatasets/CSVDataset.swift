import DescentFileIO
import DescentLinearAlgebra

/// A table of examples from a CSV file: a header line naming the columns, then one example a line,
/// every column a number except the label column, whose values (any text) name the classes.
///
/// ```
/// x,y,label
/// 0.25,-1.5,inner
/// 1.75,0.5,outer
/// ```
/// Fields may be quoted (`"1,5"` is one field); lines end with LF or CRLF; an empty last line is
/// ignored. Every error names the file, the line (counting the header as line 1) and the column.
public struct CSVDataset: Sendable {
    /// The features and the labels as class indices.
    public let examples: LabeledFeatures
    /// The class names, index by index: label `i` is `classNames[i]`.
    public let classNames: [String]
    /// The names of the feature columns, in order.
    public let featureNames: [String]

    /// Reads and checks a CSV file.
    /// - Parameters:
    ///   - path: The file.
    ///   - labelColumn: The header name of the column holding the labels.
    ///   - classNames: The classes a trained model knows, to read a test file by; nil to take them
    ///     from this file (sorted: numerically when every label is a number, else as text).
    /// - Throws: `FileError` when the file cannot be read; `CSVError` naming the file, line and column.
    public static func read(_ path: String, labelColumn: String, classNames: [String]? = nil) throws -> CSVDataset {
        try parse(Files.read(path), source: path, labelColumn: labelColumn, classNames: classNames)
    }

    /// Parses the bytes of a CSV file; `source` names it in errors.
    /// - Throws: `CSVError`.
    public static func parse(_ bytes: [UInt8], source: String, labelColumn: String, classNames known: [String]? = nil) throws(CSVError) -> CSVDataset {
        var lines = try CSVLines(bytes, source: source).all()
        while let last = lines.last, last.fields == [""] { lines.removeLast() }
        guard let header = lines.first else { throw .empty(source: source) }
        guard let labelIndex = header.fields.firstIndex(of: labelColumn) else {
            throw .missingLabelColumn(source: source, column: labelColumn, found: header.fields)
        }
        let body = lines.dropFirst()
        guard !body.isEmpty else { throw .empty(source: source) }
        let width = header.fields.count
        var values: [Float] = []
        values.reserveCapacity(body.count * (width - 1))
        var labelTexts: [String] = []
        for line in body {
            guard line.fields.count == width else {
                throw .ragged(source: source, line: line.number, fields: line.fields.count, expected: width)
            }
            for (column, field) in line.fields.enumerated() {
                if column == labelIndex { labelTexts.append(field); continue }
                let trimmed = field.trimmingSpaces
                guard let value = Float(trimmed) else {
                    throw .notANumber(source: source, line: line.number, column: header.fields[column], value: field)
                }
                guard value.isFinite else { throw .notFinite(source: source, line: line.number, column: header.fields[column], value: field) }
                values.append(value)
            }
        }
        let names = known ?? Self.sortedClasses(labelTexts)
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var labels: [Int] = []
        labels.reserveCapacity(labelTexts.count)
        for (offset, text) in labelTexts.enumerated() {
            guard let label = index[text] ?? index[text.trimmingSpaces] else {
                throw .unknownLabel(source: source, line: body[body.startIndex + offset].number, column: labelColumn, value: text, known: names)
            }
            labels.append(label)
        }
        let examples: LabeledFeatures
        do {
            examples = try LabeledFeatures(features: Matrix(rows: labels.count, columns: width - 1, elements: values), labels: labels)
        } catch {
            throw .empty(source: source)  // unreachable: counts and finiteness were checked above
        }
        var featureNames = header.fields
        featureNames.remove(at: labelIndex)
        return CSVDataset(examples: examples, classNames: names, featureNames: featureNames)
    }

    /// The distinct labels, numerically when every one is a number, else as text.
    static func sortedClasses(_ labels: [String]) -> [String] {
        let distinct = Array(Set(labels))
        let numbers = distinct.map { Double($0.trimmingSpaces) }
        if numbers.allSatisfy({ $0 != nil }) {
            return zip(distinct, numbers).sorted { ($0.1!, $0.0) < ($1.1!, $1.0) }.map(\.0)
        }
        return distinct.sorted()
    }
}

/// One line of a CSV file: its number (the header is 1) and its fields.
struct CSVLine: Equatable {
    let number: Int
    let fields: [String]
}

/// Splits CSV bytes into lines of fields, honouring quotes.
struct CSVLines {
    let bytes: [UInt8]
    let source: String

    init(_ bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    func all() throws(CSVError) -> [CSVLine] {
        var lines: [CSVLine] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var quoteLine = 1  // where the open quote began
        var lineNumber = 1
        var index = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { lineNumber += 1 }
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") && field.isEmpty {
                quoted = true
                quoteLine = lineNumber
            } else if byte == UInt8(ascii: ",") {
                endField()
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                endField()
                lines.append(CSVLine(number: lineNumber, fields: fields))
                fields = []
                lineNumber += 1
            } else {
                field.append(byte)
            }
            index += 1
        }
        if quoted { throw .unterminatedQuote(source: source, line: quoteLine) }
        if !field.isEmpty || !fields.isEmpty {
            endField()
            lines.append(CSVLine(number: lineNumber, fields: fields))
        }
        return lines
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(scalars[first...last])
    }
}

/// A CSV file that cannot be read as examples. Each names the file, the line and the column.
public enum CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file has no header line, or a header and no line of values.
    case empty(source: String)
    /// The header has no column named `column`; `found` lists the columns it has.
    case missingLabelColumn(source: String, column: String, found: [String])
    /// Line `line` (from 1) has `fields` fields where the header has `expected`.
    case ragged(source: String, line: Int, fields: Int, expected: Int)
    /// A feature column holds `value`, which is not a decimal number.
    case notANumber(source: String, line: Int, column: String, value: String)
    /// A feature column holds `value`, which reads as NaN or infinity.
    case notFinite(source: String, line: Int, column: String, value: String)
    /// The label `value` is not among the `known` class names (a validation or test file naming a class
    /// the training file does not have).
    case unknownLabel(source: String, line: Int, column: String, value: String, known: [String])
    /// A quoted field opened on line `line` is never closed.
    case unterminatedQuote(source: String, line: Int)

    /// One line for a person: the file, the line and column, what was found and what was expected.
    public var description: String {
        switch self {
        case .empty(let source):
            return "\(source): the file has no examples; expected a header line and at least one line of values"
        case .missingLabelColumn(let source, let column, let found):
            return "\(source), line 1: no column named \"\(column)\" for the labels; the columns are \(found.map { "\"\($0)\"" }.joined(separator: ", "))"
        case .ragged(let source, let line, let fields, let expected):
            return "\(source), line \(line): \(fields) fields; expected \(expected), as the header has"
        case .notANumber(let source, let line, let column, let value):
            return "\(source), line \(line), column \"\(column)\": \"\(value)\" is not a number"
        case .notFinite(let source, let line, let column, let value):
            return "\(source), line \(line), column \"\(column)\": \(value) is not a finite number"
        case .unknownLabel(let source, let line, let column, let value, let known):
            let list = known.prefix(20).map { "\"\($0)\"" }.joined(separator: ", ") + (known.count > 20 ? ", …" : "")
            return "\(source), line \(line), column \"\(column)\": the label \"\(value)\" was not seen in training; the model knows \(list)"
        case .unterminatedQuote(let source, let line):
            return "\(source), line \(line): a quoted field is not closed"
        }
    }
}
