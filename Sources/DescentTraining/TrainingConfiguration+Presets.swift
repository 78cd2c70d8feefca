import DescentNetwork
import DescentDatasets

// The named recipes: the video's and Nielsen's, and those found since on the validation split.

extension TrainingConfiguration {
    /// Named recipes. `video` is the default.
    public enum Preset: String, CaseIterable, Sendable {
        /// The video's 784-16-16-10 network with Nielsen's chapter-1 recipe: sigmoid, quadratic
        /// cost, batch 10, learning rate 3.0, 30 epochs, N(0, 1/fan_in) weights.
        case video
        /// Nielsen's chapter-1 network, 784-30-10, otherwise as `video`.
        case nielsen
        /// Nielsen's chapter-3 `network2.py` run: 784-100-10, sigmoid, cross-entropy, λ = 5.0,
        /// learning rate 0.5, batch 10, 30 epochs.
        case nielsenCh3 = "nielsen-ch3"
        /// The video's 784-16-16-10 layers with the best recipe found on the validation split: ReLU,
        /// softmax and cross-entropy, He weights, deskewed images, Adam with a cosine schedule.
        case videoBest = "video-best"
        /// 98% test accuracy in about 2 seconds on 2 cores: 784-256-128-10 ReLU, deskewed images, Adam,
        /// a cosine schedule over 4 epochs.
        case fast98
        /// A plain MLP at 99%: wide ReLU layers, deskewed and distorted images, dropout, Adam, cosine.
        case mlp99
        /// 99% within a minute on 2 cores: `mlp99`'s network and recipe in 10 epochs.
        case fast99
        /// The video's 784-16-16-10 layers taught by a big network (knowledge distillation): the
        /// `video-best` recipe in batches of 32, run for 200 epochs with L2 λ = 20, its cost weighing
        /// each label (α = 0.1) against an `mlp99` teacher's outputs softened at T = 4. It needs the
        /// teacher (`distillation` says which).
        case videoDistilled = "video-distilled"
        /// For 2-D point sets (`PointSet`): 2-32-32-2 (the data sets its first and last sizes), ReLU,
        /// softmax and cross-entropy, He weights, Adam at 0.01 in batches of 16 with a cosine
        /// schedule, 150 epochs. `descent train --dataset spirals` uses it unless another preset is
        /// named. Chosen on data seeds 10 to 19 (2-class spirals 100% on all ten, 3-class 95.5% to
        /// 98.5%); TensorFlow Playground's 16-16 tanh at 0.01 stalls near 68% on 2-class spirals.
        case playground

        /// The precision of the preset's products when `--precision` is not given. The presets of
        /// wide layers (`mlp99`, `fast99`), whose time goes to their products, compute them in
        /// bfloat16 where the CPU multiplies it in hardware; the others stay float32, bit for bit
        /// reproducible.
        public var precision: TrainingOptions.PrecisionChoice {
            switch self {
            case .mlp99, .fast99: .auto
            default: .float32
            }
        }

        /// The teacher a preset learns from, and the distillation's α and T; nil for presets that learn from labels alone.
        public var distillation: (teacher: Preset, alpha: Double, temperature: Double)? {
            self == .videoDistilled ? (teacher: .mlp99, alpha: 0.1, temperature: 4) : nil
        }
    }

    /// The values of a preset.
    public init(preset: Preset) {
        switch preset {
        case .video:
            break
        case .nielsen:
            sizes = [784, 30, 10]
        case .nielsenCh3:
            sizes = [784, 100, 10]
            cost = .crossEntropy
            weightDecay = 5.0
            learningRate = 0.5
        case .videoBest:
            setModernRecipe(sizes: [784, 16, 16, 10], learningRate: 2e-3, batchSize: 64, epochs: 60)
        case .fast99:
            self = TrainingConfiguration(preset: .mlp99)
            epochs = 10
        case .videoDistilled:
            setModernRecipe(sizes: [784, 16, 16, 10], learningRate: 2e-3, batchSize: 32, epochs: 200)
            weightDecay = 20
        case .fast98:
            setModernRecipe(sizes: [784, 256, 128, 10], learningRate: 1e-3, batchSize: 128, epochs: 4)
        case .playground:
            setModernRecipe(sizes: [2, 32, 32, 2], learningRate: 0.01, batchSize: 16, epochs: 150)
            preprocessing = .none
        case .mlp99:
            setModernRecipe(sizes: [784, 800, 800, 10], learningRate: 1e-3, batchSize: 128, epochs: 40)
            dropout = 0.1
            augmentation = Augmentation(maxShift: 0, maxRotation: 5, maxScaling: 0.05, elasticAlpha: 20, elasticSigma: 4)
        }
        precision = preset.precision.resolved
    }

    /// ReLU hidden layers, a softmax output with cross-entropy, He weights, deskewed images, and Adam
    /// with a cosine schedule: the common ground of the presets beyond the video.
    private mutating func setModernRecipe(sizes: [Int], learningRate: Double, batchSize: Int, epochs: Int) {
        self.sizes = sizes
        hidden = .relu
        output = .softmax
        cost = .crossEntropy
        initialization = .he
        optimizer = .adam
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.epochs = epochs
        schedule = LearningRateSchedule(shape: .cosine)
        preprocessing = .deskew
    }
}
