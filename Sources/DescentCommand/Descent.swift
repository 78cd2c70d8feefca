// descent: the command-line tool. It only wires the library together and talks to people.
import ArgumentParser
import DescentTraining

@main
struct Descent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "descent",
        abstract: "A neural network that learns to read handwritten digits by gradient descent.",
        discussion: """
            The system of 3Blue1Brown's "Gradient descent, how neural networks learn": a multilayer \
            perceptron learns MNIST by minimising a cost with mini-batch gradient descent, its gradient \
            computed by backpropagation written out by hand.
            """,
        version: DescentVersion.string,
        subcommands: [
            TrainCommand.self, EvaluateCommand.self, PredictCommand.self, RegionsCommand.self, InfoCommand.self, ImportCommand.self,
            GradcheckCommand.self, DownloadCommand.self, BenchCommand.self, ServeCommand.self,
            WeightsCommand.self, NeuronsCommand.self, ProbeCommand.self, DreamCommand.self, MemorizeCommand.self,
            LandscapeCommand.self, GradientCommand.self, SamplesCommand.self, MinimaCommand.self, CompareCommand.self,
        ]
    )
}
