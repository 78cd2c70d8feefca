package import DescentDatasets
import DescentLinearAlgebra
package import DescentNetwork

/// What one hidden neuron responds to over a set of images.
package struct NeuronProfile: Sendable {
    /// The layer, counted as in `Network.layers` (0 is the first hidden layer).
    package let layer: Int
    /// The neuron within its layer.
    package let neuron: Int
    /// The images that excite it most, the strongest first: ranked by the weighted input
    /// z = w·x + b, which still tells images apart where a saturated sigmoid's activation reads 1.
    package let topImages: [Int]
    /// Its activation for each of `topImages`.
    package let topActivations: [Double]
    /// Its weighted input z for each of `topImages`.
    package let topWeightedInputs: [Double]
    /// Counts of its activations in equal bins over `range`.
    package let histogram: [Int]
    /// The range the histogram covers: the activation function's (0...1 for sigmoid, −1...1 for
    /// tanh), or 0 to the largest seen for ReLU.
    package let range: ClosedRange<Double>
    /// Its mean activation over the images.
    package let mean: Double

    /// The profile of every hidden neuron, layer by layer.
    /// - Parameters:
    ///   - network: The network whose hidden neurons are profiled (not its output layer).
    ///   - images: The images fed through it, each at `network.inputCount` pixels.
    ///   - top: How many most exciting images to keep.
    ///   - bins: Histogram bins.
    /// - Complexity: O(images.count · parameterCount).
    package static func profiles(of network: Network<Float>, on images: LabeledImages, top: Int = 9, bins: Int = 20) -> [[NeuronProfile]] {
        let hidden = network.layers.count - 1
        var activations = network.layers.prefix(hidden).map { [[Double]](repeating: [], count: $0.outputCount) }
        var weightedInputs = activations
        network.forwardBatches(of: images) { workspace, _, count in
            for layer in 0..<hidden {
                let input = layer == 0 ? workspace.inputs : workspace.activations[layer - 1]
                let weights = network.layers[layer].weights
                for row in 0..<count {
                    for neuron in activations[layer].indices {
                        activations[layer][neuron].append(Double(workspace.activations[layer][row, neuron]))
                        var z = Double(network.layers[layer].biases[neuron])
                        for column in 0..<weights.columns { z += Double(weights[neuron, column]) * Double(input[row, column]) }
                        weightedInputs[layer][neuron].append(z)
                    }
                }
            }
        }
        return activations.indices.map { layer in
            activations[layer].indices.map { neuron in
                NeuronProfile(layer: layer, neuron: neuron, values: activations[layer][neuron], weightedInputs: weightedInputs[layer][neuron],
                              activation: network.layers[layer].activation, top: top, bins: bins)
            }
        }
    }

    init(layer: Int, neuron: Int, values: [Double], weightedInputs: [Double], activation: Activation, top: Int, bins: Int) {
        self.layer = layer
        self.neuron = neuron
        let order = weightedInputs.indices.sorted { weightedInputs[$0] > weightedInputs[$1] }.prefix(top)
        topImages = Array(order)
        topActivations = order.map { values[$0] }
        topWeightedInputs = order.map { weightedInputs[$0] }
        let range: ClosedRange<Double> = switch activation {
        case .tanh: -1...1
        case .relu: 0...max(values.max() ?? 1, 1e-6)
        case .sigmoid, .softmax: 0...1
        }
        var histogram = [Int](repeating: 0, count: bins)
        for value in values {
            let bin = Int((value - range.lowerBound) / (range.upperBound - range.lowerBound) * Double(bins))
            histogram[min(bins - 1, max(0, bin))] += 1
        }
        self.range = range
        self.histogram = histogram
        mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}
