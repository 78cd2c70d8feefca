import DescentLinearAlgebra

/// The cost of one example, averaged over a batch by the network: C = (1/n) Σx Cx.
public enum Cost: String, CaseIterable, Sendable, Codable {
    /// Cx = ½‖y − a‖², Nielsen's quadratic cost; the ½ makes learning rate 3.0 mean what it means
    /// in his `network.py`.
    case quadratic
    /// With a sigmoid output, Cx = −Σj [yj ln aj + (1 − yj) ln(1 − aj)] (Nielsen, chapter 3);
    /// with softmax, the log-likelihood Cx = −ln a_label.
    case crossEntropy = "cross-entropy"

    /// The cost of one example with output `a` (`count` values) and one-hot target `label`.
    func value<Scalar: MatrixScalar>(output a: UnsafeBufferPointer<Scalar>, label: Int, activation: Activation) -> Scalar {
        var total: Scalar = 0
        switch self {
        case .quadratic:
            for j in a.indices {
                let difference = a[j] - (j == label ? 1 : 0)
                total += difference * difference / 2
            }
        case .crossEntropy where activation == .softmax:
            total = -Scalar.log(max(a[label], .leastNormalMagnitude))
        case .crossEntropy:
            for j in a.indices {
                // y ln a + (1 − y) ln(1 − a), one of the two terms vanishing for one-hot y.
                let p = j == label ? a[j] : 1 - a[j]
                total -= Scalar.log(max(p, .leastNormalMagnitude))
            }
        }
        return total
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
