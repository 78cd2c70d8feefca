import DescentDatasets
import Dispatch
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
    let training: LabeledExamples
    /// The training images, when the examples are images (the two lit-pixel paths need them).
    private let images: LabeledImages?
    /// The first layer trained over the lit pixels; nil on the dense path.
    var sparse: SparseFirstLayer?
    /// Distortions drawn afresh for every image, made batch by batch, the next one on a worker
    /// thread while the current one trains (nil without augmentation).
    private let distortions: DistortionStage?
    /// The lit pixels of every training image, found once (sparse path without augmentation).
    private let encoded: SparseInputs?
    /// The encoded examples in this epoch's order, gathered in one pass: looking each one up as it
    /// was needed waited on a cache miss every time.
    private var shuffledEntries: [SparseInputs.Entry] = []
    /// The teacher of a distilled run, which writes its softened outputs for each batch's examples.
    private var teacher: TeacherFeed?

    init(training: LabeledExamples, configuration: TrainingConfiguration, optimizer: TrainingOptimizer, network: Network<Float>, capacity: Int,
         teacher: DistillingTeacher? = nil) {
        self.training = training
        images = training.images
        // Features are not pixels: they take the dense path, with no distortions (`TrainingRun` refuses augmentation for them).
        if let images {
            distortions = configuration.augmentation.isIdentity ? nil
                : DistortionStage(Augmenter(configuration.augmentation, rows: images.rows, columns: images.columns), images: images, capacity: capacity)
            sparse = optimizer.makeSparseLayer(for: network, capacity: capacity)
        } else {
            distortions = nil
            sparse = nil
        }
        encoded = sparse != nil && distortions == nil
            ? images.map { images in SparseInputs(count: images.count, inputCount: images.pixelCount, threads: configuration.threads) { images.image($0) } } : nil
        if let teacher {
            var feed = TeacherFeed(teacher, capacity: capacity, threads: configuration.threads, images: images != nil)
            if distortions == nil { feed.precompute(training) }  // The examples never change: once for the run.
            self.teacher = feed
        }
    }

    /// Gathers the encoded examples into `order`, the epoch's order.
    mutating func beginEpoch(order: [Int]) {
        if let encoded { encoded.gather(order, into: &shuffledEntries) }
    }

    /// Loads the examples `order[positions]` into rows 0..<positions.count, distorting each (in
    /// order, from `generator`) when augmentation is on. When `distortAhead` has made these very
    /// images already, they are taken from it, and `generator` becomes the one it drew from.
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
        if let distortions {
            if let advanced = distortions.collect(order[positions], as: Generator.self) {
                generator = advanced
            } else {
                distortions.stage(order[positions], using: &generator)
            }
            for (row, position) in positions.enumerated() {
                place(distortions.staged(row), label: Int(images.labels[order[position]]), row: row, into: &workspace)
            }
            return
        }
        for (row, position) in positions.enumerated() {
            let index = order[position]
            let label = Int(images.labels[index])
            if let encoded {
                sparse!.setInput(row: row, from: encoded, entry: shuffledEntries[position])
                workspace.labels[row] = label
                // The example a batch on, one for each loaded: prefetches spread over the loads, where
                // a whole batch's at once, after them, left an epoch 5% slower.
                let ahead = position + positions.count
                if ahead < shuffledEntries.count { encoded.prefetch(shuffledEntries[ahead]) }
            } else {
                place(images.image(index), label: label, row: row, into: &workspace)
            }
        }
    }

    /// One image's bytes into row `row`: of the sparse layer or the workspace, and of the teacher's batch.
    private mutating func place(_ image: ArraySlice<UInt8>, label: Int, row: Int, into workspace: inout Workspace<Float>) {
        if sparse != nil {
            sparse!.setInput(row: row, bytes: image)
            workspace.labels[row] = label
        } else {
            workspace.setInput(row: row, bytes: image, label: label)
        }
        if teacher?.isPerBatch == true { teacher!.setInput(row: row, bytes: image) }
    }

    /// Starts distorting the examples `order[positions]` on a worker thread, drawing from a copy of
    /// `generator`, while the caller trains the current batch; the next `load` of these positions
    /// takes the images and the advanced generator. Until then the caller must draw nothing from its
    /// generator: the draws are the ones `load` would make, in the same order. Does nothing without
    /// augmentation.
    func distortAhead<Generator: RandomNumberGenerator>(_ positions: Range<Int>, order: [Int], generator: Generator) {
        guard let distortions, !positions.isEmpty else { return }
        distortions.startAhead(Array(order[positions]), generator: generator)
    }

    /// Waits for a worker started by `distortAhead` and drops what it made (a run stopping between
    /// batches keeps its generator as it was before those draws).
    func cancelAhead() {
        distortions?.cancel()
    }

    /// Fetches the images `order[positions]` into the cache while the current batch computes (the
    /// encoded examples are prefetched by `load`, as it goes).
    func prefetch(_ positions: Range<Int>, order: [Int]) {
        if encoded == nil, let images {
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
    mutating func precompute(_ training: LabeledExamples) {
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

/// Distorts a batch's images into a staging buffer, on the caller's thread or on a worker thread
/// ahead of time. Either way the draws are the same, image by image in the batch's order, so a run
/// gives the same model with the worker as without it.
private final class DistortionStage: @unchecked Sendable {
    // Not Sendable by construction: the worker touches `augmenter`, `distorted` and `buffer` only
    // between `startAhead` and the `group.wait()` of `collect` or `cancel`, and the caller touches
    // them only outside that window.
    private var augmenter: Augmenter
    private let images: LabeledImages
    private var distorted: [UInt8]
    /// capacity x pixels: the batch staged last, one distorted image a row.
    private var buffer: [UInt8]
    private let worker = WorkerThread(name: "descent.distortions")
    private let group = DispatchGroup()
    /// The batch a worker is distorting, and the generator it draws from (a `Lent<Generator>`).
    private var pending: (indices: [Int], generator: any Distorting)?

    init(_ augmenter: Augmenter, images: LabeledImages, capacity: Int) {
        self.augmenter = augmenter
        self.images = images
        distorted = [UInt8](repeating: 0, count: images.pixelCount)
        buffer = [UInt8](repeating: 0, count: capacity * images.pixelCount)
    }

    /// Row `row` of the staged batch.
    func staged(_ row: Int) -> ArraySlice<UInt8> {
        buffer[(row * images.pixelCount)..<((row + 1) * images.pixelCount)]
    }

    /// Distorts the images `indices` into rows 0..<indices.count, drawing from `generator`.
    func stage<Generator: RandomNumberGenerator>(_ indices: ArraySlice<Int>, using generator: inout Generator) {
        let width = images.pixelCount
        for (row, index) in indices.enumerated() {
            augmenter.distort(images.image(index), into: &distorted, using: &generator)
            buffer.withUnsafeMutableBufferPointer { target in
                distorted.withUnsafeBufferPointer { source in
                    for offset in 0..<width { target[row * width + offset] = source[offset] }
                }
            }
        }
    }

    func startAhead<Generator: RandomNumberGenerator>(_ indices: [Int], generator: Generator) {
        cancel()
        let lent: any Distorting = Lent(generator)
        pending = (indices, lent)
        group.enter()
        worker.submit { [group] in
            lent.distort(indices, on: self)
            group.leave()
        }
    }

    /// The generator the worker drew from, once it is done, when it distorted exactly `indices`;
    /// nil when no worker was started for them (anything it made is dropped).
    func collect<Generator: RandomNumberGenerator>(_ indices: ArraySlice<Int>, as type: Generator.Type) -> Generator? {
        guard let pending else { return nil }
        group.wait()
        self.pending = nil
        guard pending.indices.elementsEqual(indices), let lent = pending.generator as? Lent<Generator> else { return nil }
        return lent.value
    }

    func cancel() {
        guard pending != nil else { return }
        group.wait()
        pending = nil
    }
}

/// Work a worker thread can do without knowing the generator's type.
private protocol Distorting: AnyObject, Sendable {
    func distort(_ indices: [Int], on stage: DistortionStage)
}

/// A generator handed to a worker thread and back.
private final class Lent<Generator: RandomNumberGenerator>: Distorting, @unchecked Sendable {
    var value: Generator
    init(_ value: Generator) { self.value = value }

    func distort(_ indices: [Int], on stage: DistortionStage) { stage.stage(indices[...], using: &value) }
}
