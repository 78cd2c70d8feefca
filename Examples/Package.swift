// swift-tools-version: 6.1
// Examples of Descent used as a library, each a program of its own. The package depends on Descent
// by path, as a user's package would by URL; CI builds and runs every example.
import PackageDescription

let package = Package(
    name: "DescentExamples",
    dependencies: [.package(name: "Descent", path: "..")],
    targets: [
        // The video's network trained and saved, in about 15 lines.
        .executableTarget(name: "VideoNetwork", dependencies: [.product(name: "Descent", package: "Descent")]),
        // A model loaded and a PNG of a digit predicted.
        .executableTarget(name: "PredictPNG", dependencies: [.product(name: "Descent", package: "Descent")]),
        // TensorFlow Playground's two spirals, trained from Float arrays.
        .executableTarget(name: "Spirals", dependencies: [.product(name: "Descent", package: "Descent")]),
    ]
)
