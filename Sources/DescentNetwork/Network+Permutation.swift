import DescentLinearAlgebra

// Renumbering hidden neurons. A hidden neuron is its row of weights and its bias in its own layer,
// and its column of weights in the next layer: moving all three together changes nothing the
// network computes, so each hidden layer of n neurons has n! equivalent orderings (Hecht-Nielsen,
// "On the algebraic structure of feedforward network weight spaces", 1990).

extension Network {
    /// The same function with its hidden neurons renumbered.
    ///
    /// In hidden layer `l`, the new neuron `i` is the old neuron `permutations[l][i]`: row
    /// `permutations[l][i]` of `layers[l].weights` and its bias become row `i`, and column
    /// `permutations[l][i]` of `layers[l + 1].weights` becomes column `i`. Only numbers move: the
    /// outputs are the same, except that the next layer now adds its inputs up in another order,
    /// which can change the last bits (a relative 1e-7 or so in Float).
    /// - Parameter permutations: One per hidden layer (`layers.count − 1` of them), each an
    ///   ordering of `0..<n` for that layer's `n` neurons.
    /// - Precondition: `permutations` has one valid ordering per hidden layer; the message names the bad one.
    /// - Complexity: O(parameterCount).
    public func permutingHiddenNeurons(by permutations: [[Int]]) -> Network {
        precondition(permutations.count == layers.count - 1,
                     "permutingHiddenNeurons: \(permutations.count) permutations for \(layers.count - 1) hidden layers")
        var permuted = self
        for (index, permutation) in permutations.enumerated() {
            precondition(Self.isPermutation(permutation, of: layers[index].outputCount),
                         "permutingHiddenNeurons: layer \(index) has \(layers[index].outputCount) neurons; \(permutation) is not an ordering of them")
            // From `permuted`: this layer's columns were already renumbered with the layer before.
            permuted.layers[index].weights = permuted.layers[index].weights.selectingRows(permutation)
            permuted.layers[index].biases = permutation.map { layers[index].biases[$0] }
            permuted.layers[index + 1].weights = layers[index + 1].weights.selectingColumns(permutation)
        }
        return permuted
    }

    /// Whether `permutation` holds each of `0..<count` exactly once.
    static func isPermutation(_ permutation: [Int], of count: Int) -> Bool {
        guard permutation.count == count else { return false }
        var seen = [Bool](repeating: false, count: count)
        for index in permutation {
            guard (0..<count).contains(index), !seen[index] else { return false }
            seen[index] = true
        }
        return true
    }
}

extension Matrix {
    /// Row `i` of the result is row `rows[i]` of this matrix.
    func selectingRows(_ rows: [Int]) -> Matrix {
        var elements: [Scalar] = []
        elements.reserveCapacity(rows.count * columns)
        for row in rows { elements += self.elements[(row * columns)..<((row + 1) * columns)] }
        return Matrix(rows: rows.count, columns: columns, elements: elements)
    }

    /// Column `j` of the result is column `columns[j]` of this matrix.
    func selectingColumns(_ columns: [Int]) -> Matrix {
        var result = Matrix(rows: rows, columns: columns.count)
        for row in 0..<rows {
            for (column, source) in columns.enumerated() { result[row, column] = self[row, source] }
        }
        return result
    }
}
