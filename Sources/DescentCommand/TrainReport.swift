import DescentDatasets
import Foundation
import DescentPictures
import DescentTraining

/// The folder `descent train --report DIR` writes: curves, confusion matrix, the most confident
/// mistakes, the numbers as JSON, and one HTML page holding all of them.
struct TrainReport {
    let configuration: TrainingConfiguration
    let dataset: DatasetKind
    let trainingCount: Int
    let epochs: [EpochReport]
    /// Test accuracy after each epoch.
    let testAccuracies: [Double]
    let test: Evaluation
    let testImages: LabeledImages
    let modelPath: String

    /// The report of a finished run.
    init(result: TrainingOutcome, configuration: TrainingConfiguration, dataset: DatasetKind, trainingCount: Int, modelPath: String) {
        self.configuration = configuration
        self.dataset = dataset
        self.trainingCount = trainingCount
        epochs = result.epochs
        testAccuracies = result.testAccuracies
        test = result.test ?? Evaluation(network: result.model.network, on: result.testExamples)
        testImages = result.testExamples.images ?? LabeledImages(rows: 28, columns: 28, pixels: [], labels: [])
        self.modelPath = modelPath
    }

    /// The test images answered wrong, the most confident answer first.
    var mistakes: [Int] {
        test.predictions.indices
            .filter { test.predictions[$0] != Int(testImages.labels[$0]) }
            .sorted { test.confidences[$0] > test.confidences[$1] }
    }

    var settings: [(String, String)] {
        [("layers", configuration.sizes.map(String.init).joined(separator: "-")),
         ("activations", "\(configuration.hidden.rawValue) hidden, \(configuration.output.rawValue) output"),
         ("cost", configuration.cost.rawValue), ("initialisation", configuration.initialization.rawValue),
         ("learning rate", "\(configuration.learningRate)"), ("momentum", "\(configuration.momentum)"),
         ("weight decay", "\(configuration.weightDecay)"), ("batch size", "\(configuration.batchSize)"),
         ("epochs", "\(epochs.count) of \(configuration.epochs)"), ("seed", "\(configuration.seed)"),
         ("training images", "\(trainingCount) \(dataset.rawValue)"), ("model file", modelPath)]
    }

    /// Writes every file into `folder` and returns their paths.
    func write(to folder: String) throws -> [String] {
        let curves = curvesFigure().svg().bytes
        let confusion = ConfusionChart(counts: test.confusion, classNames: dataset.classNames,
                                       title: "Test set: \(test.correct) of \(test.total) right (\(Format.percent(test.accuracy)))").svg().bytes
        let mistakesPNG = try mistakesSheet().image().pngEncoded()
        let files: [(String, [UInt8])] = [
            ("curves.svg", curves), ("confusion.svg", confusion), ("mistakes.png", mistakesPNG),
            ("report.json", try json()), ("report.html", page(curves: curves, confusion: confusion, mistakes: mistakesPNG).bytes),
        ]
        for (name, bytes) in files { try Output.write(bytes, to: Output.path(name, in: folder)) }
        return files.map { Output.path($0.0, in: folder) }
    }

    func curvesFigure() -> Figure {
        let epochNumbers = epochs.map { Double($0.epoch) }
        func series(_ name: String, _ values: [Double], _ color: Int, dashed: Bool = false) -> LineChart.Series {
            LineChart.Series(name: name, points: Array(zip(epochNumbers, values)).map { (x: $0.0, y: $0.1) },
                             color: Color.series(color), dashed: dashed, markers: epochs.count <= 40)
        }
        let cost = LineChart(title: "Training cost", xLabel: "epoch", yLabel: "mean \(configuration.cost.rawValue) cost",
                             series: [series("training cost", epochs.map(\.trainingCost), 3)])
        let accuracy = LineChart(title: "Accuracy", xLabel: "epoch", yLabel: "share classified right",
                                 series: [series("training", epochs.map(\.trainingAccuracy), 0, dashed: true),
                                          series("validation", epochs.map(\.validationAccuracy), 1),
                                          series("test", testAccuracies, 2)], yPercent: true)
        return Figure(title: "Training \(settings[0].1) on \(trainingCount) \(dataset.rawValue) images",
                      notes: [settings.dropFirst().prefix(8).map { "\($0.0) \($0.1)" }.joined(separator: ", ")],
                      panels: [cost, accuracy])
    }

    func mistakesSheet(count: Int = 40) -> TileSheet {
        let names = dataset.classNames
        let tiles = mistakes.prefix(count).map { index in
            TileSheet.Tile(image: testImages.picture(index), captions: [
                TileSheet.Caption("#\(index)", color: .darkGray),
                TileSheet.Caption("true \(names[Int(testImages.labels[index])])", color: .green),
                TileSheet.Caption("said \(names[test.predictions[index]])", color: .red),
                TileSheet.Caption(String(format: "%.3f", test.confidences[index]), color: .darkGray),
            ])
        }
        return TileSheet(title: "The \(tiles.count) most confident mistakes on the test set",
                         notes: ["each: test index, true label, the network's answer, and its output for that answer"],
                         tiles: tiles, columns: 10, scale: 2)
    }

    func json() throws -> [UInt8] {
        let object: [String: Any] = [
            "settings": Dictionary(uniqueKeysWithValues: settings),
            "epochs": zip(epochs, testAccuracies).map { epoch, test in Format.epochJSON(epoch).merging(["test_accuracy": test]) { $1 } },
            "test": Format.evaluationJSON(test),
            "mistakes": mistakes.prefix(100).map { ["index": $0, "label": Int(testImages.labels[$0]),
                                                    "predicted": test.predictions[$0], "confidence": Double(test.confidences[$0])] },
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return Array(data)
    }

    func page(curves: [UInt8], confusion: [UInt8], mistakes: [UInt8]) -> ReportPage {
        let last = epochs.last
        let summary = "After \(epochs.count) epochs: training accuracy \(Format.percent(last?.trainingAccuracy ?? 0)), "
            + "validation \(Format.percent(last?.validationAccuracy ?? 0)), test \(Format.percent(test.accuracy)) "
            + "(\(test.correct) of \(test.total))."
        let rows = zip(epochs, testAccuracies).map { epoch, test in
            ["\(epoch.epoch)", String(format: "%.4f", epoch.trainingCost), Format.percent(epoch.trainingAccuracy),
             Format.percent(epoch.validationAccuracy), Format.percent(test), String(format: "%.2f s", epoch.seconds)]
        }
        return ReportPage(title: "Descent training report", blocks: [
            .paragraph(summary),
            .heading("Settings"), .table(header: ["setting", "value"], rows: settings.map { [$0.0, $0.1] }),
            .heading("Learning curves"), .picture(bytes: curves, mediaType: "image/svg+xml",
                                                  caption: "Training cost, and training, validation and test accuracy, after each epoch."),
            .heading("Confusion matrix"), .picture(bytes: confusion, mediaType: "image/svg+xml",
                                                   caption: "Test images by true digit (rows) and answer (columns)."),
            .heading("Confident mistakes"), .picture(bytes: mistakes, mediaType: "image/png",
                                                     caption: "Test images the network got wrong while most sure of its answer."),
            .heading("Epochs"), .table(header: ["epoch", "training cost", "training", "validation", "test", "time"], rows: rows),
        ])
    }
}
