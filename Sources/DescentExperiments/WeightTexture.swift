package import DescentNetwork
import DescentLinearAlgebra

/// How much a neuron's weights, seen as an image, look like strokes rather than noise.
package enum WeightTexture {
    /// The correlation between each weight and its right and lower neighbours, over every neuron of
    /// `layer` (whose input must be a `side` x `side` image): near 1 for smooth strokes and blobs,
    /// near 0 for noise. Each neuron's weights are centred on their own mean first.
    /// - Complexity: O(layer's weights).
    package static func neighbourCorrelation(_ layer: Layer<Float>, side: Int) -> Double {
        precondition(side * side == layer.inputCount, "neighbourCorrelation: \(layer.inputCount) inputs are not \(side)x\(side)")
        var products = 0.0, squaresA = 0.0, squaresB = 0.0
        for neuron in 0..<layer.outputCount {
            let values = (0..<layer.inputCount).map { Double(layer.weights[neuron, $0]) }
            let mean = values.reduce(0, +) / Double(values.count)
            for row in 0..<side {
                for column in 0..<side {
                    let here = values[row * side + column] - mean
                    for (r, c) in [(row, column + 1), (row + 1, column)] where r < side && c < side {
                        let there = values[r * side + c] - mean
                        products += here * there
                        squaresA += here * here
                        squaresB += there * there
                    }
                }
            }
        }
        let denominator = (squaresA * squaresB).squareRoot()
        return denominator > 0 ? products / denominator : 0
    }
}
