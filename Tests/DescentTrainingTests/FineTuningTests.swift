import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork
import Testing
import DescentTraining

/// Runs that start from a trained network instead of drawing one.
@Suite("Fine-tuning")
struct FineTuningTests {
    @Test func fineTuningStartsFromTheGivenNetwork() throws {
        let data = TrainingRunTests.data()
        let configuration = TrainingRunTests.configuration(epochs: 1)
        let trained = try TrainingRun(configuration: configuration, data: data).run().model.network
        var startedWith: Network<Float>?
        var startingAccuracy: Double?
        let run = try TrainingRun(fineTuning: trained, configuration: configuration, data: data)
        #expect(run.isFineTuning)
        let tuned = try run.run { event in
            if case .started(let network, let accuracy) = event { (startedWith, startingAccuracy) = (network, accuracy) }
        }
        let started = try #require(startedWith)
        #expect(started.layers.map(\.weights) == trained.layers.map(\.weights))
        #expect(startingAccuracy == Evaluation(network: trained, on: data.validation).accuracy)
        #expect(tuned.model.network.layers.map(\.weights) != trained.layers.map(\.weights))
        #expect(tuned.model.metadata["epochs_completed"] == "1")

        var other = configuration
        other.sizes = [784, 6, 4]
        #expect(throws: TrainingError.self) { try TrainingRun(fineTuning: trained, configuration: other, data: data) }
        var relu = configuration
        relu.hidden = .relu
        #expect(throws: TrainingError.self) { try TrainingRun(fineTuning: trained, configuration: relu, data: data) }
    }
}
