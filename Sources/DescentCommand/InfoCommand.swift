import ArgumentParser
import DescentLinearAlgebra
import DescentTraining

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Describe a model file.")

    @OptionGroup var model: ModelOption
    @OptionGroup var output: OutputOptions

    mutating func run() throws {
        let loaded = try Model.load(model.path)
        let network = loaded.network
        if output.json {
            Format.printJSON([
                "model": model.path, "layers": network.sizes, "activations": network.layers.map(\.activation.rawValue),
                "cost": network.cost.rawValue, "parameters": network.parameterCount, "metadata": loaded.metadata,
            ])
            return
        }
        emit("\(model.path)")
        emit("  layers       \(network.sizes.map(String.init).joined(separator: "-"))  (\(network.parameterCount) weights and biases)")
        emit("  activations  \(network.layers.map(\.activation.rawValue).joined(separator: ", "))")
        emit("  cost         \(network.cost.rawValue)")
        let shown: Set = ["layers", "activations", "cost"]
        let width = max(19, loaded.metadata.keys.map(\.count).max() ?? 0)  // a long key is never cut
        for key in loaded.metadata.keys.sorted() where !shown.contains(key) {
            emit("  \(key.padding(toLength: width, withPad: " ", startingAt: 0)) \(loaded.metadata[key] ?? "")")
        }
    }
}
