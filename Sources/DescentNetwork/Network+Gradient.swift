public import DescentLinearAlgebra

extension Network {
    /// The mean cost of a batch of examples and its gradient: ∂C/∂w and ∂C/∂b for every weight and
    /// bias, by the same backpropagation that trains (`backpropagate`, Nielsen's BP1-BP4).
    ///
    /// ```swift
    /// let (cost, gradients) = network.costAndGradients(for: inputs, labels: labels)
    /// var sgd = SGD<Float>(learningRate: 0.1)
    /// sgd.update(&network, with: gradients)   // one step downhill
    /// ```
    /// - Parameters:
    ///   - inputs: One example a row, `count x inputCount`, each number usually in 0...1.
    ///   - labels: One class a row, each in `0..<outputCount`.
    /// - Returns: C = (1/n) Σ Cₓ over the n rows (no regularisation term), and its gradient.
    /// - Precondition: `inputs.columns == inputCount`, `labels.count == inputs.rows` (at least one), and
    ///   every label in `0..<outputCount`; the message gives the numbers.
    /// - Complexity: O(count · parameterCount).
    public func costAndGradients(for inputs: Matrix<Scalar>, labels: [Int]) -> (cost: Scalar, gradients: Gradients<Scalar>) {
        precondition(inputs.columns == inputCount, "costAndGradients: \(inputs.columns) inputs a row for a network of \(inputCount)")
        precondition(labels.count == inputs.rows && !labels.isEmpty,
                     "costAndGradients: \(labels.count) labels for \(inputs.rows) rows; expected one a row, at least one")
        if let bad = labels.first(where: { !(0..<outputCount).contains($0) }) {
            preconditionFailure("costAndGradients: label \(bad) for a network of \(outputCount) outputs; expected 0..<\(outputCount)")
        }
        var workspace = Workspace(for: self, capacity: inputs.rows)
        workspace.inputs = inputs
        workspace.labels = labels
        var gradients = Gradients(zeroLike: self)
        let result = backpropagate(&workspace, count: inputs.rows, into: &gradients)
        return (result.cost, gradients)
    }
}
