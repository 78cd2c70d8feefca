import ArgumentParser
import DescentFileIO
import DescentNetwork
import DescentTraining

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a PyTorch nn.Sequential of Linear layers, saved as safetensors, into a model file.",
        discussion: """
            FILE is what safetensors.torch.save_file(model.state_dict(), FILE) writes for an nn.Sequential \
            of nn.Linear layers and activation modules: tensors 0.weight, 0.bias, 2.weight, ... (F32). The \
            file does not say which activations sit between the Linear layers, so --activations names one \
            per Linear layer. A Sequential ending in Linear outputs logits; naming the last activation \
            softmax gives the probabilities torch.softmax would. The network sees pixels / 255, no other \
            normalisation.
            """)

    @Argument(help: ArgumentHelp("The PyTorch safetensors file.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("One activation per Linear layer, e.g. relu,relu,softmax.", valueName: "list"))
    var activations: ActivationList

    @Option(help: "The cost recorded with the network (used only if it is trained further).")
    var cost: Cost = .crossEntropy

    @Option(help: ArgumentHelp("Where to write the model.", valueName: "file"))
    var out = "model.safetensors"

    @OptionGroup var output: OutputOptions

    mutating func validate() throws {
        if out == file { throw ValidationError("--out \(out) would replace the file being imported; name another") }
    }

    mutating func run() throws {
        let model = try Model.imported(fromPyTorch: file, activations: activations.activations, cost: cost)
        try Output.write(model.encoded(), to: out)
        let network = model.network
        if output.json {
            Format.printJSON([
                "model": out, "imported_from": file, "layers": network.sizes, "activations": network.layers.map(\.activation.rawValue),
                "cost": network.cost.rawValue, "parameters": network.parameterCount, "metadata": model.metadata,
            ])
            return
        }
        emit("\(file) -> \(out)")
        emit("  layers       \(network.sizes.map(String.init).joined(separator: "-"))  (\(network.parameterCount) weights and biases)")
        emit("  activations  \(network.layers.map(\.activation.rawValue).joined(separator: ", "))")
        emit("  sha256       \(model.metadata["imported_sha256"] ?? "")")
    }
}

/// Activations written `relu,relu,softmax`.
struct ActivationList: ExpressibleByArgument {
    let activations: [Activation]

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map { Activation(rawValue: String($0)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        activations = parts.compactMap { $0 }
    }

    static var defaultValueDescription: String { "relu,relu,softmax" }
}
