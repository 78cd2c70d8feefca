import DescentFileIO

/// Any labelled image set in MNIST's IDX format, of any image size and any number of classes
/// (EMNIST's letters and balanced sets, KMNIST, ...): four files named
/// `<prefix>-train-images-idx3-ubyte`, `<prefix>-train-labels-idx1-ubyte`, `<prefix>-test-images-idx3-ubyte`
/// and `<prefix>-test-labels-idx1-ubyte`, each gzipped (`.gz`) or not. The last tenth of the training
/// images (at most 10,000) is held out for validation, as MNIST's last 10,000 are.
public struct IDXDataset: Sendable {
    /// The training images, less the last tenth held out for validation.
    public let training: LabeledImages
    /// The last tenth of the training file's images (at most 10,000).
    public let validation: LabeledImages
    /// The test file's images.
    public let test: LabeledImages
    /// One more than the largest label in any split: the output layer's size.
    public let classCount: Int

    /// Loads and checks the four files.
    /// - Parameter prefix: The path before `-train-images-idx3-ubyte`, e.g. `emnist/emnist-letters`.
    /// - Throws: `MNISTError.missingFile`, `IDXError` or `MNISTError.countMismatch`, naming the file at fault.
    public init(prefix: String) throws {
        func file(_ name: String) throws -> String {
            let path = "\(prefix)-\(name)"
            if let found = [path + ".gz", path].first(where: Files.exists) { return found }
            throw MNISTError.missingFile(folder: Files.directory(of: path), name: Files.fileName(of: path) + "(.gz)")
        }
        func split(_ images: String, _ labels: String) throws -> LabeledImages {
            let (imagePath, labelPath) = (try file(images), try file(labels))
            let imageFile = try IDXFile.read(imagePath, expectedRank: 3)
            let labelFile = try IDXFile.read(labelPath, expectedRank: 1)
            guard labelFile.dimensions.first == imageFile.dimensions[0] else {
                throw MNISTError.countMismatch(images: imagePath, imageCount: imageFile.dimensions[0],
                                               labels: labelPath, labelCount: labelFile.dimensions.first ?? 0)
            }
            return LabeledImages(rows: imageFile.dimensions[1], columns: imageFile.dimensions[2], pixels: imageFile.bytes, labels: labelFile.bytes)
        }
        let all = try split("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
        test = try split("test-images-idx3-ubyte", "test-labels-idx1-ubyte")
        guard all.count >= 2 else { throw MNISTError.tooFew(folder: prefix, expected: 2, found: all.count) }
        guard test.count == 0 || (test.rows == all.rows && test.columns == all.columns) else {
            throw IDXError.wrongDimensions(source: try file("test-images-idx3-ubyte"), expected: "n x \(all.rows) x \(all.columns), as the training images",
                                           found: [test.count, test.rows, test.columns])
        }
        let held = min(10_000, max(1, all.count / 10))
        training = all.slice(0..<(all.count - held))
        validation = all.slice((all.count - held)..<all.count)
        classCount = Int((all.labels + test.labels).max() ?? 0) + 1
    }
}
