public import DescentTraining

/// How much work one request may ask of the server: a web training, or a fine-tuning, is refused
/// with a 422 when its network, its batches or its memory would pass these; beyond one training
/// running and `maximumQueuedTrainings` waiting, a 429. `descent serve` prints them and takes each as
/// an option. The standard limits let every preset run (mlp99, 784-800-800-10, has 1,276,810 weights
/// and biases and batches of 128 x 800).
public struct WorkLimits: Sendable, Equatable {
    /// The most weights and biases a network trained here may have.
    public var maximumParameters: Int
    /// The most numbers in one layer's batch of activations: batch size x the widest layer.
    public var maximumBatchWidth: Int
    /// The most memory one training may be estimated to take, in bytes (`estimatedBytes`).
    public var maximumMemoryBytes: Int
    /// The most trainings that may wait while one runs.
    public var maximumQueuedTrainings: Int

    /// 2,000,000 parameters, batch x width 262,144, 1 GiB, 4 waiting.
    public static let standard = WorkLimits(maximumParameters: 2_000_000, maximumBatchWidth: 1 << 18,
                                            maximumMemoryBytes: 1 << 30, maximumQueuedTrainings: 4)

    /// Limits of your own (`standard` lets every preset run).
    /// - Parameters:
    ///   - maximumParameters: The most weights and biases.
    ///   - maximumBatchWidth: The most numbers in one layer's batch: batch size x the widest layer.
    ///   - maximumMemoryBytes: The most bytes one training may be estimated to take.
    ///   - maximumQueuedTrainings: The most trainings waiting while one runs.
    public init(maximumParameters: Int, maximumBatchWidth: Int, maximumMemoryBytes: Int, maximumQueuedTrainings: Int) {
        self.maximumParameters = maximumParameters
        self.maximumBatchWidth = maximumBatchWidth
        self.maximumMemoryBytes = maximumMemoryBytes
        self.maximumQueuedTrainings = maximumQueuedTrainings
    }

    /// The bytes a training of `configuration` on `trainingCount` images of `pixels` bytes is estimated
    /// to hold: six networks' worth of Float (the network, its gradients, two Adam moments, the best
    /// epoch's copy, the update), three batches of every layer's activations (outputs, pre-activations,
    /// deltas), and the images twice (kept and prepared).
    /// - Complexity: O(layers).
    public static func estimatedBytes(of configuration: TrainingConfiguration, trainingCount: Int, pixels: Int = 784) -> Int {
        let sizes = configuration.sizes
        let parameters = zip(sizes, sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 + $1.1 }
        let batch = configuration.batchSize * sizes.reduce(0, +)
        return 4 * (6 * parameters + 3 * batch) + 2 * trainingCount * pixels
    }

    /// Refuses a training that passes a limit, saying which and by how much.
    /// - Throws: `APIError` (422) naming the value over its limit and the option that raises it.
    public func check(_ configuration: TrainingConfiguration, trainingCount: Int) throws(APIError) {
        let sizes = configuration.sizes
        let parameters = zip(sizes, sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 + $1.1 }
        let layers = sizes.map(String.init).joined(separator: ",")
        guard parameters <= maximumParameters else {
            throw APIError(.unprocessableContent, "layers \(layers) have \(parameters) weights and biases; this server trains at most "
                + "\(maximumParameters) (descent serve --max-parameters)")
        }
        let width = configuration.batchSize * (sizes.max() ?? 0)
        guard width <= maximumBatchWidth else {
            throw APIError(.unprocessableContent, "batchSize \(configuration.batchSize) x the widest layer (\(sizes.max() ?? 0)) is \(width); "
                + "this server allows at most \(maximumBatchWidth) (descent serve --max-batch-width)")
        }
        let bytes = Self.estimatedBytes(of: configuration, trainingCount: trainingCount)
        guard bytes <= maximumMemoryBytes else {
            throw APIError(.unprocessableContent, "this training would take about \(bytes >> 20) MB; this server allows at most "
                + "\(maximumMemoryBytes >> 20) MB (descent serve --max-training-memory)")
        }
    }

    /// One line for the server's start: every limit and its option.
    public var summary: String {
        "a web training may have \(maximumParameters) weights and biases (--max-parameters), batch x width \(maximumBatchWidth) "
            + "(--max-batch-width), about \(maximumMemoryBytes >> 20) MB (--max-training-memory); one runs and \(maximumQueuedTrainings) may wait (--training-queue)"
    }
}
