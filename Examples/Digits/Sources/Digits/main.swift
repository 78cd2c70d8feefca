// Digits: the video's network trained on MNIST or on a CSV table of your own, saved, loaded again,
// asked about a picture, and written for PyTorch.
// Usage: Digits MNIST_FOLDER|TABLE.csv [DIGIT.png]
import Descent
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
guard let source = arguments.first else {
    print("usage: Digits MNIST_FOLDER|TABLE.csv [DIGIT.png]")
    exit(2)
}
print(DescentBuild.isOptimized ? "Descent's kernels are optimised" : "a debug build: training will be slow")

let (data, configuration) = try source.hasSuffix(".csv") ? tableRecipe(source) : mnistRecipe(source)

let run = try TrainingRun(configuration: configuration, data: data)
let outcome = try run.run { progress in
    if case .epochFinished(let report) = progress {
        print("epoch \(report.epoch): cost \(report.trainingCost), validation accuracy \(report.validationAccuracy)")
    }
}
print("test accuracy \(outcome.test?.accuracy ?? 0)")

try outcome.model.save(to: "digits.safetensors")
let model = try Model.load("digits.safetensors")   // the network and everything about how it was trained

if arguments.count > 1 {
    let image = try GrayImage.read(arguments[1])                                    // PNG, JPEG or PGM, any size
    let input = try DigitPreparation.mnistInput(from: image, source: arguments[1])  // prepared as MNIST's digits were
    let prediction = try model.prediction(forImage: input)
    print("\(arguments[1]): \(model.classNames[prediction.label]) (output \(prediction.confidence))")
}

try model.network.pyTorchSequential().write(to: "digits-pytorch.safetensors")
print("written: digits.safetensors, and digits-pytorch.safetensors for PyTorch")
