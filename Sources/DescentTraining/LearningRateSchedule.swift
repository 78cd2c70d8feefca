/// How the learning rate changes over a run, as a factor of the configured rate that depends only on
/// where the run is (epoch and batch): a resumed run recomputes it and needs no state of its own.
///
/// An optional linear warm-up comes first (Goyal et al. 2017, "Accurate, large minibatch SGD: training
/// ImageNet in 1 hour"): the factor climbs from 1/warm-up steps to 1 over `warmupEpochs`. Then the shape:
/// - `constant`: 1.
/// - `step`: multiplied by `stepFactor` every `stepEvery` epochs (counted from the start of the run).
/// - `cosine`: ½(1 + cos(π·t/T)) over the epochs after the warm-up, from 1 down to nearly 0
///   (Loshchilov & Hutter 2017, "SGDR: stochastic gradient descent with warm restarts", without restarts).
public struct LearningRateSchedule: Sendable, Equatable {
    /// The schedule's shape after the warm-up.
    public enum Shape: String, CaseIterable, Sendable {
        /// The configured rate throughout (after any warm-up).
        case constant
        /// The rate multiplied by `stepFactor` every `stepEvery` epochs.
        case step
        /// The rate following half a cosine from the configured rate down to nearly 0 at the last epoch.
        case cosine
    }

    /// The schedule's shape after the warm-up; `constant` by default.
    public var shape: Shape = .constant
    /// Epochs of linear warm-up (0: none).
    public var warmupEpochs: Int = 0
    /// For `step`: how many epochs between drops.
    public var stepEvery: Int = 10
    /// For `step`: what each drop multiplies the rate by.
    public var stepFactor: Double = 0.1

    /// A constant rate without warm-up.
    public init() {}

    /// A schedule of the given shape.
    /// - Parameters:
    ///   - shape: What follows the warm-up.
    ///   - warmupEpochs: Epochs of linear warm-up (0: none).
    ///   - stepEvery: For `step`, epochs between drops.
    ///   - stepFactor: For `step`, what each drop multiplies the rate by.
    public init(shape: Shape, warmupEpochs: Int = 0, stepEvery: Int = 10, stepFactor: Double = 0.1) {
        self.shape = shape
        self.warmupEpochs = warmupEpochs
        self.stepEvery = stepEvery
        self.stepFactor = stepFactor
    }

    /// Whether the rate never changes: the trainer then leaves the optimizer's rate alone.
    public var isConstant: Bool { shape == .constant && warmupEpochs == 0 }

    /// The factor for the step that takes batch `batch` (from 0) of epoch `epoch` (from 0).
    /// - Parameters:
    ///   - epoch: The epoch, from 0.
    ///   - batch: The mini-batch within the epoch, from 0.
    ///   - batchesPerEpoch: Steps in one epoch.
    ///   - epochs: Epochs in the whole run.
    public func factor(epoch: Int, batch: Int, batchesPerEpoch: Int, epochs: Int) -> Double {
        let perEpoch = max(1, batchesPerEpoch)
        let step = epoch * perEpoch + batch
        let warmupSteps = warmupEpochs * perEpoch
        if step < warmupSteps { return Double(step + 1) / Double(warmupSteps) }
        switch shape {
        case .constant:
            return 1
        case .step:
            return pow(stepFactor, Double(epoch / max(1, stepEvery)))
        case .cosine:
            let span = max(1, (epochs - warmupEpochs) * perEpoch)
            let t = Double(step - warmupSteps) / Double(span)
            return 0.5 * (1 + cos(Double.pi * t))
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
