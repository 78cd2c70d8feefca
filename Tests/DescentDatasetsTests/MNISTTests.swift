import DescentDatasets
import DescentFileIO
import DescentTestSupport
import Foundation
import Testing

@Suite("MNIST folders")
struct MNISTTests {
    /// Writes a small MNIST-shaped folder: `training` training images and `test` test images.
    func makeFolder(training: Int = 10_010, test: Int = 20, labels: ((Int) -> UInt8)? = nil, gzip: Bool = true) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        let label = labels ?? { UInt8($0 % 10) }
        func write(_ name: String, _ bytes: [UInt8]) throws {
            try Files.writeAtomically(gzip ? Gzip.compress(bytes) : bytes, to: folder.file(gzip ? name + ".gz" : name))
        }
        try write("train-images-idx3-ubyte", idx([training, 28, 28], payload: [UInt8](repeating: 3, count: training * 784)))
        try write("train-labels-idx1-ubyte", idx([training], payload: (0..<training).map(label)))
        try write("t10k-images-idx3-ubyte", idx([test, 28, 28], payload: [UInt8](repeating: 4, count: test * 784)))
        try write("t10k-labels-idx1-ubyte", idx([test], payload: (0..<test).map(label)))
        return folder
    }

    @Test("splits as in Nielsen's book, gzip or not", arguments: [true, false])
    func splits(gzip: Bool) throws {
        let folder = try makeFolder(gzip: gzip)
        defer { folder.remove() }
        #expect(MNIST.isPresent(in: folder.path))
        let mnist = try MNIST(folder: folder.path)
        #expect(mnist.training.count == 10)
        #expect(mnist.validation.count == 10_000)
        #expect(mnist.test.count == 20)
        #expect(mnist.training.labels == (0..<10).map { UInt8($0) })
        #expect(mnist.validation.labels.first == 0)  // image 10 of the training file
        let all = try MNIST(folder: folder.path, trainOnAll: true)
        #expect(all.training.count == 10_010)
    }

    @Test("the tests find the four files gzipped or not, and only all four", arguments: [true, false])
    func testDataLookup(gzip: Bool) throws {
        let folder = try makeFolder(gzip: gzip)
        defer { folder.remove() }
        #expect(TestData.holdsMNIST(folder.path))
        try FileManager.default.removeItem(atPath: folder.file(gzip ? "t10k-labels-idx1-ubyte.gz" : "t10k-labels-idx1-ubyte"))
        #expect(!TestData.holdsMNIST(folder.path))
    }

    @Test("the real MNIST un-gzipped into a folder of plain files is found and loads as the gzipped files do",
          .enabled(if: TestData.mnistFolder != nil || TestData.isCI, "needs ../shared/mnist"))
    func realMNISTPlain() throws {
        let source = try #require(TestData.mnistFolder, "MNIST not found; set DESCENT_TEST_MNIST")
        let plain = try TemporaryDirectory("descent-plain-mnist")
        defer { plain.remove() }
        for file in DatasetKind.mnist.files {
            let gzipped = "\(source)/\(file.gzipName)"
            let bytes = try Files.exists(gzipped) ? Gzip.decompress(Files.read(gzipped), source: gzipped) : Files.read("\(source)/\(file.rawName)")
            try Files.writeAtomically(bytes, to: plain.file(file.rawName))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: plain.path).allSatisfy { !$0.hasSuffix(".gz") })
        #expect(TestData.holdsMNIST(plain.path))
        let (fromPlain, fromSource) = (try MNIST(folder: plain.path), try MNIST(folder: source))
        #expect(fromPlain.training.count == 50_000 && fromPlain.test.count == 10_000)
        #expect(fromPlain.training.pixels == fromSource.training.pixels && fromPlain.training.labels == fromSource.training.labels)
        #expect(fromPlain.test.pixels == fromSource.test.pixels && fromPlain.test.labels == fromSource.test.labels)
    }

    @Test("a label outside 0...9 is an error naming the file and index")
    func badLabel() throws {
        let folder = try makeFolder(labels: { $0 == 17 ? 12 : 1 })
        defer { folder.remove() }
        #expect(throws: MNISTError.labelOutOfRange(source: folder.file("train-labels-idx1-ubyte.gz"), index: 17, value: 12)) {
            try MNIST(folder: folder.path)
        }
    }

    @Test("missing files and mismatched counts")
    func missingAndMismatched() throws {
        let empty = try TemporaryDirectory()
        defer { empty.remove() }
        #expect(throws: MNISTError.missingFile(folder: empty.path, name: "train-images-idx3-ubyte.gz")) {
            try MNIST(folder: empty.path)
        }
        let folder = try makeFolder()
        defer { folder.remove() }
        try Files.writeAtomically(Gzip.compress(idx([19])), to: folder.file("t10k-labels-idx1-ubyte.gz"))
        #expect(throws: MNISTError.self) { try MNIST(folder: folder.path) }
        try Files.writeAtomically(Gzip.compress(idx([20, 28, 27])), to: folder.file("t10k-images-idx3-ubyte.gz"))
        #expect(throws: IDXError.self) { try MNIST(folder: folder.path) }
    }

    @Test("the real MNIST loads with its known label counts",
          .enabled(if: TestData.mnistFolder != nil || TestData.isCI, "needs ../shared/mnist"))
    func realMNIST() throws {
        let folder = try #require(TestData.mnistFolder, "MNIST not found; set DESCENT_TEST_MNIST")
        let mnist = try MNIST(folder: folder)
        #expect(mnist.training.count == 50_000)
        #expect(mnist.validation.count == 10_000)
        var counts = Array(repeating: 0, count: 10)
        for label in mnist.test.labels { counts[Int(label)] += 1 }
        #expect(counts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        #expect(mnist.test.labels.prefix(5) == [7, 2, 1, 0, 4])
    }
}
