import ArgumentParser
import DescentDatasets
import DescentTraining

/// Where `descent train` (and `evaluate`) take their examples from: MNIST or Fashion-MNIST (the
/// default, downloaded on first use), any IDX data set (`--idx PREFIX`), or a CSV file of numeric
/// columns with a label column (`--csv FILE --label-column NAME`); and a folder of a person's own
/// pictures mixed into the training images (`--extra-images DIR`).
struct DataSourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Train on any IDX data set: PREFIX-train-images-idx3-ubyte(.gz) and its three companions (EMNIST's files are named so).",
        valueName: "prefix"))
    var idx: String?

    @Option(help: ArgumentHelp("Train on a CSV file: a header line, numeric columns, and a label column (--label-column).", valueName: "file"))
    var csv: String?

    @Option(name: .customLong("label-column"), help: ArgumentHelp("With --csv: the column that holds the labels.", valueName: "name"))
    var labelColumn = "label"

    @Option(name: .customLong("test-csv"), help: ArgumentHelp("With --csv: a second CSV file measured once, at the end.", valueName: "file"))
    var testCSV: String?

    @Option(name: .customLong("extra-images"), help: ArgumentHelp(
        "Also train on a folder of your own pictures, one subfolder per label (0 to 9) of PNG or JPEG files, repeated so that they make up --extra-share of every epoch.",
        valueName: "dir"))
    var extraImages: String?

    @Option(name: .customLong("extra-share"), help: ArgumentHelp(
        "With --extra-images: the share of the training images they make up, above 0 and below 1.", valueName: "fraction"))
    var extraShare: Double?

    @OptionGroup var readAs: ReadAsOption

    /// The options that name a data source other than MNIST's, as given.
    var given: [String] {
        [("--idx", idx != nil), ("--csv", csv != nil), ("--test-csv", testCSV != nil), ("--extra-images", extraImages != nil),
         ("--extra-share", extraShare != nil), ("--read-as", readAs.mode != .automatic)].filter(\.1).map(\.0)
    }

    func validate() throws {
        if idx != nil, csv != nil { throw ValidationError("--idx and --csv name two data sets; give one") }
        if testCSV != nil, csv == nil { throw ValidationError("--test-csv needs --csv") }
        if extraShare != nil, extraImages == nil { throw ValidationError("--extra-share needs --extra-images") }
        if let extraShare, !(extraShare > 0 && extraShare < 1) {
            throw ValidationError("--extra-share \(extraShare) is not allowed; expected a fraction above 0 and below 1, such as 0.1")
        }
        if extraImages != nil, csv != nil { throw ValidationError("--extra-images adds pictures to image data; --csv holds features") }
    }

    /// What a checkpoint keeps so that a resumed run finds the same files.
    var checkpointMetadata: [String: String] {
        var metadata: [String: String] = [:]
        if let idx { metadata["idx"] = idx }
        if let csv { metadata["csv"] = csv; metadata["label_column"] = labelColumn }
        if let testCSV { metadata["test_csv"] = testCSV }
        if let extraImages {
            metadata["extra_images_path"] = extraImages
            metadata["extra_share"] = "\(extraShare ?? TrainingData.defaultExtraShare)"
            metadata["read_as"] = readAs.mode.rawValue
        }
        return metadata
    }

    /// The options a checkpoint saved.
    init(checkpointMetadata metadata: [String: String]) {
        idx = metadata["idx"]
        csv = metadata["csv"]
        labelColumn = metadata["label_column"] ?? "label"
        testCSV = metadata["test_csv"]
        extraImages = metadata["extra_images_path"]
        extraShare = metadata["extra_share"].flatMap { Double($0) }
        var readAs = ReadAsOption()  // set whole: an option group is not read before it is parsed or set
        readAs.mode = metadata["read_as"].flatMap { DigitPreparation.Mode(rawValue: $0) } ?? .automatic
        self.readAs = readAs
    }

    init() {}

    /// Loads the examples from the IDX or CSV files named; nil when neither is (MNIST's turn).
    /// The last tenth of a CSV's examples (at most 10,000) is held out for validation.
    /// - Throws: the reader's error, naming the file, line and column.
    func load() throws -> (data: TrainingData, classCount: Int)? {
        if let idx {
            let set = try IDXDataset(prefix: idx)
            return (TrainingData(name: Files.name(of: idx), training: set.training, validation: set.validation, test: set.test), set.classCount)
        }
        guard let csv else { return nil }
        let table = try CSVDataset.read(csv, labelColumn: labelColumn)
        let test = try testCSV.map { try CSVDataset.read($0, labelColumn: labelColumn, classNames: table.classNames).examples }
        let all = table.examples
        let held = all.count >= 10 ? min(10_000, all.count / 10) : 0
        let data = TrainingData(
            name: Files.name(of: csv), training: all.slice(0..<(all.count - held)), validation: all.slice((all.count - held)..<all.count),
            test: test ?? all.slice(0..<0), classNames: table.classNames)
        return (data, table.classNames.count)
    }

    /// `data` with the pictures of `--extra-images` mixed into its training split (the library's
    /// `TrainingData.mixing`), or as it is without the option.
    /// - Throws: `ImageFolderError` naming the folder or file, or `TrainingError` for data that
    ///   pictures cannot join.
    func mixingExtraImages(into data: TrainingData, classCount: Int) throws -> TrainingData {
        guard let extraImages else { return data }
        let folder = try ImageFolder(path: extraImages, classNames: data.classNames ?? (0..<classCount).map(String.init), mode: readAs.mode)
        return try data.mixing(folder, share: extraShare ?? TrainingData.defaultExtraShare)
    }
}

private enum Files {
    /// The file name without its folder.
    static func name(of path: String) -> String { String(path.split(separator: "/").last ?? Substring(path)) }
}
