// The video's network (784-16-16-10, sigmoid, quadratic cost, SGD) trained on MNIST and saved.
// Usage: VideoNetwork [MNIST folder] [model file]
import Descent

let arguments = CommandLine.arguments.dropFirst()
let mnist = try MNIST(folder: arguments.first ?? "mnist")
let run = try TrainingRun(configuration: TrainingConfiguration(preset: .video), data: TrainingData(mnist))
let result = try run.run { event in
    if case .epochFinished(let report) = event {
        print("epoch \(report.epoch): cost \(report.trainingCost), validation accuracy \(report.validationAccuracy)")
    }
}
try result.model.save(to: arguments.dropFirst().first ?? "video.safetensors")
print("test accuracy \(result.test?.accuracy ?? 0)")
