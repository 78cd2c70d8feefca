import ArgumentParser
import DescentDatasets
import DescentExplorer
import Foundation
import DescentTraining

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web explorer: draw a digit and watch every neuron light up.",
        discussion: """
            Pages: the Lesson (the video's argument in ten chapters, live; add ?present for a projector), \
            Draw, Weights, Mistakes, Train and Descent, plain HTML, CSS and JavaScript from the \
            package, nothing from another host. The JSON API is under /api. Without --model it first \
            trains the video's network (784-16-16-10) for a few epochs, which takes seconds. Drawings \
            added to "my digits" are kept as PNG files in --my-digits, one subfolder per label. Every change \
            needs the token carried by the URL the server prints, on loopback too. With a --host other \
            than loopback (a classroom: --host 0.0.0.0), or --classroom, students open that URL and each \
            browser gets its own copy of the model and digits of its own; the teacher's token, printed \
            on a line of its own, is the only one that trains the model everyone sees.
            """)

    @Option(name: .customLong("model"), help: ArgumentHelp("A model file written by `descent train` (default: train one now).", valueName: "file"))
    var modelPath: String?

    @Option(name: .customLong("compare"), help: ArgumentHelp(
        "A model shown beside the served one: the Draw page says what each reads in the same drawing (repeat for more, up to 8).",
        valueName: "file"))
    var comparePaths: [String] = []

    @Option(help: "The address to listen on: 127.0.0.1 for this machine only; 0.0.0.0 for every machine that can reach it (changes then need the printed token).")
    var host = "127.0.0.1"

    @Flag(help: "Serve a classroom even on loopback: students' copies and the teacher's token, as with --host 0.0.0.0.")
    var classroom = false

    @Option(name: .customLong("allow-host"), help: ArgumentHelp(
        "A host name students use to reach a classroom server (repeat for more); IP addresses and this machine's name are accepted anyway.",
        valueName: "name"))
    var allowedHosts: [String] = []

    @Option(name: .customLong("max-parameters"), help: ArgumentHelp("The most weights and biases a web training may have.", valueName: "n"))
    var maximumParameters = WorkLimits.standard.maximumParameters

    @Option(name: .customLong("max-batch-width"), help: ArgumentHelp("The most batch size x widest layer a web training may have.", valueName: "n"))
    var maximumBatchWidth = WorkLimits.standard.maximumBatchWidth

    @Option(name: .customLong("max-training-memory"), help: ArgumentHelp("The most memory a web training may be estimated to take.", valueName: "MB"))
    var maximumTrainingMegabytes = WorkLimits.standard.maximumMemoryBytes >> 20

    @Option(name: .customLong("training-queue"), help: ArgumentHelp("Trainings that may wait while one runs; more get 429.", valueName: "n"))
    var trainingQueue = WorkLimits.standard.maximumQueuedTrainings

    @Option(name: .customLong("my-digits"), help: ArgumentHelp(
        "Where drawings added to \"my digits\" are kept, one subfolder per label (default: my-digits in the cache folder, ~/.cache/descent/my-digits).",
        valueName: "dir"))
    var myDigitsFolder: String?

    @Option(name: .customLong("class-dir"), help: ArgumentHelp(
        "Where the class set (the digits a class draws and labels) is kept, a folder a label; default: in memory only, gone when the server stops.",
        valueName: "folder"))
    var classFolder: String?

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(name: .customLong("train-epochs"), help: ArgumentHelp("Epochs of the video's recipe to train when no --model is given.", valueName: "n"))
    var trainEpochs = 5

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Seconds a silent connection is kept open.", valueName: "seconds"))
    var idleTimeout = ServerLimits.standard.idleTimeoutSeconds

    @Option(name: .customLong("max-connections"), help: ArgumentHelp("Connections served at once; more wait to be accepted.", valueName: "n"))
    var maximumConnections = ServerLimits.standard.maximumConnections

    @OptionGroup var data: DataOptions

    mutating func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port \(port) is not allowed; expected 0 to 65535") }
        guard (1...3600).contains(idleTimeout) else { throw ValidationError("--idle-timeout \(idleTimeout) is not allowed; expected 1 to 3600 seconds") }
        guard (1...1_000_000).contains(maximumConnections) else {
            throw ValidationError("--max-connections \(maximumConnections) is not allowed; expected 1 to 1000000")
        }
        guard maximumParameters >= 1 else { throw ValidationError("--max-parameters \(maximumParameters) is not allowed; expected a positive number") }
        guard maximumBatchWidth >= 1 else { throw ValidationError("--max-batch-width \(maximumBatchWidth) is not allowed; expected a positive number") }
        guard (1...(1 << 30)).contains(maximumTrainingMegabytes) else {
            throw ValidationError("--max-training-memory \(maximumTrainingMegabytes) is not allowed; expected 1 to \(1 << 30) MB")
        }
        guard (0...1000).contains(trainingQueue) else { throw ValidationError("--training-queue \(trainingQueue) is not allowed; expected 0 to 1000") }
        guard (1...100).contains(trainEpochs) else { throw ValidationError("--train-epochs \(trainEpochs) is not allowed; expected 1 to 100") }
    }

    mutating func run() async throws {
        let console = Console(quiet: false)
        let mnist = try await DataLocation.load(data) { console.note($0) }
        let model = try modelPath.map(Model.load) ?? trainVideoNetwork(on: mnist, console: console)
        _ = try Preprocessing(metadata: model.metadata, source: modelPath ?? "the trained model")  // refuse one this version cannot apply
        guard model.network.inputCount == 784, model.network.outputCount == 10 else {
            throw CommandError("\(modelPath ?? "model"): the network is \(model.network.sizes); the explorer needs 784 inputs and 10 outputs")
        }
        let shelf: ModelShelf
        do {
            shelf = try ModelShelf(try comparePaths.map { path in
                (name: path.split(separator: "/").last.map(String.init) ?? path, model: try Model.load(path))
            })
        } catch let error as ModelShelfError {
            throw CommandError("--compare " + error.description)
        }
        // Tokens from the system's secure generator (the kernel's CSPRNG); beyond loopback, a classroom.
        let isClassroom = classroom || !ExplorerAccess.isLoopback(host: host)
        let machine = ProcessInfo.processInfo.hostName
        var secure = SystemRandomNumberGenerator()
        let access = isClassroom
            ? ExplorerAccess.classroom(hosts: AllowedHosts(acceptsAddresses: true, names: Set(allowedHosts + [machine, host])), using: &secure)
            : ExplorerAccess.personal(using: &secure)
        let myDigits = MyDigitsStore(folder: myDigitsFolder ?? DataLocation.myDigitsFolder(), perBrowser: isClassroom)
        let work = WorkLimits(maximumParameters: maximumParameters, maximumBatchWidth: maximumBatchWidth,
                              maximumMemoryBytes: maximumTrainingMegabytes << 20, maximumQueuedTrainings: trainingQueue)
        let classroom: Classroom
        do {
            classroom = try classFolder.map { try Classroom(folder: $0) } ?? Classroom()
        } catch {
            throw CommandError("--class-dir \(classFolder ?? ""): \(error)")
        }
        let state = ExplorerState(model: model, data: ExplorerData(mnist), myDigits: myDigits, limits: work, classroom: classroom)
        let classSet = classFolder.map { "in \($0), a folder for each label" } ?? "in memory (--class-dir keeps it in a folder)"
        let host = host
        var limits = ServerLimits.standard
        limits.idleTimeoutSeconds = idleTimeout
        limits.maximumConnections = maximumConnections
        let app = try ExplorerRoutes.application(state: state, shelf: shelf, host: host, port: port, limits: limits, access: access,
                                                 metrics: ExplorerMetrics.bootstrap()) { port in
            let shown = ["0.0.0.0", "::", "[::]"].contains(host) ? machine : host
            let url = "http://\(shown):\(port)/?token="
            if isClassroom {
                console.say("Serving a classroom's explorer on \(host):\(port) (Ctrl-C to stop). Students open this URL; each gets a copy of the model of their own:")
                console.say("    \(url)\(access.pageToken)")
                console.say("Teacher's token (yours alone: it trains the model everyone sees and clears the class; open \(url)TOKEN): \(access.teacherToken)")
            } else {
                console.say("Serving the explorer on \(host):\(port) (Ctrl-C to stop). Open this URL; it carries the token that changes need:")
                console.say("    \(url)\(access.pageToken)")
            }
            console.say("Limits: \(work.summary)")
            console.say("Heavy work (evaluations, lesson experiments, fine-tune mixing): \(state.executor.threads) thread(s) at nice \(state.executor.nice), "
                + "\(state.executor.queueLimit) may wait; metrics for Prometheus at \(url.dropLast(7))metrics with the teacher's token (X-Descent-Token)")
            console.say("My digits are kept in \(myDigits.folder)" + (isClassroom ? ", a folder for each browser" : ""))
            if isClassroom {
                console.say("The class set is kept " + classSet)
            }
        }
        try await app.runService()
    }

    func trainVideoNetwork(on mnist: MNIST, console: Console) throws -> Model {
        var configuration = TrainingConfiguration(preset: .video)
        configuration.epochs = trainEpochs
        console.say("No --model given: training the video's network (784-16-16-10, sigmoid, quadratic cost, "
            + "SGD batch 10, learning rate 3.0) for \(trainEpochs) epochs on \(mnist.training.count) images first.")
        var run = try TrainingRun(configuration: configuration, data: TrainingData(mnist))
        run.modelMetadata["trained_by"] = "descent serve"
        let result = try run.run()
        if let last = result.epochs.last {
            console.say("Trained: validation accuracy \(Format.percent(last.validationAccuracy)).")
        }
        return result.model
    }
}
