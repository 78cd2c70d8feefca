import ArgumentParser
import DescentLinearAlgebra
import DescentDatasets
import DescentNetwork
import DescentTraining

struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Read digits from PNG, JPEG or PGM images, or from the test set.",
        discussion: """
            An image of any size is prepared as MNIST's digits were: a light background is inverted, \
            the ink is cropped to its bounding box, scaled to fit 20x20 keeping its aspect ratio, and \
            centred by its centre of mass in 28x28. A photo of a digit on paper (--read-as photo, or \
            found by --read-as auto) first has its uneven lighting and paper texture removed. The \
            format is told by the file's first bytes, not its name.
            """)

    @OptionGroup var model: ModelOption

    @Argument(help: ArgumentHelp("PNG, JPEG or PGM images of digits.", valueName: "image"))
    var files: [String] = []

    @Option(name: .customLong("test-index"), help: ArgumentHelp("Predict test image N (0..<10000) instead.", valueName: "n"))
    var testIndex: Int?

    @Option(name: .customLong("point"), help: ArgumentHelp(
        "For a model of 2-D points (descent train --dataset spirals): the class at x,y (repeatable), read through the model's features.",
        valueName: "x,y"))
    var points: [PlanePoint] = []

    @Flag(name: .customLong("show-input"), help: "Print the 28x28 input the network saw, as text.")
    var showInput = false

    @OptionGroup var readAs: ReadAsOption
    @OptionGroup var data: DataOptions
    @OptionGroup var output: OutputOptions

    mutating func validate() throws {
        if files.isEmpty && testIndex == nil && points.isEmpty { throw ValidationError("give image files, --test-index N or --point x,y") }
        if !points.isEmpty, !files.isEmpty || testIndex != nil { throw ValidationError("--point asks a model of 2-D points; give it without images or --test-index") }
        if let testIndex, testIndex < 0 { throw ValidationError("--test-index \(testIndex) is negative") }
    }

    mutating func run() async throws {
        let loaded = try Model.load(model.path)
        let network = loaded.network
        if !points.isEmpty { return try predictPoints(loaded) }
        guard network.inputCount == 784 else {
            throw CommandError("\(model.path): the network takes \(network.inputCount) inputs; a 28x28 image gives 784")
        }
        let console = Console(quiet: output.json)
        var results: [[String: Any]] = []
        var inputs: [(name: String, pixels: [UInt8], label: Int?)] = []
        if let testIndex {
            let mnist = try await DataLocation.load(data) { console.note($0) }
            guard testIndex < mnist.test.count else {
                throw CommandError("--test-index \(testIndex) is out of range; the test set has \(mnist.test.count) images (0..<\(mnist.test.count))")
            }
            inputs.append(("test image \(testIndex)", Array(mnist.test.image(testIndex)), Int(mnist.test.labels[testIndex])))
        }
        for file in files {
            let image = try GrayImage.read(file)
            inputs.append((file, try DigitPreparation.mnistInput(from: image, mode: readAs.mode, source: file), nil))
        }
        // A model trained on deskewed images must see deskewed images (its metadata says so).
        let preprocessing = try Preprocessing(metadata: loaded.metadata, source: model.path)
        inputs = inputs.map { ($0.name, preprocessing.apply(to: $0.pixels), $0.label) }
        for input in inputs {
            let prediction = network.prediction(forBytes: input.pixels)
            var object: [String: Any] = ["input": input.name, "digit": prediction.label, "confidence": prediction.confidence,
                                         "outputs": prediction.outputs]
            if let label = input.label { object["label"] = label }
            results.append(object)
            let truth = input.label.map { ", labelled \($0)" } ?? ""
            console.say("\(input.name): \(prediction.label) (output \(String(format: "%.3f", prediction.confidence))\(truth))")
            console.say("  outputs: " + prediction.outputs.enumerated().map { "\($0.offset):\(String(format: "%.3f", $0.element))" }.joined(separator: " "))
            if showInput { console.say(DigitPreparation.textPicture(of: input.pixels)) }
        }
        if output.json { Format.printJSON(["predictions": results, "model": model.path]) }
    }

    /// Prints the class and outputs at each `--point`, read through the model's derived features.
    func predictPoints(_ loaded: Model) throws {
        let features = loaded.derivedFeatures ?? .coordinates
        guard loaded.network.inputCount == features.width else {
            throw CommandError("\(model.path): the network takes \(loaded.network.inputCount) inputs; a point gives \(features.width) "
                + "(\(features.names.joined(separator: ","))): it is not a model of 2-D points")
        }
        var results: [[String: Any]] = []
        let console = Console(quiet: output.json)
        for point in points {
            let (x, y) = (Float(point.x), Float(point.y))
            let prediction = loaded.network.prediction(for: features.applied(x: x, y: y))
            results.append(["x": point.x, "y": point.y, "class": prediction.label, "confidence": prediction.confidence, "outputs": prediction.outputs])
            console.say("(\(point.x), \(point.y)): class \(loaded.classNames[prediction.label]) (output \(String(format: "%.3f", prediction.confidence)))")
            console.say("  outputs: " + prediction.outputs.enumerated().map { "\($0.offset):\(String(format: "%.3f", $0.element))" }.joined(separator: " "))
        }
        if output.json { Format.printJSON(["predictions": results, "model": model.path]) }
    }
}
