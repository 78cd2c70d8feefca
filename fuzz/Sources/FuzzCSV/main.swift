// libFuzzer target: any bytes given to the CSV reader (`descent train --csv`) either parse to a
// table whose features, labels and names agree in count, or throw CSVError. The first byte chooses
// whether the classes come from the file or are given (as when a test file is read by a trained
// model's classes). Never a trap, an out-of-bounds access or an allocation the input's size does not
// justify.
import Descent
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func fuzzCSV(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let buffer = UnsafeBufferPointer(start: start, count: count)
    let known: [String]? = buffer[0] % 2 == 0 ? nil : ["0", "1", "inner", "outer"]
    let table: CSVDataset
    do {
        table = try CSVDataset.parse(Array(buffer.dropFirst()), source: "fuzz", labelColumn: "label", classNames: known)
    } catch {
        return 0  // Typed throws: always a CSVError.
    }
    let examples = table.examples
    precondition(examples.features.rows == examples.labels.count, "csv: \(examples.features.rows) rows, \(examples.labels.count) labels")
    precondition(examples.features.columns == table.featureNames.count, "csv: \(examples.features.columns) columns, \(table.featureNames.count) names")
    precondition(examples.labels.allSatisfy { table.classNames.indices.contains($0) }, "csv: a label outside \(table.classNames.count) classes")
    precondition(examples.features.elements.allSatisfy(\.isFinite), "csv: a feature that is not finite")
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzCSV))
