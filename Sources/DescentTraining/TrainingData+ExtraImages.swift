public import DescentDatasets
import DescentLinearAlgebra

// A person's own pictures (a folder of them: `ImageFolder`) mixed into a data set's training split.
// A few dozen pictures among 50,000 would be seen too rarely to matter, so each is repeated until
// together they make up a fixed share of every epoch; the shuffle spreads the copies through it, and
// augmentation, when the recipe has it, makes each copy a little different.

extension TrainingData {
    /// The share of an epoch extra pictures make up unless told otherwise: one example in ten.
    public static let defaultExtraShare = 0.1

    /// How many times each of `extraCount` pictures is repeated so that, beside `baseCount` other
    /// training examples, they make up `share` of the training split: the nearest whole number to
    /// `share / (1 - share) · baseCount / extraCount`, at least 1.
    /// - Parameters:
    ///   - extraCount: The pictures mixed in.
    ///   - baseCount: The training examples beside them.
    ///   - share: The share of the training split the pictures are to make up.
    /// - Precondition: `0 < share < 1`, `extraCount > 0`, `baseCount >= 0`.
    public static func repeats(extraCount: Int, baseCount: Int, share: Double) -> Int {
        precondition(share > 0 && share < 1 && extraCount > 0 && baseCount >= 0,
                     "repeats: share \(share), \(extraCount) extra, \(baseCount) base")
        return max(1, Int((share / (1 - share) * Double(baseCount) / Double(extraCount)).rounded()))
    }

    /// This data with `folder`'s pictures added to the training split, each repeated
    /// (`repeats(extraCount:baseCount:share:)`) so that together they make up about `share` of it.
    /// Validation and test stay as they were, so the figures still measure the original data set.
    ///
    /// The model trained on the result records the folder in its metadata: `extra_images` (the
    /// folder's name), `extra_images_count`, `extra_images_repeats`, `extra_images_share` and
    /// `extra_images_sha256` (`ImageFolder.sha256`).
    /// - Parameters:
    ///   - folder: The pictures, prepared (28x28).
    ///   - share: The share of the training split they make up, above 0 and below 1.
    /// - Throws: `TrainingError.configuration` for a share outside 0<..<1; `.data` when the
    ///   training examples are not 28x28 images.
    /// - Complexity: O(training.count + share · training.count) bytes copied.
    public func mixing(_ folder: ImageFolder, share: Double = defaultExtraShare) throws(TrainingError) -> TrainingData {
        try mixing(folder.images, name: folder.name, identity: folder.sha256, source: folder.path, share: share)
    }

    /// The same data with `images` mixed into its training images, as `mixing(_:share:)` mixes a
    /// folder's: for digits that were never files (a class's own handwriting, gathered by a server).
    /// - Parameters:
    ///   - images: The pictures, 28x28 as the training images.
    ///   - name: What the model's metadata calls them (`extra_images`).
    ///   - identity: What identifies them (`extra_images_sha256`), such as the SHA-256 of their bytes.
    ///   - source: Where they come from, for an error message.
    ///   - share: The share of every epoch they make up, above 0 and below 1.
    /// - Throws: `TrainingError` for a share outside (0, 1), no images, or pictures of another size.
    public func mixing(_ images: LabeledImages, name: String, identity: String, source: String,
                       share: Double = defaultExtraShare) throws(TrainingError) -> TrainingData {
        guard share > 0 && share < 1 else {
            throw .configuration(.invalid(option: "extra-share", value: "\(share)", expected: "a fraction above 0 and below 1, such as 0.1"))
        }
        guard images.count > 0 else { throw .data("\(source): there are no pictures to mix in") }
        guard let base = training.images, base.rows == images.rows, base.columns == images.columns else {
            throw .data("\(self.name): the training examples are not 28x28 images, so the pictures of \(source) cannot join them")
        }
        let repeats = Self.repeats(extraCount: images.count, baseCount: base.count, share: share)
        var pixels = base.pixels, labels = base.labels
        pixels.reserveCapacity(base.pixels.count + repeats * images.pixels.count)
        labels.reserveCapacity(base.count + repeats * images.count)
        for _ in 0..<repeats {
            pixels += images.pixels
            labels += images.labels
        }
        var mixed = self
        mixed.training = .images(LabeledImages(rows: base.rows, columns: base.columns, pixels: HugePages.copy(pixels[...]), labels: labels))
        mixed.metadata["extra_images"] = name
        mixed.metadata["extra_images_count"] = "\(images.count)"
        mixed.metadata["extra_images_repeats"] = "\(repeats)"
        mixed.metadata["extra_images_share"] = "\(share)"
        mixed.metadata["extra_images_sha256"] = identity
        return mixed
    }
}
