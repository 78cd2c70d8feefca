import DescentFileIO

/// MNIST (or Fashion-MNIST) split as in Nielsen's book: training is the first 50,000 training
/// images, validation the last 10,000, and test the 10,000 test images.
public struct MNIST: Sendable {
    /// Which data set the files hold: the digits or Fashion-MNIST.
    public let kind: DatasetKind
    /// The first 50,000 of the 60,000 training images.
    public let training: LabeledImages
    /// The last 10,000 training images, held out to choose hyperparameters and epochs.
    public let validation: LabeledImages
    /// The 10,000 test images, for the final measurement only.
    public let test: LabeledImages

    /// The number of training images held out for validation.
    public static let validationCount = 10_000

    /// Loads the four files from `folder`, gzip-compressed or not, and checks them.
    ///
    /// - Parameters:
    ///   - folder: A folder holding `train-images-idx3-ubyte(.gz)` and the three others.
    ///   - kind: Which data set the files are; it only names the classes.
    ///   - trainOnAll: Train on all 60,000 training images; validation is then still the last 10,000,
    ///     which the network has seen, so it measures fit, not generalisation.
    ///   - cache: Where the gzip files' decompressed content is kept between runs (`UnpackedCache`),
    ///     if anywhere: the next load skips the inflate, a tenth of a second.
    /// - Throws: `MNISTError.missingFile` naming the first missing file, or the reader's error.
    public init(folder: String, kind: DatasetKind = .mnist, trainOnAll: Bool = false, cache: UnpackedCache? = nil) throws {
        let all = try Self.load(images: kind.trainingImages, labels: kind.trainingLabels, in: folder, cache: cache)
        test = try Self.load(images: kind.testImages, labels: kind.testLabels, in: folder, cache: cache)
        guard all.count > Self.validationCount else {
            throw MNISTError.tooFew(folder: folder, expected: Self.validationCount + 1, found: all.count)
        }
        let split = all.count - Self.validationCount
        self.kind = kind
        validation = all.slice(split..<all.count)
        // The file's own buffer, in huge pages where possible (`Gzip`, `UnpackedCache`): no copy.
        training = trainOnAll ? all : (consume all).keepingFirst(split)
    }

    /// Whether `folder` holds all four files of `kind`, compressed or not.
    public static func isPresent(in folder: String, kind: DatasetKind = .mnist) -> Bool {
        kind.files.allSatisfy { path(of: $0, in: folder) != nil }
    }

    static func path(of file: DatasetKind.File, in folder: String) -> String? {
        [file.gzipName, file.rawName].map { "\(folder)/\($0)" }.first(where: Files.exists)
    }

    static func load(images: DatasetKind.File, labels: DatasetKind.File, in folder: String, cache: UnpackedCache? = nil) throws -> LabeledImages {
        guard let imagePath = path(of: images, in: folder) else {
            throw MNISTError.missingFile(folder: folder, name: images.gzipName)
        }
        guard let labelPath = path(of: labels, in: folder) else {
            throw MNISTError.missingFile(folder: folder, name: labels.gzipName)
        }
        let imageFile = try IDXFile.read(imagePath, expectedRank: 3, cache: cache)
        let labelFile = try IDXFile.read(labelPath, expectedRank: 1, cache: cache)
        return try LabeledImages(images: imageFile, imagePath: imagePath, labels: labelFile, labelPath: labelPath)
    }
}

extension LabeledImages {
    /// Pairs an images file (n x 28 x 28) with a labels file (n), checking that they agree and that
    /// every label is a digit 0...9.
    /// - Throws: `IDXError` or `MNISTError`, naming the file at fault.
    public init(images: IDXFile, imagePath: String, labels: IDXFile, labelPath: String) throws {
        guard images.dimensions.count == 3, images.dimensions[1] == 28, images.dimensions[2] == 28 else {
            throw IDXError.wrongDimensions(source: imagePath, expected: "n x 28 x 28", found: images.dimensions)
        }
        guard labels.dimensions.count == 1, labels.dimensions[0] == images.dimensions[0] else {
            throw MNISTError.countMismatch(images: imagePath, imageCount: images.dimensions[0],
                                           labels: labelPath, labelCount: labels.dimensions.first ?? 0)
        }
        if let bad = labels.bytes.firstIndex(where: { $0 > 9 }) {
            throw MNISTError.labelOutOfRange(source: labelPath, index: bad, value: Int(labels.bytes[bad]))
        }
        self.init(rows: 28, columns: 28, pixels: images.bytes, labels: labels.bytes)
    }
}

/// A data set folder that does not hold a consistent MNIST.
public enum MNISTError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The folder has neither `name` nor `name` without `.gz`.
    case missingFile(folder: String, name: String)
    /// A labels file's count differs from its images file's.
    case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
    /// Label number `index` (from 0) in `source` is `value`, which is not a digit 0...9.
    case labelOutOfRange(source: String, index: Int, value: Int)
    /// The training set has `found` images, too few to hold out `expected` (10,000) for validation and keep some to train on.
    case tooFew(folder: String, expected: Int, found: Int)

    /// One line for a person: the folder or file, and what is missing or inconsistent.
    public var description: String {
        switch self {
        case .missingFile(let folder, let name):
            return "\(folder): \(name) (or its uncompressed form) is missing"
        case .countMismatch(let images, let imageCount, let labels, let labelCount):
            return "\(labels): \(labelCount) labels for the \(imageCount) images of \(images)"
        case .labelOutOfRange(let source, let index, let value):
            return "\(source): label \(index) is \(value); labels must be digits 0...9"
        case .tooFew(let folder, let expected, let found):
            return "\(folder): the training set has \(found) images; at least \(expected) are needed to hold out 10,000 for validation"
        }
    }
}
