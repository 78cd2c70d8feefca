public import DescentLinearAlgebra

/// Adam (Kingma & Ba 2015, "Adam: a method for stochastic optimization", Algorithm 1), with the
/// same L2 term as SGD added to each weight's gradient: (λ/n)·w.
public struct Adam<Scalar: MatrixScalar>: Sendable {
    /// The step size α: 1e-3 in the paper, and the default.
    public var learningRate: Scalar
    /// β1, the decay rate of the first moment (the running mean of the gradient), in 0..<1; 0.9 by default.
    public var beta1: Scalar
    /// β2, the decay rate of the second moment (the running mean of the squared gradient), in 0..<1;
    /// 0.999 by default.
    public var beta2: Scalar
    /// ε, added to √v so that a step never divides by zero; 1e-8 by default.
    public var epsilon: Scalar
    /// λ, scaled by 1/n as in `SGD`.
    public var weightDecay: Scalar
    /// n, the number of training examples λ is divided by (at least 1).
    public var trainingSetSize: Int
    /// The number of steps taken, t in the paper.
    public package(set) var steps = 0
    /// m, the running mean of the gradient, shaped like the network; nil until the first step.
    /// Set only inside the package (a resumed run), where it is kept shaped like the network.
    public package(set) var firstMoment: Gradients<Scalar>?
    /// v, the running mean of the squared gradient (see `firstMoment`).
    public package(set) var secondMoment: Gradients<Scalar>?

    /// An optimizer with no steps taken yet; the paper's defaults and no weight decay unless given.
    /// - Parameters:
    ///   - learningRate: α, the step size.
    ///   - beta1: The first moment's decay rate, in 0..<1.
    ///   - beta2: The second moment's decay rate, in 0..<1.
    ///   - epsilon: The small positive number added to √v.
    ///   - weightDecay: λ, the L2 regularisation parameter (0: none).
    ///   - trainingSetSize: n, which λ is divided by; values below 1 become 1.
    public init(learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8,
                weightDecay: Scalar = 0, trainingSetSize: Int = 1) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.trainingSetSize = max(1, trainingSetSize)
    }

    /// Backpropagates the batch in `workspace` and takes one Adam step.
    /// - Returns: The batch's cost and correct count, measured before the update.
    @_specialize(exported: true, where Scalar == Float)
    package mutating func step(
        _ network: inout Network<Scalar>, on workspace: inout Workspace<Scalar>, count: Int,
        gradients: inout Gradients<Scalar>
    ) -> BatchResult<Scalar> {
        let result = network.backpropagate(&workspace, count: count, into: &gradients)
        update(&network, with: gradients)
        return result
    }

    /// m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², w ← w − η·m̂ / (√v̂ + ε), with m̂, v̂ bias-corrected.
    @_specialize(exported: true, where Scalar == Float)
    public mutating func update(_ network: inout Network<Scalar>, with gradients: Gradients<Scalar>) {
        precondition(gradients.isShaped(like: network), "update: gradients for \(gradients.sizes), a network of \(network.sizes)")
        update(&network, with: gradients, firstWeights: true)
    }

    /// The update, skipping the first layer's weights unless `firstWeights` (a sparse first layer
    /// steps them itself); returns the step's coefficients for that.
    @discardableResult
    mutating func update(
        _ network: inout Network<Scalar>, with gradients: Gradients<Scalar>, firstWeights: Bool
    ) -> (rate: Scalar, root2: Scalar, decay: Scalar) {
        if firstMoment == nil {
            firstMoment = Gradients(zeroLike: network)
            secondMoment = Gradients(zeroLike: network)
        }
        steps += 1
        let t = Double(steps)
        let correction1 = Scalar(1 - pow(Double(beta1), t)), correction2 = Scalar(1 - pow(Double(beta2), t))
        // η·m̂/(√v̂ + ε) = (η/c1)·m / (√v/√c2 + ε)
        let rate = learningRate / correction1, root2 = correction2.squareRoot()
        let decay = weightDecay / Scalar(trainingSetSize)
        // `apply` is static: a method of self, called with self's moments inout, would run on a
        // copy of self, and the moments, then shared, would be copied at every step.
        let (beta1, beta2, epsilon) = (beta1, beta2, epsilon)
        for index in network.layers.indices {
            if index > 0 || firstWeights {
                Self.apply(&network.layers[index].weights.elements, gradients.weights[index].elements,
                           &firstMoment!.weights[index].elements, &secondMoment!.weights[index].elements,
                           beta1: beta1, beta2: beta2, epsilon: epsilon, rate: rate, root2: root2, decay: decay)
            }
            Self.apply(&network.layers[index].biases, gradients.biases[index],
                       &firstMoment!.biases[index], &secondMoment!.biases[index],
                       beta1: beta1, beta2: beta2, epsilon: epsilon, rate: rate, root2: root2, decay: 0)
        }
        return (rate, root2, decay)
    }

    private static func apply(_ parameters: inout [Scalar], _ gradient: [Scalar], _ m: inout [Scalar], _ v: inout [Scalar],
                              beta1: Scalar, beta2: Scalar, epsilon: Scalar, rate: Scalar, root2: Scalar, decay: Scalar) {
        parameters.withUnsafeMutableBufferPointer { w in
            gradient.withUnsafeBufferPointer { g in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        Scalar.adamStep(weights: w, gradients: g, first: m, second: v, beta1: beta1, beta2: beta2,
                                        epsilon: epsilon, rate: rate, root2: root2, decay: decay)
                    }
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
