public import DescentLinearAlgebra

/// Mini-batch stochastic gradient descent with momentum and L2 weight decay.
///
/// With velocity v (zero at the start), each step is
///   v ← momentum · v − learningRate · (∂C/∂w + (weightDecay / n) · w),   w ← w + v,
/// which for momentum 0 is Nielsen's `network2.py` update w ← (1 − ηλ/n) w − η ∂C/∂w: the cost
/// minimised is C + λ/(2n) Σ w², with n the size of the whole training set. Biases are not decayed.
///
/// With `nesterov`, the step looks ahead along the velocity (Sutskever, Martens, Dahl & Hinton 2013,
/// "On the importance of initialization and momentum in deep learning", in the form PyTorch uses):
///   v ← momentum · v − learningRate · g,   w ← w + momentum · v − learningRate · g,
/// with g = ∂C/∂w + (weightDecay / n) · w as above.
public struct SGD<Scalar: MatrixScalar>: Sendable {
    /// η, the step size: how far each step moves along −∂C/∂w (3.0 in the video's recipe).
    public var learningRate: Scalar
    /// μ, the share of the previous velocity kept each step, in 0..<1 (0: plain SGD, no velocity).
    public var momentum: Scalar
    /// Nesterov's accelerated gradient instead of classical momentum (no effect without momentum).
    public var nesterov: Bool
    /// λ, the L2 regularisation parameter, scaled by 1/n as above.
    public var weightDecay: Scalar
    /// n, the number of training examples λ is divided by.
    public var trainingSetSize: Int
    /// The running velocity, shaped like the network; nil until the first momentum step. Settable
    /// to resume a run; it must then be shaped like the network.
    public package(set) var velocity: Gradients<Scalar>?

    /// An optimizer with no velocity yet.
    /// - Parameters:
    ///   - learningRate: η, the step size.
    ///   - momentum: μ, in 0..<1; 0 is plain gradient descent.
    ///   - nesterov: Whether to look ahead along the velocity (needs `momentum` above 0 to matter).
    ///   - weightDecay: λ, the L2 regularisation parameter (0: none).
    ///   - trainingSetSize: n, which λ is divided by; values below 1 become 1.
    public init(learningRate: Scalar, momentum: Scalar = 0, nesterov: Bool = false, weightDecay: Scalar = 0, trainingSetSize: Int = 1) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.trainingSetSize = max(1, trainingSetSize)
    }

    /// Moves `network`'s parameters one step down `gradients`.
    /// - Complexity: O(parameter count).
    @_specialize(exported: true, where Scalar == Float)
    public mutating func update(_ network: inout Network<Scalar>, with gradients: Gradients<Scalar>) {
        precondition(gradients.isShaped(like: network), "update: gradients for \(gradients.sizes), a network of \(network.sizes)")
        let decay = weightDecay / Scalar(trainingSetSize)
        if momentum == 0 {
            let shrink = 1 - learningRate * decay
            for index in network.layers.indices {
                plainStep(&network.layers[index].weights.elements, gradients.weights[index].elements, shrink: shrink)
                plainStep(&network.layers[index].biases, gradients.biases[index], shrink: 1)
            }
            return
        }
        if velocity == nil { velocity = Gradients(zeroLike: network) }
        // Static, as in Adam: a method of self given self's velocity inout would copy it each step.
        let (rate, momentum, nesterov) = (learningRate, momentum, nesterov)
        for index in network.layers.indices {
            Self.velocityStep(&network.layers[index].weights.elements, gradients.weights[index].elements,
                              &velocity!.weights[index].elements, rate: rate, momentum: momentum, nesterov: nesterov, decay: decay)
            Self.velocityStep(&network.layers[index].biases, gradients.biases[index], &velocity!.biases[index],
                              rate: rate, momentum: momentum, nesterov: nesterov, decay: 0)
        }
    }

    /// One training step on the batch in `workspace`: backpropagation and this update. Without
    /// momentum it is fused (`Network.descend`), which never materialises the gradient.
    /// - Returns: The batch's cost and correct count, measured before the update.
    @_specialize(exported: true, where Scalar == Float)
    package mutating func step(
        _ network: inout Network<Scalar>, on workspace: inout Workspace<Scalar>, count: Int,
        gradients: inout Gradients<Scalar>
    ) -> BatchResult<Scalar> {
        if momentum == 0 {
            let shrink = 1 - learningRate * weightDecay / Scalar(trainingSetSize)
            return network.descend(&workspace, count: count, learningRate: learningRate, shrink: shrink)
        }
        let result = network.backpropagate(&workspace, count: count, into: &gradients)
        update(&network, with: gradients)
        return result
    }

    private func plainStep(_ parameters: inout [Scalar], _ gradient: [Scalar], shrink: Scalar) {
        let rate = learningRate
        parameters.withUnsafeMutableBufferPointer { w in
            gradient.withUnsafeBufferPointer { g in
                for index in w.indices { w[index] = shrink * w[index] - rate * g[index] }
            }
        }
    }

    private static func velocityStep(
        _ parameters: inout [Scalar], _ gradient: [Scalar], _ velocity: inout [Scalar],
        rate: Scalar, momentum: Scalar, nesterov: Bool, decay: Scalar
    ) {
        parameters.withUnsafeMutableBufferPointer { w in
            gradient.withUnsafeBufferPointer { g in
                velocity.withUnsafeMutableBufferPointer { v in
                    for index in w.indices {
                        let step = rate * (g[index] + decay * w[index])
                        v[index] = momentum * v[index] - step
                        w[index] += nesterov ? momentum * v[index] - step : v[index]
                    }
                }
            }
        }
    }
}
