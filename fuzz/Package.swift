// swift-tools-version: 6.1
// libFuzzer targets for Descent's parsers: one executable per parser, each handing its test
// function to libFuzzer's driver. They only link with -sanitize=fuzzer, so they live in a package
// of their own and never touch the main package's `swift build` / `swift test`.
// Build and run them with fuzz/run.sh (see its header).
import PackageDescription

// A path dependency's identity is its folder's name (the checkout may be called anything).
let root = String(#filePath.split(separator: "/").dropLast(2).last ?? "Descent")

let package = Package(
    name: "DescentFuzz",
    platforms: [.macOS(.v15)],  // the main package's (see its Package.swift)
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        // libFuzzer's driver, called from each target's main.swift.
        .target(name: "CFuzzDriver"),
        // IDX files, raw and gzip (Datasets: IDXFile, Gzip through zlib).
        .executableTarget(name: "FuzzIDX", dependencies: ["CFuzzDriver", .product(name: "Descent", package: root)]),
        // safetensors files, then the model read from them (Safetensors, NeuralNetwork).
        .executableTarget(name: "FuzzSafetensors", dependencies: ["CFuzzDriver", .product(name: "Descent", package: root)]),
        // PNG files through libpng, then the digit preparation (Datasets).
        .executableTarget(name: "FuzzPNG", dependencies: ["CFuzzDriver", .product(name: "Descent", package: root)]),
        // Bodies of POST /api/predict, JSON or PNG (Explorer).
        .executableTarget(name: "FuzzPredict", dependencies: ["CFuzzDriver", .product(name: "DescentExplorer", package: root)]),
        // JPEG files through libjpeg and the Exif orientation, then the photo preparation (Datasets).
        .executableTarget(name: "FuzzJPEG", dependencies: ["CFuzzDriver", .product(name: "Descent", package: root)]),
        // CSV tables (Datasets: CSVDataset.parse).
        .executableTarget(name: "FuzzCSV", dependencies: ["CFuzzDriver", .product(name: "Descent", package: root)]),
        // Training checkpoints: safetensors, then TrainingCheckpoint(file:source:) (Training).
        .executableTarget(name: "FuzzCheckpoint", dependencies: ["CFuzzDriver", .product(name: "Descent", package: root)]),
        // JSON bodies of POST /api/train, /api/step and /api/fine-tune (Explorer's internal request
        // types, hence @testable and run.sh's -enable-testing).
        .executableTarget(name: "FuzzBodies", dependencies: [
            "CFuzzDriver", .product(name: "Descent", package: root), .product(name: "DescentExplorer", package: root),
        ]),
    ]
)
