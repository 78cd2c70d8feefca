// NeuralNetwork: fully connected layers, their forward pass, backpropagation over a mini-batch,
// SGD, the gradient check, and the model file. It knows nothing of MNIST: inputs are numbers.

import DescentLinearAlgebra

/// The function a layer applies to its weighted inputs z to give its activations a = f(z).
public enum Activation: String, CaseIterable, Sendable, Codable {
    /// σ(z) = 1 / (1 + e^-z), the video's squishification.
    case sigmoid
    /// max(0, z).
    case relu
    /// tanh(z).
    case tanh
    /// e^z_j / Σ_k e^z_k over a layer; output layers only.
    case softmax

    /// Replaces each row of `z` (one example per row; only the first `rows`) with its activation.
    func apply<Scalar: MatrixScalar>(to z: inout Matrix<Scalar>, rows: Int) {
        let width = z.columns
        z.elements.withUnsafeMutableBufferPointer { values in
            switch self {
            case .sigmoid:
                Scalar.sigmoid(UnsafeMutableBufferPointer(rebasing: values[0..<(rows * width)]))
            case .relu:
                Scalar.relu(UnsafeMutableBufferPointer(rebasing: values[0..<(rows * width)]))
            case .tanh:
                for index in 0..<(rows * width) { values[index] = Scalar.tanh(values[index]) }
            case .softmax:
                for row in 0..<rows {
                    let start = row * width
                    // Subtracting the largest z keeps every exponent at most 0: no overflow.
                    var largest = values[start]
                    for j in start..<(start + width) { largest = max(largest, values[j]) }
                    var sum: Scalar = 0
                    for j in start..<(start + width) {
                        values[j] = Scalar.exp(values[j] - largest)
                        sum += values[j]
                    }
                    for j in start..<(start + width) { values[j] /= sum }
                }
            }
        }
    }

    /// f'(z) written in terms of a = f(z), so the backward pass needs only the cached activations.
    /// Not defined for softmax, whose Jacobian is not diagonal; `Cost` handles a softmax output.
    /// delta ← delta ⊙ f′, f′ taken from the outputs `a` = f(z), over `count` values: the switch
    /// outside the loop, so that each case is a plain loop the compiler vectorises.
    func multiplyByDerivative<Scalar: MatrixScalar>(
        _ delta: UnsafeMutablePointer<Scalar>, output a: UnsafePointer<Scalar>, count: Int
    ) {
        switch self {
        case .sigmoid: for index in 0..<count { delta[index] *= a[index] * (1 - a[index]) }
        case .relu: Scalar.reluBackward(UnsafeMutableBufferPointer(start: delta, count: count), outputs: UnsafeBufferPointer(start: a, count: count))
        case .tanh: for index in 0..<count { delta[index] *= 1 - a[index] * a[index] }
        case .softmax: preconditionFailure("softmax derivative is taken through the cost")
        }
    }

    @inline(__always)
    func derivative<Scalar: MatrixScalar>(fromOutput a: Scalar) -> Scalar {
        switch self {
        case .sigmoid: return a * (1 - a)
        case .relu: return a > 0 ? 1 : 0
        case .tanh: return 1 - a * a
        case .softmax: preconditionFailure("softmax derivative is taken through the cost")
        }
    }

    /// The activations allowed in hidden layers.
    public static var hidden: [Activation] { [.sigmoid, .relu, .tanh] }
    /// The activations allowed in the output layer.
    public static var output: [Activation] { [.sigmoid, .softmax] }
}
