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

    @Option(help: ArgumentHelp("Measure on any IDX data set: PREFIX-test-images-idx3-ubyte(.gz) and its companions.", valueName: "prefix"))
    var idx: String?

    @Option(help: ArgumentHelp("Measure on a CSV file of numeric columns and a label column, read with the model's class names.", valueName: "file"))
    var csv: String?

    @Option(name: .customLong("label-column"), help: ArgumentHelp("With --csv: the column that holds the labels.", valueName: "name"))
    var labelColumn = "label"

    @Option(help: ArgumentHelp(
        "Measure on a folder of pictures: one subfolder per label (0 to 9, or the model's class names) of PNG or JPEG files, each prepared as `descent predict` prepares a picture.",
        valueName: "dir"))
    var images: String?

    @OptionGroup var readAs: ReadAsOption

    @OptionGroup var pointSet: PointSetOptions

    enum Split: String, ExpressibleByArgument, CaseIterable {
        case test, validation, training
    }

    @Option(help: "Which images: test (the 10,000 test images), validation (the last 10,000 training images) or training.")
    var split: Split = .test

    @Flag(name: .customLong("include-predictions"), help: "With --json, add every image's predicted class.")
    var includePredictions = false

    @OptionGroup var output: OutputOptions

    mutating func validate() throws {
        let sources = [("--images", images != nil), ("--idx", idx != nil), ("--csv", csv != nil)].filter(\.1).map(\.0)
        if sources.count > 1 { throw ValidationError("\(sources.joined(separator: " and ")) name different data; give one") }
        if data.pointShape == nil, let option = pointSet.given.first { throw ValidationError("\(option) needs --dataset spirals (or another point set)") }
        if let shape = data.pointShape, let source = sources.first { throw ValidationError("--dataset \(shape.rawValue) and \(source) name different data; give one") }
        if pointSet.testShare != nil { throw ValidationError("--test-share is for train: evaluate measures the model's own test points, or a whole new set") }
    }

    mutating func run() async throws {
        let loaded = try Model.load(model.path)
        let console = Console(quiet: output.json)
        if let images {
            // Each picture prepared as `descent predict` prepares it, then as the model's training images were.
            let folder = try ImageFolder(path: images, classNames: loaded.classNames, mode: readAs.mode)
            guard loaded.network.inputCount == folder.images.pixelCount else {
                throw CommandError("\(model.path): the network takes \(loaded.network.inputCount) inputs; a 28x28 picture gives 784")
            }
            let prepared = try Preprocessing(metadata: loaded.metadata, source: model.path).apply(to: folder.images)
            return report(Evaluation(network: loaded.network, on: prepared), of: "\(folder.images.count) pictures of \(images)",
                          names: loaded.classNames, console: console, json: ["images": images, "images_sha256": folder.sha256])
        }
        // A model of 2-D points, with no other data named, is measured on its own test points.
        let recordedShape = data.datasetName == .images(.mnist) && csv == nil && idx == nil ? loaded.pointSetRecipe?.shape : nil
        if let shape = data.pointShape ?? recordedShape {
            return try evaluatePoints(shape: shape, loaded: loaded, console: console)
        }
        if let csv {
            // Every row is measured; a label the model does not know is an error naming its line.
            let table = try CSVDataset.read(csv, labelColumn: labelColumn, classNames: loaded.classNames)
            var examples = table.examples
            if let features = loaded.derivedFeatures, examples.width == 2 {  // a model of 2-D points reads its derived features
                examples = try PointSet(points: examples.features, labels: examples.labels, classCount: loaded.network.outputCount)
                    .examples(features: features)
            }
            guard examples.width == loaded.network.inputCount else {
                throw CommandError("\(csv): \(examples.width) feature columns; \(model.path) takes \(loaded.network.inputCount) inputs")
            }
            return report(Evaluation(network: loaded.network, on: .features(examples)), of: "\(examples.count) examples of \(csv)",
                          names: loaded.classNames, console: console)
        }
        if let idx {
            let set = try IDXDataset(prefix: idx)
            let images = try Preprocessing(metadata: loaded.metadata, source: model.path).apply(to: split == .test ? set.test : split == .validation ? set.validation : set.training)
            guard loaded.network.inputCount == images.pixelCount, loaded.network.outputCount >= set.classCount else {
                throw CommandError("\(model.path): the network takes \(loaded.network.inputCount) inputs and gives \(loaded.network.outputCount) outputs; "
                    + "\(idx) has \(images.pixelCount) pixels an image and \(set.classCount) classes")
            }
            return report(Evaluation(network: loaded.network, on: images), of: "\(images.count) \(split.rawValue) images of \(idx)",
                          names: loaded.classNames, console: console)
        }
        let mnist = try await DataLocation.load(data) { console.note($0) }
        // A model trained on deskewed images must see deskewed images (its metadata says so).
        let preprocessing = try Preprocessing(metadata: loaded.metadata, source: model.path)
        let images = preprocessing.apply(to: split.images(of: mnist))
        guard loaded.network.inputCount == images.pixelCount, loaded.network.outputCount == 10 else {
            throw CommandError("\(model.path): the network takes \(loaded.network.inputCount) inputs and gives "
                + "\(loaded.network.outputCount) outputs; MNIST needs 784 and 10")
        }
        report(Evaluation(network: loaded.network, on: images), of: "\(images.count) \(split.rawValue) images", names: mnist.kind.classNames, console: console)
    }

    /// Measures a model of 2-D points on its own test points (the recorded recipe and split) when
    /// `--dataset` names the shape it was trained on and no other option is given, else on the whole
    /// set the options draw (over the recorded recipe).
    func evaluatePoints(shape: PointShape, loaded: Model, console: Console) throws {
        let features = try pointSet.derivedFeatures(or: loaded.derivedFeatures ?? .coordinates)
        let set: PointSet
        let what: String
        if pointSet.given.filter({ $0 != "--features" }).isEmpty, loaded.pointSetRecipe?.shape == shape, let test = loaded.pointSetTestPoints {
            set = test
            what = "\(test.count) test points of \(test.recipe?.summary ?? shape.rawValue)"
        } else {
            set = try PointSet.generate(pointSet.recipe(shape: shape, base: loaded.pointSetRecipe))
            what = "\(set.count) points of \(set.recipe?.summary ?? shape.rawValue)"
        }
        let examples = try set.examples(features: features)
        guard examples.width == loaded.network.inputCount, set.classCount <= loaded.network.outputCount else {
            throw CommandError("\(model.path): the network takes \(loaded.network.inputCount) inputs and gives \(loaded.network.outputCount) outputs; "
                + "the points give \(examples.width) features (\(features.names.joined(separator: ","))) in \(set.classCount) classes")
        }
        report(Evaluation(network: loaded.network, on: .features(examples)), of: what, names: loaded.classNames, console: console)
    }

    /// Prints the evaluation: as JSON, or the accuracy, per class and as a confusion matrix.
    func report(_ evaluation: Evaluation, of what: String, names: [String], console: Console, json extra: [String: Any]? = nil) {
        if output.json {
            var object = Format.evaluationJSON(evaluation)
            if let extra { object.merge(extra) { _, new in new } } else { object["split"] = split.rawValue }
            object["model"] = model.path
            if includePredictions { object["predictions"] = evaluation.predictions }
            Format.printJSON(object)
            return
        }
        console.say("\(model.path) on the \(what): \(evaluation.correct) / \(evaluation.total) correct (\(Format.percent(evaluation.accuracy)))")
        console.say("")
        console.say("Per class:")
        for (label, share) in evaluation.perClassAccuracy.enumerated() {
            let row = evaluation.confusion[label]
            console.say("  \(names[label].padding(toLength: 12, withPad: " ", startingAt: 0)) \(share.map { Format.percent($0) } ?? "none")  (\(row[label]) of \(row.reduce(0, +)))")
        }
        console.say("")
        console.say("Confusion matrix (rows: true class, columns: predicted):")
        console.say(Format.confusionTable(evaluation.confusion))
    }
}
