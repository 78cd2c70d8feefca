import DescentDatasets
import Foundation
import DescentExperiments
import DescentLinearAlgebra
import DescentNetwork
import Testing
import DescentTraining

@Suite("Model landscape, gradient analysis, neuron profiles, weight texture")
struct ModelExperimentTests {
    func trainedNetwork() throws -> (Network<Float>, LabeledImages) {
        var configuration = TrainingConfiguration()
        configuration.sizes = [16, 8, 10]
        configuration.epochs = 5
        let data = randomImages(count: 200, seed: 30)
        var generator = SplitMix64(seed: 31)
        let network = try configuration.makeNetwork(using: &generator)
        let result = try Trainer(configuration: configuration).train(network, on: data, validation: data.prefix(0), using: &generator)
        return (result.network, data)
    }

    @Test("directions are normalised neuron by neuron, leave biases alone, and the grid's centre is the network")
    func landscape() throws {
        let (network, data) = try trainedNetwork()
        var generator = SplitMix64(seed: 32)
        let first = ModelLandscape.direction(like: network, using: &generator)
        let second = ModelLandscape.direction(like: network, using: &generator)
        for (layer, weights) in first.weights.enumerated() {
            for neuron in 0..<weights.rows {
                let norm = { (matrix: Matrix<Float>) in (0..<matrix.columns).reduce(0.0) { $0 + Double(matrix[neuron, $1] * matrix[neuron, $1]) }.squareRoot() }
                #expect(abs(norm(weights) - norm(network.layers[layer].weights)) < 1e-4 * max(1, norm(weights)))
            }
            #expect(first.biases[layer].allSatisfy { $0 == 0 })
        }
        #expect(ModelLandscape.moved(network, alpha: 0, first: first, beta: 0, second: second) == network)
        let grid = ModelLandscape(network: network, data: data, directions: (first, second), extent: 1, resolution: 5)
        #expect(grid.coordinates == [-1, -0.5, 0, 0.5, 1])
        #expect(grid.costs.count == 5 && grid.costs.allSatisfy { $0.count == 5 && $0.allSatisfy(\.isFinite) })
        let own = ModelLandscape.costAndAccuracy(network, on: data)
        #expect(abs(grid.costs[2][2] - own.cost) < 1e-9 && grid.accuracies[2][2] == own.accuracy)
        #expect(abs(own.accuracy - Evaluation(network: network, on: data).accuracy) < 1e-12)
    }

    @Test("the gradient analysis ranks every parameter and its shares add up")
    func gradient() throws {
        let (network, data) = try trainedNetwork()
        let analysis = GradientAnalysis(network: network, images: data, indices: [0, 1, 2])
        #expect(analysis.ranked.count == network.parameterCount)
        #expect(zip(analysis.ranked, analysis.ranked.dropFirst()).allSatisfy { abs($0.derivative) >= abs($1.derivative) })
        #expect(abs(analysis.share(ofLargest: 1) - 1) < 1e-9)
        #expect(analysis.share(ofLargest: 0.01) <= analysis.share(ofLargest: 0.1))
        #expect(analysis.share(ofLargest: 0.1) >= 0.1)
        var workspace = Workspace(for: network, capacity: 3)
        for row in 0..<3 { workspace.setInput(row: row, bytes: data.image(row), label: Int(data.labels[row])) }
        var gradients = Gradients(zeroLike: network)
        network.backpropagate(&workspace, count: 3, into: &gradients)
        #expect(gradients == analysis.gradients)
        let top = analysis.ranked[0]
        let expected = top.input.map { gradients.weights[top.layer][top.neuron, $0] } ?? gradients.biases[top.layer][top.neuron]
        #expect(top.derivative == Double(expected))
    }

    @Test("a neuron's top images excite it most, and its histogram counts every image")
    func profiles() throws {
        let (network, data) = try trainedNetwork()
        let profiles = NeuronProfile.profiles(of: network, on: data, top: 5, bins: 10)
        #expect(profiles.count == 1 && profiles[0].count == 8)
        for profile in profiles[0] {
            #expect(profile.histogram.reduce(0, +) == data.count)
            #expect(profile.topActivations == profile.topActivations.sorted(by: >))
            #expect(profile.topWeightedInputs == profile.topWeightedInputs.sorted(by: >))
            let activations = (0..<data.count).map { network.prediction(forBytes: Array(data.image($0))).activations[0][profile.neuron] }
            #expect(abs((activations.max() ?? 0) - profile.topActivations[0]) < 1e-6)
        }
    }

    @Test("weight texture: smooth patterns correlate with their neighbours, noise does not")
    func texture() throws {
        var generator = SplitMix64(seed: 33)
        let side = 28
        let smooth = (0..<(side * side)).map { Float(sin(Double($0 % side) / 4) + cos(Double($0 / side) / 5)) }
        let noise = (0..<(side * side)).map { _ in Float(generator.standardNormal()) }
        let layer = { (values: [Float]) in Layer(weights: Matrix(rows: 1, columns: side * side, elements: values), biases: [0], activation: .sigmoid) }
        #expect(WeightTexture.neighbourCorrelation(layer(smooth), side: side) > 0.9)
        #expect(abs(WeightTexture.neighbourCorrelation(layer(noise), side: side)) < 0.1)
    }
}
