import DescentLinearAlgebra

// Networks as points of parameter space: the straight line between two of them, and how far apart
// they are (Goodfellow, Vinyals & Saxe, "Qualitatively characterizing neural network optimization
// problems", ICLR 2015, interpolate linearly between two sets of weights).

extension Network {
    /// The network at `t` on the straight line from this one (t = 0) to `other` (t = 1): every
    /// weight and bias (1 − t)·self + t·other.
    ///
    /// Written as a weighted sum rather than self + t·(other − self), so that t = 0 gives this
    /// network and t = 1 gives `other`, bit for bit.
    /// - Precondition: the two have the same sizes.
    /// - Complexity: O(parameterCount).
    public func interpolated(toward other: Network, at t: Scalar) -> Network {
        precondition(sizes == other.sizes, "interpolated: sizes \(sizes) and \(other.sizes)")
        var result = self
        for index in layers.indices {
            let (weights, otherWeights) = (layers[index].weights.elements, other.layers[index].weights.elements)
            for position in weights.indices {
                result.layers[index].weights.elements[position] = (1 - t) * weights[position] + t * otherWeights[position]
            }
            let (biases, otherBiases) = (layers[index].biases, other.layers[index].biases)
            for position in biases.indices {
                result.layers[index].biases[position] = (1 - t) * biases[position] + t * otherBiases[position]
            }
        }
        return result
    }

    /// ‖θ‖: the Euclidean norm of every weight and bias together, summed in Double.
    /// - Complexity: O(parameterCount).
    public var parameterNorm: Double {
        layers.reduce(0.0) { total, layer in
            total + layer.weights.elements.reduce(0.0) { $0 + Double($1) * Double($1) }
                + layer.biases.reduce(0.0) { $0 + Double($1) * Double($1) }
        }.squareRoot()
    }

    /// ‖θ − θ′‖: the Euclidean distance to `other` over every weight and bias, summed in Double.
    /// - Precondition: the two have the same sizes.
    /// - Complexity: O(parameterCount).
    public func parameterDistance(to other: Network) -> Double {
        precondition(sizes == other.sizes, "parameterDistance: sizes \(sizes) and \(other.sizes)")
        var total = 0.0
        for (layer, otherLayer) in zip(layers, other.layers) {
            for (a, b) in zip(layer.weights.elements, otherLayer.weights.elements) { total += (Double(a) - Double(b)) * (Double(a) - Double(b)) }
            for (a, b) in zip(layer.biases, otherLayer.biases) { total += (Double(a) - Double(b)) * (Double(a) - Double(b)) }
        }
        return total.squareRoot()
    }
}
