import ArgumentParser
import DescentDatasets
import DescentPictures

struct SamplesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samples",
        abstract: "Draw a sheet of data set images with their labels.")

    @OptionGroup var data: DataOptions

    @Option(help: "Which images: training (the first 50,000), validation or test.")
    var split: EvaluateCommand.Split = .training

    @Option(help: "How many images.")
    var count: Int = 100

    @Option(help: ArgumentHelp("The first image's index.", valueName: "n"))
    var first: Int = 0

    @Option(help: ArgumentHelp("Where to write the PNG.", valueName: "file"))
    var out: String = "samples.png"

    @OptionGroup var output: OutputOptions

    mutating func validate() throws {
        guard (1...1000).contains(count) else { throw ValidationError("--count \(count): expected 1 to 1000") }
        guard first >= 0 else { throw ValidationError("--first \(first) is negative") }
    }

    mutating func run() async throws {
        let console = Console(quiet: output.json)
        let mnist = try await DataLocation.load(data) { console.note($0) }
        let images = split.images(of: mnist)
        guard first + count <= images.count else {
            throw CommandError("--first \(first) --count \(count) goes past the \(images.count) \(split.rawValue) images")
        }
        let indices = Array(first..<(first + count))
        let names = mnist.kind.classNames
        let tiles = indices.map { index in
            TileSheet.Tile(image: images.picture(index), captions: [TileSheet.Caption(names[Int(images.labels[index])])])
        }
        let sheet = TileSheet(title: "\(count) \(split.rawValue) images of \(data.dataset.rawValue)",
                              notes: ["images \(first) to \(first + count - 1), each with its label"],
                              tiles: tiles, columns: 10, scale: 2)
        try Output.write(sheet.image(), to: out)
        var perLabel = [Int](repeating: 0, count: names.count)
        for index in indices { perLabel[Int(images.labels[index])] += 1 }
        if output.json {
            Format.printJSON(["out": out, "split": split.rawValue, "first": first,
                              "labels": indices.map { Int(images.labels[$0]) }, "per_label": perLabel])
            return
        }
        console.say("Wrote \(out): \(split.rawValue) images \(first)...\(first + count - 1) with their labels.")
        console.say("Labels in the sheet: " + perLabel.enumerated().map { "\(names[$0.offset]) ×\($0.element)" }.joined(separator: ", "))
    }
}

extension EvaluateCommand.Split {
    /// The images of this split.
    func images(of mnist: MNIST) -> LabeledImages {
        switch self {
        case .test: return mnist.test
        case .validation: return mnist.validation
        case .training: return mnist.training
        }
    }
}
