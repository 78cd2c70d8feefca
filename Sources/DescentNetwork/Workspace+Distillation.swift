package import DescentLinearAlgebra

/// Knowledge distillation (Hinton, Vinyals & Dean, 2015): besides its label, each example of a batch
/// carries a teacher's softened outputs p = softmax(z_teacher / T), and the cost of a softmax
/// network's output a = softmax(z) becomes
///
///     Cx = α · (−ln a_label) + (1 − α) · T² · (−Σj pj ln qj),   q = softmax(z / T),
///
/// whose gradient with respect to z is α (a − y) + (1 − α) · T · (q − p). The T² keeps the soft
/// term's gradient the same size whatever the temperature.
package struct DistillationTargets<Scalar: MatrixScalar>: Sendable {
    /// The weight of the label's cross-entropy, in 0...1; the teacher's term has 1 − α.
    package let alpha: Scalar
    /// The temperature T > 0 that softens both networks' outputs.
    package let temperature: Scalar
    /// capacity x outputs: the teacher's softened outputs p, one example a row, filled by the caller.
    package var targets: Matrix<Scalar>

    package init(alpha: Scalar, temperature: Scalar, capacity: Int, outputs: Int) {
        self.alpha = alpha
        self.temperature = temperature
        targets = Matrix(rows: capacity, columns: outputs)
    }

    /// Writes softmax(z / T) into `softened`, from the softmax outputs a = softmax(z): since
    /// ln aj = zj − ln Σ e^z, softmax(ln a / T) = softmax(z / T). An output too small to be a Float
    /// counts as the smallest normal one (its term, e^(−87/T) at most, is negligible for T ≤ 100).
    package static func soften(
        _ a: UnsafeBufferPointer<Scalar>, temperature: Scalar, into softened: UnsafeMutableBufferPointer<Scalar>
    ) {
        var largest = -Scalar.infinity
        for j in a.indices {
            softened[j] = Scalar.log(max(a[j], .leastNormalMagnitude)) / temperature
            largest = max(largest, softened[j])
        }
        var sum: Scalar = 0
        for j in a.indices {
            softened[j] = Scalar.exp(softened[j] - largest)
            sum += softened[j]
        }
        for j in a.indices { softened[j] /= sum }
    }

    /// The distillation cost of one example with softmax output `a`, label `label` and the
    /// teacher's softened outputs `p`; `q` is scratch of the same size. Writes ∂Cx/∂z into `delta`
    /// when it is given.
    package func cost(
        output a: UnsafeBufferPointer<Scalar>, label: Int, teacher p: UnsafeBufferPointer<Scalar>,
        scratch q: UnsafeMutableBufferPointer<Scalar>, delta: UnsafeMutableBufferPointer<Scalar>?
    ) -> Scalar {
        Self.soften(a, temperature: temperature, into: q)
        var soft: Scalar = 0
        for j in a.indices where p[j] > 0 { soft -= p[j] * Scalar.log(max(q[j], .leastNormalMagnitude)) }
        if let delta {
            let hard = alpha
            let gentle = (1 - alpha) * temperature
            for j in a.indices { delta[j] = hard * (a[j] - (j == label ? 1 : 0)) + gentle * (q[j] - p[j]) }
        }
        let labelCost = -Scalar.log(max(a[label], .leastNormalMagnitude))
        return alpha * labelCost + (1 - alpha) * temperature * temperature * soft
    }
}

extension Workspace {
    /// Turns distillation on: from now on each batch's cost is the distillation cost, with the
    /// teacher's softened outputs the caller writes into `distillation.targets` row by row.
    /// - Precondition: the network is a softmax network (`Network.layers.last.activation == .softmax`).
    package mutating func enableDistillation(alpha: Scalar, temperature: Scalar) {
        distillation = DistillationTargets(alpha: alpha, temperature: temperature, capacity: capacity, outputs: outputs.columns)
    }
}
