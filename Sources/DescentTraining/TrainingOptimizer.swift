package import DescentNetwork

extension TrainingConfiguration {
    /// A fresh optimizer of this configuration's kind, for a training set of `trainingSetSize` examples.
    package func makeOptimizer(trainingSetSize: Int) -> TrainingOptimizer {
        switch optimizer {
        case .sgd:
            return .sgd(SGD(learningRate: Float(learningRate), momentum: Float(momentum),
                            weightDecay: Float(weightDecay), trainingSetSize: trainingSetSize))
        case .nesterov:
            return .sgd(SGD(learningRate: Float(learningRate), momentum: Float(momentum), nesterov: true,
                            weightDecay: Float(weightDecay), trainingSetSize: trainingSetSize))
        case .adam:
            return .adam(Adam(learningRate: Float(learningRate), weightDecay: Float(weightDecay), trainingSetSize: trainingSetSize))
        }
    }
}


/// The optimizer a configuration chose. An enum rather than an existential so that each step
/// calls the Float-specialised code directly.
package enum TrainingOptimizer: Sendable {
    case sgd(SGD<Float>)
    case adam(Adam<Float>)

    /// The step size the next step takes; a schedule sets it before each step.
    package var learningRate: Float {
        get {
            switch self {
            case .sgd(let sgd): return sgd.learningRate
            case .adam(let adam): return adam.learningRate
            }
        }
        set {
            switch self {
            case .sgd(var sgd): sgd.learningRate = newValue; self = .sgd(sgd)
            case .adam(var adam): adam.learningRate = newValue; self = .adam(adam)
            }
        }
    }

    /// Returns the optimizer, leaving a placeholder in `self` until it is put back.
    private mutating func take() -> TrainingOptimizer {
        let taken = self
        self = .sgd(SGD(learningRate: 0))
        return taken
    }

    /// Whether the first layer can be trained over sparse inputs: plain SGD without momentum, whose
    /// update needs no gradient buffer, and Adam, which steps the layer's weights in its layout.
    package var canTrainSparse: Bool {
        switch self {
        case .sgd(let sgd): return sgd.momentum == 0
        case .adam: return true
        }
    }

    /// The sparse first layer this optimizer trains `network`'s first layer with (nil when it
    /// cannot: see `canTrainSparse`), carrying Adam's moments so far.
    package func makeSparseLayer(for network: Network<Float>, capacity: Int) -> SparseFirstLayer? {
        guard canTrainSparse else { return nil }
        var layer = SparseFirstLayer(network: network, capacity: capacity)
        if case .adam(let adam) = self {
            layer.enableAdam(firstMoment: adam.firstMoment?.weights[0], secondMoment: adam.secondMoment?.weights[0])
        }
        return layer
    }

    /// Puts what `sparse` trained back: the first layer's weights into `network`, Adam's moments
    /// for it into this optimizer. Call it before anyone reads either.
    package mutating func writeBack(_ sparse: SparseFirstLayer?, into network: inout Network<Float>) {
        guard let sparse else { return }
        sparse.write(into: &network)
        guard let moments = sparse.adamMoments, case .adam(var adam) = take() else { return }
        if adam.firstMoment != nil, adam.secondMoment != nil {
            adam.firstMoment!.weights[0] = moments.first
            adam.secondMoment!.weights[0] = moments.second
        }
        self = .adam(adam)
    }

    /// Backpropagates the batch in `workspace` and updates `network`; with `sparse` (from
    /// `makeSparseLayer`), the first layer runs over the batch's non-zero inputs held there.
    package mutating func step(
        _ network: inout Network<Float>, on workspace: inout Workspace<Float>, sparse: inout SparseFirstLayer?,
        count: Int, gradients: inout Gradients<Float>
    ) -> BatchResult<Float> {
        if sparse != nil {
            switch take() {
            case .sgd(let sgd):
                self = .sgd(sgd)
                let shrink = 1 - sgd.learningRate * sgd.weightDecay / Float(sgd.trainingSetSize)
                return network.descend(&workspace, sparse: &sparse!, count: count, learningRate: sgd.learningRate, shrink: shrink)
            case .adam(var adam):
                let result = adam.step(&network, on: &workspace, sparse: &sparse!, count: count, gradients: &gradients)
                self = .adam(adam)
                return result
            }
        }
        // The optimizer is taken out of `self` while it steps: were `self` (or a switch's copy of
        // it) still holding it, its velocity or moments would be shared, and each step would copy them.
        switch take() {
        case .sgd(var sgd):
            let result = sgd.step(&network, on: &workspace, count: count, gradients: &gradients)
            self = .sgd(sgd)
            return result
        case .adam(var adam):
            let result = adam.step(&network, on: &workspace, count: count, gradients: &gradients)
            self = .adam(adam)
            return result
        }
    }
}
