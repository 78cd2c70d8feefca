import DescentLinearAlgebra

/// The cost of one example, averaged over a batch by the network: C = (1/n) Σx Cx.
public enum Cost: String, CaseIterable, Sendable, Codable {
    /// Cx = ½‖y − a‖², Nielsen's quadratic cost; the ½ makes learning rate 3.0 mean what it means
    /// in his `network.py`.
    case quadratic
    /// With a sigmoid output, Cx = −Σj [yj ln aj + (1 − yj) ln(1 − aj)] (Nielsen, chapter 3);
    /// with softmax, the log-likelihood Cx = −ln a_label.
    case crossEntropy = "cross-entropy"

    /// The cost of one example with output `a` (`count` values) and one-hot target `label`: the sum of
    /// its `term`s, in output order.
    func value<Scalar: MatrixScalar>(output a: UnsafeBufferPointer<Scalar>, label: Int, activation: Activation) -> Scalar {
        var total: Scalar = 0
        for j in a.indices { total += term(j, output: a, label: label, activation: activation) }
        return total
    }

    /// Output `j`'s part of the cost of one example, so that Cx = Σj term(j):
    /// ½(aj − yj)² for the quadratic cost; −[yj ln aj + (1 − yj) ln(1 − aj)] for cross-entropy with a
    /// sigmoid output; −yj ln aj for the log-likelihood with softmax, zero but for the label's.
    /// A logarithm's argument is kept at least `leastNormalMagnitude`, so a term is always finite.
    @inline(__always)
    func term<Scalar: MatrixScalar>(_ j: Int, output a: UnsafeBufferPointer<Scalar>, label: Int, activation: Activation) -> Scalar {
        switch self {
        case .quadratic:
            let difference = a[j] - (j == label ? 1 : 0)
            return difference * difference / 2
        case .crossEntropy where activation == .softmax:
            return j == label ? -Scalar.log(max(a[j], .leastNormalMagnitude)) : 0
        case .crossEntropy:
            // y ln a + (1 − y) ln(1 − a), one of the two terms vanishing for one-hot y.
            let p = j == label ? a[j] : 1 - a[j]
            return -Scalar.log(max(p, .leastNormalMagnitude))
        }
    }

    /// ∂Cx/∂aj, output by output: how fast the cost of one example changes with each output.
    /// Quadratic: aj − yj. Cross-entropy with sigmoid: −yj/aj + (1 − yj)/(1 − aj). Log-likelihood with
    /// softmax: −yj/aj, zero but for the label's (softmax couples the outputs; this is the derivative
    /// with respect to each output as a number, the coupling is in ∂a/∂z, which `outputDelta` takes).
    /// Denominators are kept at least `leastNormalMagnitude`, as in `term`.
    func outputGradient<Scalar: MatrixScalar>(output a: [Scalar], label: Int, activation: Activation) -> [Scalar] {
        a.indices.map { j in
            let y: Scalar = j == label ? 1 : 0
            switch self {
            case .quadratic:
                return a[j] - y
            case .crossEntropy where activation == .softmax:
                return j == label ? -1 / max(a[j], .leastNormalMagnitude) : 0
            case .crossEntropy:
                return j == label ? -1 / max(a[j], .leastNormalMagnitude) : 1 / max(1 - a[j], .leastNormalMagnitude)
            }
        }
    }

    /// Writes δ = ∂Cx/∂z for the output layer into `delta`, from the output `a` and the label.
    ///
    /// Cross-entropy with sigmoid, and log-likelihood with softmax, both give δ = a − y (the
    /// activation's slope cancels, which is why they learn fast from bad starts). Quadratic cost
    /// gives δ = (a − y) ⊙ σ'(z), and through softmax δj = aj · (gj − Σk gk ak) with g = a − y.
    func outputDelta<Scalar: MatrixScalar>(
        output a: UnsafeBufferPointer<Scalar>, label: Int, activation: Activation, into delta: UnsafeMutableBufferPointer<Scalar>
    ) {
        for j in a.indices { delta[j] = a[j] - (j == label ? 1 : 0) }
        guard self == .quadratic else { return }
        if activation == .softmax {
            var weighted: Scalar = 0
            for j in a.indices { weighted += delta[j] * a[j] }
            for j in a.indices { delta[j] = a[j] * (delta[j] - weighted) }
        } else {
            for j in a.indices { delta[j] *= activation.derivative(fromOutput: a[j]) }
        }
    }
}
