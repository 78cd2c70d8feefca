public import DescentLinearAlgebra

/// Adam (Kingma & Ba 2015, "Adam: a method for stochastic optimization", Algorithm 1), with the
/// same L2 term as SGD added to each weight's gradient: (λ/n)·w.
public struct Adam<Scalar: MatrixScalar>: Sendable {
    public var learningRate: Scalar
    public var beta1: Scalar
    public var beta2: Scalar
    public var epsilon: Scalar
    /// λ, scaled by 1/n as in `SGD`.
    public var weightDecay: Scalar
    public var trainingSetSize: Int
    /// The number of steps taken, t in the paper.
    public package(set) var steps = 0
    /// m and v, shaped like the network; nil until the first step. Settable, with `steps`, to
    /// resume a run; they must then be shaped like the network.
    public package(set) var firstMoment: Gradients<Scalar>?
    public package(set) var secondMoment: Gradients<Scalar>?

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
