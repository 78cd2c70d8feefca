package import DescentDatasets
package import DescentLinearAlgebra
package import DescentNetwork

/// What each hidden neuron of a network does over a set of images, in the form that makes
/// correlations cheap: its activations with their mean removed and scaled to unit length.
package struct HiddenActivations: Sendable {
    /// One matrix per hidden layer, images x neurons: each column (a neuron) centred and scaled to
    /// norm 1 over the images; a neuron whose activation never changes (dead, or saturated) is zero.
    package let layers: [Matrix<Double>]

    /// Runs `images` through `network` and keeps its hidden layers' activations, standardised.
    /// - Complexity: O(images.count · parameterCount).
    package init(of network: Network<Float>, on images: LabeledImages) {
        var layers = network.layers.dropLast().map { Matrix<Double>(rows: images.count, columns: $0.outputCount) }
        network.forwardBatches(of: images) { workspace, first, count in
            for layer in layers.indices {
                let width = layers[layer].columns
                for position in 0..<(count * width) {
                    layers[layer].elements[first * width + position] = Double(workspace.activations[layer].elements[position])
                }
            }
        }
        self.layers = layers.map(Self.standardised)
    }

    /// Each column with its mean subtracted, divided by its norm (left at zero when that is zero).
    static func standardised(_ matrix: Matrix<Double>) -> Matrix<Double> {
        var result = matrix
        for column in 0..<matrix.columns {
            let mean = (0..<matrix.rows).reduce(0.0) { $0 + matrix[$1, column] } / Double(max(1, matrix.rows))
            let norm = (0..<matrix.rows).reduce(0.0) { $0 + (matrix[$1, column] - mean) * (matrix[$1, column] - mean) }.squareRoot()
            for row in 0..<matrix.rows { result[row, column] = norm > 0 ? (matrix[row, column] - mean) / norm : 0 }
        }
        return result
    }

    /// correlations[i][j]: Pearson's correlation, over the images, of neuron `i` of this network's
    /// hidden layer `layer` with neuron `j` of `other`'s (0 where either never changes).
    /// - Complexity: O(images · n²) for n neurons.
    package func correlations(with other: HiddenActivations, layer: Int) -> [[Double]] {
        let (mine, theirs) = (layers[layer], other.layers[layer])
        precondition(mine.rows == theirs.rows && mine.columns == theirs.columns,
                     "correlations: layer \(layer) is \(mine.rows)x\(mine.columns) and \(theirs.rows)x\(theirs.columns)")
        let width = mine.columns
        var sums = [Double](repeating: 0, count: width * width)
        for row in 0..<mine.rows {
            for i in 0..<width {
                let value = mine[row, i]
                guard value != 0 else { continue }
                for j in 0..<width { sums[i * width + j] += value * theirs[row, j] }
            }
        }
        return (0..<width).map { Array(sums[($0 * width)..<(($0 + 1) * width)]) }
    }
}

/// The renumbering of one network's hidden neurons that best matches another's: in each hidden
/// layer, the one-to-one pairing that maximises the summed correlation of paired neurons'
/// activations, found by the Hungarian method ("activation matching" of Ainsworth, Hayase &
/// Srinivasa, "Git Re-Basin: merging models modulo permutation symmetries", ICLR 2023, section 3.1).
///
/// A neuron whose activation never changes on the images (a dead ReLU) correlates with nothing:
/// it is paired with whatever is left over, which does not change the function.
///
/// Layers are matched independently: renumbering layer l does not change the values of any layer's
/// activations, only the order of layer l's, so each layer's best pairing does not depend on another's.
package struct NeuronAlignment: Sendable, Equatable {
    /// One per hidden layer: position `i` of the aligned network takes neuron `permutations[l][i]`
    /// of the network being aligned, the one matched to the reference's neuron `i`. Pass them to
    /// `Network.permutingHiddenNeurons(by:)`.
    package let permutations: [[Int]]
    /// Per hidden layer: the mean correlation of the reference's neurons with their matches.
    package let matchedCorrelations: [Double]
    /// Per hidden layer: the mean correlation of neuron i with neuron i, before renumbering.
    package let unmatchedCorrelations: [Double]

    /// The renumbering of `other`'s hidden neurons that matches `reference`'s, from their activations
    /// on the same images.
    /// - Complexity: O(layers · (images · n² + n³)) for n neurons a layer.
    package init(aligning other: HiddenActivations, to reference: HiddenActivations) {
        precondition(other.layers.count == reference.layers.count,
                     "NeuronAlignment: \(other.layers.count) and \(reference.layers.count) hidden layers")
        var permutations: [[Int]] = [], matched: [Double] = [], unmatched: [Double] = []
        for layer in reference.layers.indices {
            let correlations = reference.correlations(with: other, layer: layer)
            let assignment = Assignment(maximizing: correlations)
            let width = Double(max(1, correlations.count))
            permutations.append(assignment.columns)
            matched.append(assignment.total / width)
            unmatched.append(correlations.indices.reduce(0) { $0 + correlations[$1][$1] } / width)
        }
        self.permutations = permutations
        matchedCorrelations = matched
        unmatchedCorrelations = unmatched
    }

    /// `other` with its hidden neurons renumbered to match `reference`'s on `images`: the same function.
    /// - Complexity: O(images.count · parameterCount + layers · (images · n² + n³)).
    package static func aligned(_ other: Network<Float>, to reference: Network<Float>, on images: LabeledImages) -> Network<Float> {
        let alignment = NeuronAlignment(aligning: HiddenActivations(of: other, on: images), to: HiddenActivations(of: reference, on: images))
        return other.permutingHiddenNeurons(by: alignment.permutations)
    }
}
