// swift-tools-version: 6.1
// A package of someone else's that adopts Descent by path. Its own targets are called Training and
// FileIO, names Descent's modules would have clashed with before they carried its prefix.
import PackageDescription

let package = Package(
    name: "Consumer",
    dependencies: [.package(name: "Descent", path: "../..")],
    targets: [
        .target(name: "Training"),
        .target(name: "FileIO"),
        .executableTarget(name: "TrainVideo", dependencies: ["Training", "FileIO", .product(name: "Descent", package: "Descent")]),
        // Code written against Descent 0.2.0's names: it must build, with deprecation warnings only.
        .target(name: "OldNames", dependencies: [.product(name: "Descent", package: "Descent")]),
    ]
)
