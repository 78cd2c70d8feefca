import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork
import Testing
import DescentTraining

@Suite("Training progress")
struct TrainingProgressTests {
    @Test("the network is sent after each epoch's report, and the last one is the result")
    func networkAfterEpoch() throws {
        var configuration = TrainingConfiguration()
        configuration.sizes = [4, 8, 4]
        configuration.epochs = 3
        var generator = SplitMix64(seed: 0)
        let network = try configuration.makeNetwork(using: &generator)
        var order: [String] = []
        var networks: [Network<Float>] = []
        let result = try Trainer(configuration: configuration).train(
            network, on: brightestPixelImages(count: 100, seed: 1), validation: brightestPixelImages(count: 20, seed: 2),
            using: &generator
        ) { event in
            switch event {
            case .progress, .started: break
            case .epochFinished(let report): order.append("report \(report.epoch)")
            case .networkAfterEpoch(let epoch, let network):
                order.append("network \(epoch)")
                networks.append(network)
            }
        }
        #expect(order == ["report 1", "network 1", "report 2", "network 2", "report 3", "network 3"])
        #expect(networks.last == result.network && networks[0] != networks[1])
    }
}
