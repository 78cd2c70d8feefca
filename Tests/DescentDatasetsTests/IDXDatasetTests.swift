import DescentDatasets
import DescentFileIO
import DescentTestSupport
import Testing

@Suite("Any IDX data set")
struct IDXDatasetTests {
    /// An IDX file of unsigned bytes with the given dimensions (big-endian sizes, as the format says).
    func idx(_ dimensions: [Int], _ bytes: [UInt8]) -> [UInt8] {
        var file: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for size in dimensions { file += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: size >> $0) } }
        return file + bytes
    }

    @Test("images of any size and labels of any number of classes, a tenth held out for validation")
    func emnistLike() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (rows, columns, count) = (5, 7, 40)
        try Files.writeAtomically(idx([count, rows, columns], (0..<(count * rows * columns)).map { UInt8($0 % 251) }),
                                  to: folder.file("letters-train-images-idx3-ubyte"))
        try Files.writeAtomically(idx([count], (0..<count).map { UInt8(1 + $0 % 26) }), to: folder.file("letters-train-labels-idx1-ubyte"))
        try Files.writeAtomically(idx([3, rows, columns], [UInt8](repeating: 9, count: 3 * rows * columns)), to: folder.file("letters-test-images-idx3-ubyte"))
        try Files.writeAtomically(idx([3], [1, 2, 26]), to: folder.file("letters-test-labels-idx1-ubyte"))
        let set = try IDXDataset(prefix: folder.file("letters"))
        #expect(set.classCount == 27)
        #expect(set.training.count == 36 && set.validation.count == 4 && set.test.count == 3)
        #expect(set.training.rows == 5 && set.training.columns == 7)
    }

    @Test("a missing file is named")
    func missing() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        #expect(throws: MNISTError.self) { try IDXDataset(prefix: folder.file("nothing")) }
        do {
            _ = try IDXDataset(prefix: folder.file("nothing"))
        } catch {
            #expect("\(error)".contains("nothing-train-images-idx3-ubyte"))
        }
    }
}
