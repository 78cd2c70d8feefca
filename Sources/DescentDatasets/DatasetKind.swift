// Datasets: MNIST-format data sets from IDX files (raw or gzip), their download, and the
// preparation of a person's image of a digit as MNIST's were prepared. It knows nothing of networks.

/// Which data set in MNIST's IDX format: the digits, or Zalando's Fashion-MNIST.
public enum DatasetKind: String, CaseIterable, Sendable {
    /// LeCun, Cortes & Burges' handwritten digits 0-9, the video's data set.
    case mnist
    /// Zalando's Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 28 x 28 pictures of ten kinds of clothing,
    /// in MNIST's file format and sizes.
    case fashion

    /// One of the four files of a data set, as the public mirrors name it.
    public struct File: Sendable, Equatable {
        /// The compressed name, e.g. `train-images-idx3-ubyte.gz`.
        public let gzipName: String
        /// SHA-256 of the decompressed content, lowercase hex.
        public let sha256: String
        /// The name without `.gz`.
        public var rawName: String { String(gzipName.dropLast(3)) }
    }

    /// The training images, training labels, test images and test labels, in that order.
    public var files: [File] { [trainingImages, trainingLabels, testImages, testLabels] }

    /// The 60,000 training images (`train-images-idx3-ubyte.gz`).
    public var trainingImages: File {
        File(gzipName: "train-images-idx3-ubyte.gz", sha256: hashes[0])
    }
    /// The 60,000 training labels (`train-labels-idx1-ubyte.gz`).
    public var trainingLabels: File {
        File(gzipName: "train-labels-idx1-ubyte.gz", sha256: hashes[1])
    }
    /// The 10,000 test images (`t10k-images-idx3-ubyte.gz`).
    public var testImages: File {
        File(gzipName: "t10k-images-idx3-ubyte.gz", sha256: hashes[2])
    }
    /// The 10,000 test labels (`t10k-labels-idx1-ubyte.gz`).
    public var testLabels: File {
        File(gzipName: "t10k-labels-idx1-ubyte.gz", sha256: hashes[3])
    }

    /// SHA-256 of the decompressed files (the originals; any mirror's `.gz` gunzips to these).
    private var hashes: [String] {
        switch self {
        case .mnist:
            return [
                "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
            ]
        case .fashion:
            return FashionHashes.all
        }
    }

    /// The public mirrors tried in turn by a download, each a URL prefix to which a file name is appended.
    public var defaultMirrors: [String] {
        switch self {
        case .mnist:
            return [
                "https://ossci-datasets.s3.amazonaws.com/mnist/",
                "https://storage.googleapis.com/cvdf-datasets/mnist/",
                "https://yann.lecun.com/exdb/mnist/",
            ]
        case .fashion:
            return [
                "https://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
            ]
        }
    }

    /// The class names, index = label.
    public var classNames: [String] {
        switch self {
        case .mnist:
            return (0...9).map(String.init)
        case .fashion:
            return ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        }
    }
}

/// Filled in from the decompressed files of Debian's `dataset-fashion-mnist`.
enum FashionHashes {
    static let all = [
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ]
}
