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
    let training: LabeledImages
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

    init(training: LabeledImages, configuration: TrainingConfiguration, optimizer: TrainingOptimizer, network: Network<Float>, capacity: Int) {
        self.training = training
        augmenter = configuration.augmentation.isIdentity
            ? nil : Augmenter(configuration.augmentation, rows: training.rows, columns: training.columns)
        distorted = [UInt8](repeating: 0, count: training.pixelCount)
        sparse = optimizer.makeSparseLayer(for: network, capacity: capacity)
        encoded = sparse != nil && augmenter == nil
            ? SparseInputs(count: training.count, inputCount: training.pixelCount) { training.image($0) } : nil
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
        for (row, position) in positions.enumerated() {
            let index = order[position]
            let label = Int(training.labels[index])
            if let encoded {
                sparse!.setInput(row: row, from: encoded, entry: shuffledEntries[position])
                workspace.labels[row] = label
                continue
            }
            if augmenter != nil { augmenter!.distort(training.image(index), into: &distorted, using: &generator) }
            let image = augmenter == nil ? training.image(index) : distorted[...]
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
        } else {
            for index in order[positions] { Prefetch.bytes(training.image(index)) }
        }
    }
}
