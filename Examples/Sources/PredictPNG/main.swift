// A trained model reads a PNG of a digit: the image is prepared as MNIST's digits were (inverted
// if its background is light, cropped, scaled into 20x20 and centred by its centre of mass in
// 28x28), then the model applies its own preprocessing and answers.
// Usage: PredictPNG MODEL IMAGE.png
import Descent
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 2 else {
    print("usage: PredictPNG MODEL IMAGE.png")
    exit(2)
}
let model = try Model.load(arguments[0])
let image = try GrayImage.read(arguments[1])
let input = try DigitPreparation.mnistInput(from: image, source: arguments[1])
let prediction = try model.prediction(forImage: input)
print("\(arguments[1]): \(model.classNames[prediction.label]) (output \(prediction.confidence))")
for (digit, output) in prediction.outputs.enumerated() {
    print("  \(digit): \(String(repeating: "#", count: Int(output * 40)))")
}
