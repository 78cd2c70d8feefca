import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork

/// Puts each mini-batch's examples where the optimizer reads them, by one of three paths:
/// - lit pixels encoded once (`SparseInputs`), when the first layer trains sparse and the images
///   never change (no augmentation): each batch is gathered from the encoding;
/// - lit pixels found batch by batch, when the first layer trains sparse but every epoch distorts
///   the images afresh;
/// - dense rows of numbers in 0...1 (`Workspace.inputs`), for optimizers that need the whole
///   first-layer gradient (SGD with momentum).
///
/// Exists only for speed: after `writeBack`, the network and the optimizer hold the truth.
struct BatchFeeder {
    let training: Examples
    /// The training images, when the examples are images (the two lit-pixel paths need them).
    private let images: LabeledImages?
    /// The first layer trained over the lit pixels; nil on the dense path.
    var sparse: SparseFirstLayer?
    /// Distortions drawn afresh for every image (nil without augmentation).
    private var augmenter: Augmenter?
    /// One image's distortion, copied into the batch: nothing is allocated per batch.
    private var distorted: [UInt8]
    /// The lit pixels of every training image, found once (sparse path without augmentation).
    private let encoded: SparseInputs?
    /// The encoded examples in this epoch's order, gathered in one pass: looking each one up as it
    /// was needed waited on a cache miss every time.
    private var shuffledEntries: [SparseInputs.Entry] = []

    init(training: Examples, configuration: TrainingConfiguration, optimizer: TrainingOptimizer, network: Network<Float>, capacity: Int) {
        self.training = training
        images = training.images
        // Features are not pixels: they take the dense path, with no distortions (`TrainingRun` refuses augmentation for them).
        if let images {
            augmenter = configuration.augmentation.isIdentity ? nil : Augmenter(configuration.augmentation, rows: images.rows, columns: images.columns)
            sparse = optimizer.makeSparseLayer(for: network, capacity: capacity)
        } else {
            augmenter = nil
            sparse = nil
        }
        distorted = [UInt8](repeating: 0, count: training.width)
        encoded = sparse != nil && augmenter == nil
            ? images.map { images in SparseInputs(count: images.count, inputCount: images.pixelCount) { images.image($0) } } : nil
    }

    /// Gathers the encoded examples into `order`, the epoch's order.
    mutating func beginEpoch(order: [Int]) {
        if let encoded { encoded.gather(order, into: &shuffledEntries) }
    }

    /// Loads the examples `order[positions]` into rows 0..<positions.count, distorting each (in
    /// order, from `generator`) when augmentation is on.
    mutating func load<Generator: RandomNumberGenerator>(
        _ positions: Range<Int>, order: [Int], into workspace: inout Workspace<Float>, using generator: inout Generator
    ) {
        guard let images else {
            for (row, position) in positions.enumerated() {
                training.write(order[position], into: &workspace.inputs, row: row)
                workspace.labels[row] = training.label(order[position])
            }
            return
        }
        for (row, position) in positions.enumerated() {
            let index = order[position]
            let label = Int(images.labels[index])
            if let encoded {
                sparse!.setInput(row: row, from: encoded, entry: shuffledEntries[position])
                workspace.labels[row] = label
                continue
            }
            if augmenter != nil { augmenter!.distort(images.image(index), into: &distorted, using: &generator) }
            let image = augmenter == nil ? images.image(index) : distorted[...]
            if sparse != nil {
                sparse!.setInput(row: row, bytes: image)
                workspace.labels[row] = label
            } else {
                workspace.setInput(row: row, bytes: image, label: label)
            }
        }
    }

    /// Fetches the examples `order[positions]` into the cache while the current batch computes.
    func prefetch(_ positions: Range<Int>, order: [Int]) {
        if let encoded {
            for position in positions { encoded.prefetch(shuffledEntries[position]) }
        } else if let images {
            for index in order[positions] { Prefetch.bytes(images.image(index)) }
        }
    }
}
