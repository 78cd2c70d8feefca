// Training: the epoch loop that feeds MNIST-style data to a network through SGD, the reports it
// returns, evaluation, presets, and the model file with its metadata. It wires the data sets to
// the network; neither knows the other.

public import DescentNetwork
public import DescentLinearAlgebra
public import DescentDatasets

/// Everything that decides a training run. The same configuration gives the same model, bit for bit.
public struct TrainingConfiguration: Sendable, Equatable {
    /// Neurons per layer, input first.
    public var sizes: [Int] = [784, 16, 16, 10]
    /// The hidden layers' activation: sigmoid, relu or tanh.
    public var hidden: Activation = .sigmoid
    /// The output layer's activation: sigmoid or softmax.
    public var output: Activation = .sigmoid
    /// The cost minimised: the video's quadratic cost, or cross-entropy.
    public var cost: Cost = .quadratic
    /// How the weights and biases are drawn from `seed` before the first step.
    public var initialization: Initialization = .scaledNormal
    /// η, the step size before any schedule's factor; positive (3.0 in the video's recipe).
    public var learningRate: Double = 3.0
    /// μ for SGD's momentum, in 0..<1 (0: plain gradient descent; must be 0 with Adam, above 0 with Nesterov).
    public var momentum: Double = 0
    /// λ in the cost C + λ/(2n) Σ w², with n the number of training examples.
    public var weightDecay: Double = 0
    /// Examples a mini-batch, 1 to 65,536: each step follows the mean gradient of this many.
    public var batchSize: Int = 10
    /// Passes over the training set, 1 to 100,000.
    public var epochs: Int = 30
    /// The seed of every random draw (the initial weights, the shuffles, dropout and distortions).
    public var seed: UInt64 = 0
    /// How the gradient becomes a step.
    public var optimizer: OptimizerKind = .sgd
    /// Threads a large matrix product may use; the result does not depend on it.
    public var threads: Int = 1
    /// The arithmetic of the training's matrix products: float32 (bit-for-bit reproducible), or
    /// bfloat16 operands summed in float32, up to twice as fast where the CPU multiplies bfloat16
    /// (`ProductPrecision.hasFastBFloat16`). The weights and the optimiser's state stay float32.
    public var precision: ProductPrecision = .float32
    /// How the learning rate changes over the run (constant by default).
    public var schedule = LearningRateSchedule()
    /// The probability of dropping each hidden unit during training (0: no dropout); see `Workspace.enableDropout`.
    public var dropout: Double = 0
    /// Random distortions of the training images, drawn afresh every epoch (none by default).
    public var augmentation = Augmentation()
    /// What every image goes through, in training and in every later use of the model.
    public var preprocessing: Preprocessing = .none
    /// Early stopping: stop once validation accuracy has not improved for this many epochs, and return
    /// the network of the best epoch. nil: train every epoch and return the last network.
    public var patience: Int?

    /// The optimizers a configuration can name.
    public enum OptimizerKind: String, CaseIterable, Sendable {
        /// Mini-batch SGD with optional momentum (`SGD`).
        case sgd
        /// Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8 (`Adam`).
        case adam
        /// SGD with Nesterov momentum (`SGD` with `nesterov`); needs a momentum above 0.
        case nesterov
    }


    /// The `video` preset.
    public init() {}

    /// The number of weights and biases a network of `sizes` has.
    public var parameterCount: Int {
        zip(sizes, sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 + $1.1 }
    }

    /// A new network with this configuration's shape, drawn from `generator`.
    public func makeNetwork(using generator: inout some RandomNumberGenerator) throws(NetworkError) -> Network<Float> {
        try Network(sizes: sizes, hidden: hidden, output: output, cost: cost, initialization: initialization, using: &generator)
    }
}
