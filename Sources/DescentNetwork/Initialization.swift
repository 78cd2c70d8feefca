import DescentLinearAlgebra

/// How a new network's weights and biases are drawn.
public enum Initialization: String, CaseIterable, Sendable, Codable {
    /// Weights and biases N(0, 1): Nielsen's `network.py`.
    case normal
    /// Weights N(0, 1/fan_in), i.e. standard deviation 1/√fan_in, biases N(0, 1): his `network2.py`,
    /// which keeps a sigmoid neuron's z small enough not to saturate.
    case scaledNormal = "scaled-normal"
    /// Weights N(0, 2/fan_in), biases 0 (He et al. 2015, "Delving deep into rectifiers"), for ReLU.
    case he
    /// Weights uniform in ±√(6/(fan_in + fan_out)), biases 0 (Glorot & Bengio 2010).
    case glorot

    /// Draws one layer's weights (fanOut x fanIn) and biases.
    func layer<Scalar: MatrixScalar>(
        fanIn: Int, fanOut: Int, using generator: inout some RandomNumberGenerator
    ) -> (weights: Matrix<Scalar>, biases: [Scalar]) {
        var weights = Matrix<Scalar>(rows: fanOut, columns: fanIn)
        var biases = [Scalar](repeating: 0, count: fanOut)
        switch self {
        case .normal, .scaledNormal:
            let scale = self == .normal ? 1 : 1 / Double(fanIn).squareRoot()
            for index in weights.elements.indices { weights.elements[index] = Scalar(generator.standardNormal() * scale) }
            for index in biases.indices { biases[index] = Scalar(generator.standardNormal()) }
        case .he:
            let scale = (2 / Double(fanIn)).squareRoot()
            for index in weights.elements.indices { weights.elements[index] = Scalar(generator.standardNormal() * scale) }
        case .glorot:
            let limit = (6 / Double(fanIn + fanOut)).squareRoot()
            for index in weights.elements.indices {
                weights.elements[index] = Scalar((2 * generator.uniformDouble() - 1) * limit)
            }
        }
        return (weights, biases)
    }
}
