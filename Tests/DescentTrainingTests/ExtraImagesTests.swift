import DescentDatasets
import DescentFileIO
import DescentLinearAlgebra
import DescentNetwork
import DescentTestSupport
import Testing
import DescentTraining

/// A person's pictures mixed into the training split.
@Suite("Extra images")
struct ExtraImagesTests {
    /// A folder with `count` pictures of vertical bars in label folders 0...3 (the bar's place is the label).
    static func folder(count: Int) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory("extra-images")
        for index in 0..<count {
            let label = index % 4
            try Files.createDirectory(folder.file("\(label)"))
            var image = GrayImage(width: 40, height: 40, filledWith: 255)
            for y in 5..<35 { for x in (5 + 8 * label)..<(9 + 8 * label) { image[x, y] = 0 } }
            image[30, 30] = 0  // a dot, so the bar is not centred alone
            try Files.writeAtomically(try image.pngEncoded(), to: folder.file("\(label)/\(index).png"))
        }
        return folder
    }

    static let classNames = ["0", "1", "2", "3"]

    @Test func repeatsMakeUpTheShare() {
        #expect(TrainingData.repeats(extraCount: 10, baseCount: 50_000, share: 0.1) == 556)  // 0.1 / 0.9 · 5000 = 555.6
        #expect(TrainingData.repeats(extraCount: 1, baseCount: 9, share: 0.5) == 9)
        #expect(TrainingData.repeats(extraCount: 1000, baseCount: 10, share: 0.1) == 1)  // never fewer than once
    }

    @Test func mixingAddsRepeatedPicturesToTrainingOnly() throws {
        let folder = try Self.folder(count: 5)
        defer { folder.remove() }
        let pictures = try ImageFolder(path: folder.path, classNames: Self.classNames)
        let data = TrainingRunTests.data()
        let mixed = try data.mixing(pictures, share: 0.2)
        let repeats = TrainingData.repeats(extraCount: 5, baseCount: 200, share: 0.2)  // 0.25 · 200 / 5 = 10
        #expect(repeats == 10)
        let training = try #require(mixed.training.images)
        #expect(training.count == 200 + 5 * repeats)
        #expect(Array(training.pixels.prefix(200 * 784)) == data.training.images?.pixels)
        #expect(Array(training.image(200 + 5 * 3 + 2)) == Array(pictures.images.image(2)))
        #expect(Array(training.labels.suffix(5)) == pictures.images.labels)
        #expect(mixed.validation == data.validation && mixed.test == data.test)
        #expect(mixed.metadata["extra_images"] == pictures.name && mixed.metadata["extra_images_count"] == "5")
        #expect(mixed.metadata["extra_images_repeats"] == "10" && mixed.metadata["extra_images_sha256"] == pictures.sha256)

        // The model trained on it records the folder.
        let result = try TrainingRun(configuration: TrainingRunTests.configuration(epochs: 1), data: mixed).run()
        #expect(result.model.metadata["extra_images_sha256"] == pictures.sha256)
        #expect(result.model.metadata["training_examples"] == "250" && result.model.metadata["dataset"] == "made-up")

        #expect(throws: TrainingError.self) { try data.mixing(pictures, share: 1) }
        #expect(throws: TrainingError.self) { try data.mixing(pictures, share: 0) }
        let table = try LabeledFeatures(rows: [[0, 1]], labels: [0])
        let features = TrainingData(name: "table", training: table, validation: table, test: table)
        #expect(throws: TrainingError.self) { try features.mixing(pictures) }
    }
}
