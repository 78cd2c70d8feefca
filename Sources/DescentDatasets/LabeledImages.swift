import DescentFileIO
import DescentLinearAlgebra

/// Images with their labels, kept as bytes: `pixels` holds `count` images of `rows x columns`
/// bytes each (0 background, 255 ink), row-major, one after another. A network converts them to
/// numbers in 0...1 batch by batch, so the whole set costs one byte a pixel.
public struct LabeledImages: Equatable, Sendable {
    /// The height of each image in pixels (28 for MNIST).
    public let rows: Int
    /// The width of each image in pixels (28 for MNIST).
    public let columns: Int
    /// `count x rows x columns` bytes, image after image, each row-major: 0 is background, 255 full ink.
    public let pixels: [UInt8]
    /// One label a image, each in 0..<classCount.
    public let labels: [UInt8]

    /// The number of images.
    public var count: Int { labels.count }
    /// The number of pixels in one image.
    public var pixelCount: Int { rows * columns }

    /// Creates a set from its parts.
    /// - Precondition: `pixels.count == labels.count * rows * columns`.
    public init(rows: Int, columns: Int, pixels: [UInt8], labels: [UInt8]) {
        precondition(pixels.count == labels.count * rows * columns,
                     "LabeledImages: \(pixels.count) pixels for \(labels.count) images of \(rows)x\(columns)")
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
        self.labels = labels
    }

    /// The pixels of image `index`.
    public func image(_ index: Int) -> ArraySlice<UInt8> {
        pixels[index * pixelCount ..< (index + 1) * pixelCount]
    }

    /// The images in `range`, in order.
    public func slice(_ range: Range<Int>) -> LabeledImages {
        LabeledImages(rows: rows, columns: columns,
                      pixels: HugePages.copy(pixels[range.lowerBound * pixelCount ..< range.upperBound * pixelCount]),
                      labels: Array(labels[range]))
    }

    /// The first `count` images, kept in this set's own pixel buffer: no copy when the buffer is
    /// not shared.
    consuming func keepingFirst(_ count: Int) -> LabeledImages {
        var pixels = self.pixels
        let labels = Array(self.labels.prefix(count))
        let (rows, columns) = (self.rows, self.columns)
        _ = consume self  // The buffer's last other owner: `pixels` is now unique.
        pixels.removeLast(pixels.count - count * rows * columns)
        return LabeledImages(rows: rows, columns: columns, pixels: pixels, labels: labels)
    }

    /// The first `limit` images (all of them if there are fewer).
    public func prefix(_ limit: Int) -> LabeledImages { slice(0..<min(limit, count)) }

    /// This set followed by `other`.
    public func appending(_ other: LabeledImages) -> LabeledImages {
        precondition(rows == other.rows && columns == other.columns, "LabeledImages: appending different sizes")
        return LabeledImages(rows: rows, columns: columns, pixels: pixels + other.pixels, labels: labels + other.labels)
    }

    /// SHA-256 of the pixels followed by the labels, lowercase hex: identifies the data a model saw.
    public var sha256: String {
        var hasher = SHA256()
        hasher.update(pixels)
        hasher.update(labels)
        return SHA256.hex(hasher.finalize())
    }
}
