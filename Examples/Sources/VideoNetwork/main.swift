// The video's network (784-16-16-10, sigmoid, quadratic cost, SGD) trained on MNIST and saved.
// Usage: VideoNetwork [MNIST folder] [model file]
import Descent

let arguments = CommandLine.arguments.dropFirst()
let mnist = try MNIST(folder: arguments.first ?? "mnist")
let run = try TrainingRun(configuration: TrainingConfiguration(preset: .video), data: TrainingData(mnist))
let outcome = try run.run { progress in
    if case .epochFinished(let report) = progress {
        print("epoch \(report.epoch): cost \(report.trainingCost), validation accuracy \(report.validationAccuracy)")
    }
}
try outcome.model.save(to: arguments.dropFirst().first ?? "video.safetensors")
print("test accuracy \(outcome.test?.accuracy ?? 0)")
