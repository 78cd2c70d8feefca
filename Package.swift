// swift-tools-version: 6.1
// Descent: a multilayer perceptron that learns to read digits by gradient descent,
// its gradient computed by backpropagation written out by hand.
import PackageDescription

// MARK: - Language features
// Swift 6 language mode (complete concurrency checking) is the default for tools version 6.
let swiftSettings: [SwiftSetting] = [
    // Imports must be declared `public import` where re-exported: keeps module boundaries honest.
    .enableUpcomingFeature("InternalImportsByDefault"),
    // `any P` spelled out wherever an existential is used.
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Descent",
    platforms: [.macOS(.v14)],
    // MARK: - Products
    products: [
        .library(name: "Descent", targets: [
            "LinearAlgebra", "FileIO", "Safetensors", "Datasets", "NeuralNetwork", "Training", "Pictures", "Experiments",
        ]),
        .executable(name: "descent", targets: ["descent"]),
        // The web explorer's routes, for the fuzz targets in fuzz/ (a package of their own).
        .library(name: "Explorer", targets: ["Explorer"]),
    ],
    // MARK: - Dependencies
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),

        // MARK: - Kernels
        // Float32 matrix multiply in C: AVX2/FMA chosen at run time, no build flags (see CKernels.h).
        .target(name: "CKernels"),

        // MARK: - Library, in dependency order
        .target(name: "LinearAlgebra", dependencies: ["CKernels"], swiftSettings: swiftSettings),
        .target(name: "FileIO", swiftSettings: swiftSettings),
        .target(name: "Safetensors", dependencies: ["FileIO"], swiftSettings: swiftSettings),
        .target(name: "Datasets", dependencies: ["LinearAlgebra", "FileIO", "CZlib", "CPNG"], swiftSettings: swiftSettings),
        .target(name: "NeuralNetwork", dependencies: ["LinearAlgebra", "Safetensors"], swiftSettings: swiftSettings),
        .target(name: "Training", dependencies: ["NeuralNetwork", "Datasets", "FileIO"], swiftSettings: swiftSettings),
        // Pictures reads images and networks, never training; Experiments runs the video's experiments.
        .target(name: "Pictures", dependencies: ["Datasets", "NeuralNetwork", "LinearAlgebra"], swiftSettings: swiftSettings),
        .target(name: "Experiments", dependencies: ["NeuralNetwork", "Datasets", "Training", "LinearAlgebra"], swiftSettings: swiftSettings),

        // MARK: - Web explorer
        // The HTTP API and the pages (plain HTML/CSS/JS in Site/, read into memory at start).
        .target(
            name: "Explorer",
            dependencies: [
                "Training", "Datasets", "NeuralNetwork", "LinearAlgebra", "Experiments",
                .product(name: "Hummingbird", package: "hummingbird"),
                // HTTP1Channel's limits and MaximumAvailableConnections (ServerLimits).
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ],
            resources: [.copy("Site")],
            swiftSettings: swiftSettings
        ),

        // MARK: - Command-line tool
        .executableTarget(
            name: "descent",
            dependencies: [
                "Training", "Datasets", "NeuralNetwork", "Safetensors", "FileIO", "LinearAlgebra", "CKernels", "Pictures", "Experiments",
                "Explorer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests
        .target(name: "TestSupport", dependencies: ["LinearAlgebra", "FileIO"], path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "CKernels", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "FileIOTests", dependencies: ["FileIO", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SafetensorsTests", dependencies: ["Safetensors", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "NeuralNetworkTests", dependencies: ["NeuralNetwork", "Safetensors", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ExplorerTests",
            dependencies: [
                "Explorer", "Training", "Datasets", "NeuralNetwork", "LinearAlgebra", "Experiments", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Datasets", "NeuralNetwork", "Safetensors", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PicturesTests", dependencies: ["Pictures", "Datasets", "NeuralNetwork", "LinearAlgebra", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Training", "Datasets", "NeuralNetwork", "LinearAlgebra", "TestSupport"], swiftSettings: swiftSettings),
    ]
)
