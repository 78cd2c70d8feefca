package import DescentDatasets
import DescentLinearAlgebra
package import DescentNetwork

/// The cost of a trained network on a plane through its weights: θ(α, β) = θ* + α·d₁ + β·d₂, with
/// d₁ and d₂ random directions normalised neuron by neuron (Li, Xu, Taylor, Studer & Goldstein,
/// "Visualizing the loss landscape of neural nets", NeurIPS 2018, section 4).
package struct ModelLandscape: Sendable {
    /// The α (and β) of each grid line, from −extent to +extent.
    package let coordinates: [Double]
    /// costs[row][column]: the mean cost at β = coordinates[row], α = coordinates[column].
    package let costs: [[Double]]
    /// The share classified right at each grid point, laid out as `costs`.
    package let accuracies: [[Double]]

    /// A random direction shaped like `network`'s parameters: each neuron's incoming weights drawn
    /// N(0, 1) and then scaled to the norm of that neuron's weights in `network` (Li et al.'s
    /// filter normalisation, a neuron being a fully connected layer's filter). Bias components are
    /// zero, so the biases stay as trained (the authors' code does the same with `--xignore biasbn`).
    package static func direction(like network: Network<Float>, using generator: inout some RandomNumberGenerator) -> Gradients<Float> {
        var direction = Gradients(zeroLike: network)
        for (index, layer) in network.layers.enumerated() {
            let width = layer.inputCount
            for neuron in 0..<layer.outputCount {
                let draws = (0..<width).map { _ in generator.standardNormal() }
                let drawnNorm = draws.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let weightNorm = (0..<width).reduce(0.0) { $0 + Double(layer.weights[neuron, $1] * layer.weights[neuron, $1]) }.squareRoot()
                let scale = drawnNorm > 0 ? weightNorm / drawnNorm : 0
                for column in 0..<width { direction.weights[index][neuron, column] = Float(draws[column] * scale) }
            }
        }
        return direction
    }

    /// `network` moved to θ* + α·first + β·second.
    package static func moved(_ network: Network<Float>, alpha: Double, first: Gradients<Float>,
                             beta: Double, second: Gradients<Float>) -> Network<Float> {
        var moved = network
        for index in moved.layers.indices {
            for position in moved.layers[index].weights.elements.indices {
                moved.layers[index].weights.elements[position] += Float(alpha) * first.weights[index].elements[position]
                    + Float(beta) * second.weights[index].elements[position]
            }
            for position in moved.layers[index].biases.indices {
                moved.layers[index].biases[position] += Float(alpha) * first.biases[index][position]
                    + Float(beta) * second.biases[index][position]
            }
        }
        return moved
    }

    /// Measures the cost on a `resolution` x `resolution` grid over α, β in −extent...extent.
    /// - Parameters:
    ///   - network: The trained network, at the centre of the plane.
    ///   - data: The images the cost is measured on.
    ///   - directions: d₁ and d₂, usually from `direction(like:using:)`.
    ///   - extent: How far the grid reaches along each direction, both ways; above 0.
    ///   - resolution: Points along each axis, at least 2 (odd puts one at the network itself).
    ///   - progress: Called with the number of grid rows done.
    /// - Complexity: O(resolution² · data.count · parameterCount).
    package init(network: Network<Float>, data: LabeledImages, directions: (Gradients<Float>, Gradients<Float>),
                extent: Double = 1, resolution: Int = 21, progress: (Int) -> Void = { _ in }) {
        precondition(resolution >= 2 && extent > 0, "ModelLandscape: resolution \(resolution), extent \(extent)")
        let coordinates = (0..<resolution).map { -extent + 2 * extent * Double($0) / Double(resolution - 1) }
        var costs: [[Double]] = []
        var accuracies: [[Double]] = []
        for beta in coordinates {
            var costRow: [Double] = [], accuracyRow: [Double] = []
            for alpha in coordinates {
                let moved = Self.moved(network, alpha: alpha, first: directions.0, beta: beta, second: directions.1)
                let measured = Self.costAndAccuracy(moved, on: data)
                costRow.append(measured.cost)
                accuracyRow.append(measured.accuracy)
            }
            costs.append(costRow)
            accuracies.append(accuracyRow)
            progress(costs.count)
        }
        self.coordinates = coordinates
        self.costs = costs
        self.accuracies = accuracies
    }

    /// The mean cost (the network's own, without regularisation) and the share right on `data`.
    /// - Complexity: O(data.count · parameterCount).
    package static func costAndAccuracy(_ network: Network<Float>, on data: LabeledImages, batchSize: Int = 500) -> (cost: Double, accuracy: Double) {
        guard data.count > 0 else { return (0, 0) }
        var workspace = Workspace(for: network, capacity: min(batchSize, data.count))
        var totalCost = 0.0, correct = 0, first = 0
        while first < data.count {
            let count = min(workspace.capacity, data.count - first)
            for row in 0..<count { workspace.setInput(row: row, bytes: data.image(first + row), label: Int(data.labels[first + row])) }
            totalCost += Double(network.cost(&workspace, count: count)) * Double(count)
            for row in 0..<count where workspace.predictedClass(row: row) == workspace.labels[row] { correct += 1 }
            first += count
        }
        return (totalCost / Double(data.count), Double(correct) / Double(data.count))
    }
}
