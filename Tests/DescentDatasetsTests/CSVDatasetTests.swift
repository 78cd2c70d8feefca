import DescentDatasets
import Testing

@Suite("CSV examples")
struct CSVDatasetTests {
    func parse(_ text: String, labelColumn: String = "label", classNames: [String]? = nil) throws(CSVError) -> CSVDataset {
        try CSVDataset.parse(Array(text.utf8), source: "t.csv", labelColumn: labelColumn, classNames: classNames)
    }

    @Test("numeric columns become features, the label column classes; quotes and CRLF are read")
    func reads() throws {
        let table = try parse("a,label,b\r\n1.5,cat,-2\r\n\"3\",dog,4e1\r\n0,cat,0\r\n")
        #expect(table.classNames == ["cat", "dog"])
        #expect(table.featureNames == ["a", "b"])
        #expect(table.examples.labels == [0, 1, 0])
        #expect(Array(table.examples.row(1)) == [3, 40])
    }

    @Test("numeric labels sort as numbers")
    func numericLabels() throws {
        #expect(try parse("x,label\n1,10\n2,2\n3,1\n").classNames == ["1", "2", "10"])
    }

    @Test("bad files are refused with the file, the line and the column", arguments: [
        ("", "t.csv: the file has no examples"),
        ("x,label\n", "t.csv: the file has no examples"),
        ("x,kind\n1,a\n", "t.csv, line 1: no column named \"label\""),
        ("x,y,label\n1,2,a\n3,4\n", "t.csv, line 3: 2 fields; expected 3"),
        ("x,label\n1,a\nseven,b\n", "t.csv, line 3, column \"x\": \"seven\" is not a number"),
        ("x,label\n1,a\nNaN,b\n", "t.csv, line 3, column \"x\": NaN is not a finite number"),
        ("x,label\n1,a\ninf,b\n", "t.csv, line 3, column \"x\": inf is not a finite number"),
        ("x,label\n1,\"a\n", "t.csv, line 2: a quoted field is not closed"),
    ])
    func refusals(text: String, message: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test("a label that was not seen in training is refused, naming it and what is known")
    func unseenLabel() {
        #expect(throws: CSVError.unknownLabel(source: "t.csv", line: 3, column: "label", value: "bird", known: ["cat", "dog"])) {
            try parse("x,label\n1,dog\n2,bird\n", classNames: ["cat", "dog"])
        }
    }

    @Test("features refuse NaN, ragged rows and mismatched labels, naming the row")
    func features() {
        #expect(throws: FeaturesError.notFinite(row: 1, column: 0)) { try LabeledFeatures(rows: [[1, 2], [.nan, 0]], labels: [0, 1]) }
        #expect(throws: FeaturesError.ragged(row: 1, width: 1, expected: 2)) { try LabeledFeatures(rows: [[1, 2], [3]], labels: [0, 1]) }
        #expect(throws: FeaturesError.countMismatch(rows: 2, labels: 1)) { try LabeledFeatures(rows: [[1, 2], [3, 4]], labels: [0]) }
        #expect(throws: FeaturesError.negativeLabel(row: 0, label: -1)) { try LabeledFeatures(rows: [[1, 2]], labels: [-1]) }
    }
}
