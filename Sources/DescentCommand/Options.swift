public import ArgumentParser
import DescentDatasets
import DescentExperiments
import DescentLinearAlgebra
import DescentNetwork
import DescentTraining

extension Activation: ExpressibleByArgument {}
extension Cost: ExpressibleByArgument {}
extension Initialization: ExpressibleByArgument {}
extension DatasetKind: ExpressibleByArgument {}
extension TrainingConfiguration.Preset: ExpressibleByArgument {}
extension TrainingConfiguration.OptimizerKind: ExpressibleByArgument {}
extension LearningRateSchedule.Shape: ExpressibleByArgument {}
extension Preprocessing: ExpressibleByArgument {}
extension TrainingOptions.PrecisionChoice: ExpressibleByArgument {}
extension ProductPrecision: ExpressibleByArgument {}
extension DigitPreparation.Mode: ExpressibleByArgument {}
extension ProbeKind: ExpressibleByArgument {}
extension DreamStart: ExpressibleByArgument {}
extension TestFunction: ExpressibleByArgument {}

/// Layer sizes written `784,16,16,10`.
struct LayerSizes: ExpressibleByArgument {
    let sizes: [Int]

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count >= 2, parts.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
        sizes = parts.compactMap { $0 }
    }

    static var defaultValueDescription: String { "784,16,16,10" }

    /// How `--help` shows a default: as it is written on the command line.
    var defaultValueDescription: String { sizes.map(String.init).joined(separator: ",") }
}

/// Where the data set comes from.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: ArgumentHelp(
        "Folder with the four MNIST files (.gz or not).",
        discussion: "Default: $DESCENT_DATA, else ~/.cache/descent/<dataset> (downloaded on first use).",
        valueName: "dir"))
    var folder: String?

    @Option(name: .customLong("dataset"), help: ArgumentHelp(
        "The data set: mnist or fashion (Zalando's Fashion-MNIST); for train, evaluate and regions also a 2-D point set: "
            + "spirals, circles, xor, blobs or moons (plane and bump are regression sets, drawn but not yet trained on).",
        valueName: "name"))
    var datasetName: DatasetName = .images(.mnist)

    /// The MNIST kind named (MNIST's digits when a point set is named: see `pointShape`).
    var dataset: DatasetKind {
        get { if case .images(let kind) = datasetName { return kind } else { return .mnist } }
        set { datasetName = .images(newValue) }
    }

    /// The point set's shape, when `--dataset` names one.
    var pointShape: PointShape? {
        if case .points(let shape) = datasetName { return shape } else { return nil }
    }

    @Option(name: .customLong("mirror"), help: ArgumentHelp(
        "A URL prefix to download the files from, tried in order (repeatable); default: the public mirrors.",
        valueName: "url"))
    var mirrors: [String] = []
}

/// The model file a command reads.
struct ModelOption: ParsableArguments {
    @Option(name: .customLong("model"), help: ArgumentHelp("A model file written by `descent train`.", valueName: "file"))
    var path: String = "model.safetensors"
}

/// `--json`.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON object instead of prose.")
    var json = false
}

/// `--read-as`: how pictures from files are read before MNIST's preparation.
struct ReadAsOption: ParsableArguments {
    @Option(name: .customLong("read-as"), help: ArgumentHelp(
        "How pictures are read: drawing (a canvas, a scan, MNIST-like), photo (a photo of ink on paper: its lighting "
            + "and paper texture removed first) or auto (photo when the picture's border is unevenly lit).",
        valueName: "auto|drawing|photo"))
    var mode: DigitPreparation.Mode = .automatic
}
