import ArgumentParser
import DescentLinearAlgebra
import DescentDatasets
import DescentTraining

struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a model's accuracy: overall, per digit, and as a confusion matrix.")

    @OptionGroup var model: ModelOption
    @OptionGroup var data: DataOptions

    enum Split: String, ExpressibleByArgument, CaseIterable {
        case test, validation, training
    }

    @Option(help: "Which images: test (the 10,000 test images), validation (the last 10,000 training images) or training.")
    var split: Split = .test

    @Flag(name: .customLong("include-predictions"), help: "With --json, add every image's predicted class.")
    var includePredictions = false

    @OptionGroup var output: OutputOptions

    mutating func run() async throws {
        let loaded = try Model.load(model.path)
        let console = Console(quiet: output.json)
        let mnist = try await DataLocation.load(data) { console.note($0) }
        // A model trained on deskewed images must see deskewed images (its metadata says so).
        let preprocessing = try Preprocessing(metadata: loaded.metadata, source: model.path)
        let images = preprocessing.apply(to: split.images(of: mnist))
        guard loaded.network.inputCount == images.pixelCount, loaded.network.outputCount == 10 else {
            throw CommandError("\(model.path): the network takes \(loaded.network.inputCount) inputs and gives "
                + "\(loaded.network.outputCount) outputs; MNIST needs 784 and 10")
        }
        let evaluation = Evaluation(network: loaded.network, on: images)
        if output.json {
            var object = Format.evaluationJSON(evaluation)
            object["split"] = split.rawValue
            object["model"] = model.path
            if includePredictions { object["predictions"] = evaluation.predictions }
            Format.printJSON(object)
            return
        }
        let names = mnist.kind.classNames
        console.say("\(model.path) on the \(images.count) \(split.rawValue) images: \(evaluation.correct) / \(evaluation.total) correct (\(Format.percent(evaluation.accuracy)))")
        console.say("")
        console.say("Per class:")
        for (label, share) in evaluation.perClassAccuracy.enumerated() {
            let row = evaluation.confusion[label]
            console.say("  \(names[label].padding(toLength: 12, withPad: " ", startingAt: 0)) \(Format.percent(share ?? 0))  (\(row[label]) of \(row.reduce(0, +)))")
        }
        console.say("")
        console.say("Confusion matrix (rows: true class, columns: predicted):")
        console.say(Format.confusionTable(evaluation.confusion))
    }
}
