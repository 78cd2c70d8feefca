import ArgumentParser
import DescentDatasets

struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Fetch the data set's four files, checking each one's SHA-256.",
        discussion: "Files already present with the right content are kept. Each file is written atomically.")

    @OptionGroup var data: DataOptions

    mutating func run() async throws {
        let folder = DataLocation.folder(for: data)
        let console = Console(quiet: false)
        try await DataLocation.download(data, into: folder) { console.note($0) }
        // Check what landed the way training will read it.
        let mnist = try MNIST(folder: folder, kind: data.dataset)
        console.say("\(data.dataset.rawValue) is in \(folder): \(mnist.training.count + mnist.validation.count) training and \(mnist.test.count) test images.")
    }
}
