// TensorFlow Playground's two spirals, trained from Float arrays: two interleaved arms of points in
// the plane, a point's class its arm. A small ReLU network learns to tell them apart; a straight
// line cannot. With an argument, also writes the points as a CSV for `descent train --csv`.
// Usage: Spirals [points.csv]
import Descent
import Foundation

/// `count` points on the two arms, with a little noise, drawn from `generator`.
func spirals(count: Int, using generator: inout SplitMix64) -> (points: [[Float]], arms: [Int]) {
    var points: [[Float]] = [], arms: [Int] = []
    for index in 0..<count {
        let arm = index % 2
        let t = Float.random(in: 0...1, using: &generator).squareRoot() * 3 * .pi  // turns, denser near the centre
        let radius = t / (3 * .pi) * 5
        let angle = t + Float(arm) * .pi
        points.append([radius * cos(angle) + Float.random(in: -0.1...0.1, using: &generator),
                       radius * sin(angle) + Float.random(in: -0.1...0.1, using: &generator)])
        arms.append(arm)
    }
    return (points, arms)
}

var generator = SplitMix64(seed: 7)
let (points, arms) = spirals(count: 1000, using: &generator)
let all = try LabeledFeatures(rows: points, labels: arms)
let data = TrainingData(name: "spirals", training: all.slice(0..<800), validation: all.slice(800..<900),
                        test: all.slice(900..<1000), classNames: ["first arm", "second arm"])

var options = TrainingOptions()
options.preset = .videoBest   // ReLU, softmax, Adam with a cosine schedule
options.layers = [2, 32, 32, 2]
options.epochs = 300
options.batchSize = 32
options.learningRate = 0.01
let configuration = try options.configuration(inputCount: 2, classCount: 2, images: false)
let outcome = try TrainingRun(configuration: configuration, data: data).run()

let training = Evaluation(network: outcome.model.network, on: data.training)
print("2-32-32-2 on \(data.training.count) points, \(configuration.epochs) epochs: training accuracy \(training.accuracy), "
    + "test accuracy \(outcome.test?.accuracy ?? 0)")
if training.accuracy < 0.99 {
    print("expected at least 99% training accuracy")
    exit(1)
}
if let path = CommandLine.arguments.dropFirst().first {
    let lines = ["x,y,arm"] + zip(points, arms).map { "\($0[0]),\($0[1]),\(["first", "second"][$1])" }
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    print("wrote \(points.count) points to \(path)")
}
