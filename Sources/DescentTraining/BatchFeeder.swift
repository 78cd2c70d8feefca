import DescentDatasets
import DescentLinearAlgebra
package import DescentNetwork

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
    /// The teacher of a distilled run, which writes its softened outputs for each batch's examples.
    private var teacher: TeacherFeed?

    init(training: Examples, configuration: TrainingConfiguration, optimizer: TrainingOptimizer, network: Network<Float>, capacity: Int,
         teacher: DistillingTeacher? = nil) {
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
        if let teacher {
            var feed = TeacherFeed(teacher, capacity: capacity, threads: configuration.threads, images: images != nil)
            if augmenter == nil { feed.precompute(training) }  // The examples never change: once for the run.
            self.teacher = feed
        }
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
        defer { teacher?.writeTargets(positions, order: order, into: &workspace) }
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
            if teacher?.isPerBatch == true { teacher!.setInput(row: row, bytes: image) }
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

/// The teacher of a distilled run as the trainer holds it.
package struct DistillingTeacher: Sendable {
    package let network: Network<Float>
    package let alpha: Float
    package let temperature: Float

    package init(network: Network<Float>, alpha: Float, temperature: Float) {
        self.network = network
        self.alpha = alpha
        self.temperature = temperature
    }
}

/// The teacher's side of a batch: its forward pass over the student's examples and its softened
/// outputs written where the student's cost reads them (`Workspace.distillation`).
private struct TeacherFeed {
    let network: Network<Float>
    let temperature: Float
    var workspace: Workspace<Float>
    /// The teacher's first layer over the lit pixels, for images.
    var sparse: SparseFirstLayer?
    /// The softened outputs of every training example, row by row, when the examples never change;
    /// empty when each batch's (distorted) examples go through the teacher as they come.
    var precomputed: [Float] = []

    init(_ teacher: DistillingTeacher, capacity: Int, threads: Int, images: Bool) {
        network = teacher.network
        temperature = teacher.temperature
        workspace = Workspace(for: teacher.network, capacity: capacity)
        workspace.threads = threads
        sparse = images ? SparseFirstLayer(network: teacher.network, capacity: capacity) : nil
    }

    var isPerBatch: Bool { precomputed.isEmpty }

    /// Row `row` of the teacher's next batch: an image's bytes.
    mutating func setInput(row: Int, bytes: ArraySlice<UInt8>) {
        if sparse != nil { sparse!.setInput(row: row, bytes: bytes) } else { workspace.setInput(row: row, bytes: bytes, label: 0) }
    }

    /// Runs the teacher on rows 0..<count and writes their softened outputs into `targets` from row 0.
    mutating func soften(count: Int, into targets: UnsafeMutableBufferPointer<Float>) {
        if let sparse { network.forward(&workspace, sparse: sparse, count: count) } else { network.forward(&workspace, count: count) }
        let width = network.outputCount
        workspace.outputs.elements.withUnsafeBufferPointer { outputs in
            for row in 0..<count {
                let rows = (row * width)..<((row + 1) * width)
                DistillationTargets<Float>.soften(UnsafeBufferPointer(rebasing: outputs[rows]), temperature: temperature,
                                                  into: UnsafeMutableBufferPointer(rebasing: targets[rows]))
            }
        }
    }

    /// The softened outputs of every example of `training`, computed batch by batch.
    mutating func precompute(_ training: Examples) {
        let width = network.outputCount
        var all = [Float](repeating: 0, count: training.count * width)
        for first in stride(from: 0, to: training.count, by: workspace.capacity) {
            let count = min(workspace.capacity, training.count - first)
            for row in 0..<count {
                if let images = training.images {
                    setInput(row: row, bytes: images.image(first + row))
                } else {
                    training.write(first + row, into: &workspace.inputs, row: row)
                }
            }
            all.withUnsafeMutableBufferPointer { all in
                soften(count: count, into: UnsafeMutableBufferPointer(rebasing: all[(first * width)..<((first + count) * width)]))
            }
        }
        precomputed = all
    }

    /// Writes the softened outputs of the examples `order[positions]` into the student's rows
    /// 0..<positions.count: copied when precomputed, else by running the teacher on the rows set by `setInput`.
    mutating func writeTargets(_ positions: Range<Int>, order: [Int], into student: inout Workspace<Float>) {
        let width = network.outputCount
        guard student.distillation != nil else { return }
        student.distillation!.targets.elements.withUnsafeMutableBufferPointer { targets in
            if isPerBatch {
                soften(count: positions.count, into: targets)
                return
            }
            for (row, position) in positions.enumerated() {
                let source = order[position] * width
                for j in 0..<width { targets[row * width + j] = precomputed[source + j] }
            }
        }
    }
}
