public import DescentNetwork
public import DescentLinearAlgebra

// Fine-tuning: a run that starts from a trained network instead of drawing a fresh one, to go on
// learning from data it has not seen (a person's own digits mixed into MNIST, say). The recipe is
// usually the network's own (`TrainingConfiguration(metadata:)`) with fewer epochs.

extension TrainingRun {
    /// A fresh run of `configuration` on `data` that starts from `network` rather than from weights
    /// drawn from the seed. The seed still decides the shuffles (and any distortions and dropout);
    /// the optimizer starts afresh (no momentum or Adam moments are carried over).
    /// - Parameters:
    ///   - network: The trained network to go on from; its layer sizes, activations and cost must be
    ///     the configuration's.
    ///   - configuration: The recipe, checked against the data as `init(configuration:data:)` does.
    ///   - data: The examples.
    /// - Throws: `TrainingError.configuration` naming what differs between the network and the
    ///   configuration, or as `init(configuration:data:)` does.
    public init(fineTuning network: Network<Float>, configuration: TrainingConfiguration, data: TrainingData) throws(TrainingError) {
        let activations = network.layers.map(\.activation)
        let expected = Array(repeating: configuration.hidden, count: max(0, configuration.sizes.count - 2)) + [configuration.output]
        guard network.sizes == configuration.sizes else {
            throw .configuration(.invalid(option: "layers", value: configuration.sizes.map(String.init).joined(separator: ","),
                                          expected: "the network's own sizes, \(network.sizes.map(String.init).joined(separator: ","))"))
        }
        guard activations == expected else {
            throw .configuration(.invalid(option: "activation", value: "\(configuration.hidden.rawValue)/\(configuration.output.rawValue)",
                                          expected: "the network's own activations, \(activations.map(\.rawValue).joined(separator: ","))"))
        }
        guard network.cost == configuration.cost else {
            throw .configuration(.invalid(option: "cost", value: configuration.cost.rawValue, expected: "the network's own cost, \(network.cost.rawValue)"))
        }
        try self.init(configuration: configuration, data: data)
        startingNetwork = network
    }

    /// Whether the run starts from a given network rather than a drawn one.
    public var isFineTuning: Bool { startingNetwork != nil }
}
