// Trains the video's network through `import Descent` alone, saves it, loads it, and predicts.
import Descent
import FileIO
import Training

let folder = CommandLine.arguments.dropFirst().first ?? "mnist"
let mnist = try MNIST(folder: folder)
var configuration = TrainingConfiguration(preset: .video)  // 784-16-16-10, sigmoid, quadratic cost, SGD
configuration.epochs = 3
let run = try TrainingRun(configuration: configuration, data: TrainingData(mnist))
let outcome = try run.run { progress in
    if case .epochFinished(let report) = progress { print("epoch \(report.epoch): validation \(report.validationAccuracy)") }
}
try outcome.model.save(to: "/tmp/consumer-model.safetensors")
let model = try Model.load("/tmp/consumer-model.safetensors")
let prediction = try model.prediction(forImage: mnist.test.image(0))
print("test accuracy \(outcome.test?.accuracy ?? 0); test image 0 (a \(mnist.test.labels[0])) read as \(prediction.label)")
print("beside \(OwnTraining.name) and \(OwnFileIO.name)")
