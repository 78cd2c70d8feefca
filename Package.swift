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
    // macOS 15 because the command-line tool's Ctrl-C flag is a `Synchronization.Atomic`, which is
    // macOS 15+. Checked for Darwin by reading, not by building: every Glibc import has a Musl or
    // Darwin branch, calls qualified with `Glibc.` are wrapped so that none names the module, and the
    // Linux-only pieces (O_TMPFILE and /proc/self/fd in Files, madvise(MADV_HUGEPAGE) in HugePages,
    // getrusage's RUSAGE_SELF.rawValue in BenchCommand) sit behind `#if os(Linux)`. It is built and
    // tested on Linux only; no macOS machine has compiled it.
    platforms: [.macOS(.v15)],
    // MARK: - Products
    // Few and lean, each useful alone: `Descent` is the common path (build, train, save, load,
    // predict); the pictures, the experiments, the downloader and the web explorer are opt-in.
    products: [
        .library(name: "Descent", targets: ["Descent"]),
        .library(name: "DescentPictures", targets: ["DescentPictures"]),
        .library(name: "DescentExperiments", targets: ["DescentExperiments"]),
        .library(name: "DescentDownload", targets: ["DescentDownload"]),
        // The web explorer's routes (also what the fuzz targets in fuzz/ drive).
        .library(name: "DescentExplorer", targets: ["DescentExplorer"]),
        .executable(name: "descent", targets: ["DescentCommand"]),
    ],
    // MARK: - Dependencies
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        // SHA-256 of data sets and downloads (DescentFileIO.SHA256), about 7x the hand-written one
        // (docs/performance.md). Hummingbird's graph already resolved it; the lean `Descent` product
        // now links it (and BoringSSL) too. Both majors are accepted: the three calls used
        // (update(bufferPointer:), finalize(), hash(data:)) are the same in 3.x and 4.x. Built and
        // tested here with 4.5.2 only.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // The explorer's GET /metrics: Hummingbird's MetricsMiddleware records through swift-metrics,
        // and swift-prometheus keeps and writes the Prometheus text format.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        // Event streams end when the server shuts down gracefully (cancelOnGracefulShutdown); Hummingbird
        // runs on it already.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        // The class set's export: a zip of one folder of PNGs a label.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // Only for `swift package generate-documentation` (the DocC catalogues); no target links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // MARK: - System libraries
        // Every module name carries the package's prefix: SwiftPM wants them unique across a dependency graph.
        .systemLibrary(name: "CDescentZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(name: "CDescentPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        // libjpeg-turbo's libjpeg API (Debian's libjpeg-dev); the calls that can fail are C, in its shim.h.
        .systemLibrary(name: "CDescentJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"]), .brew(["jpeg-turbo"])]),

        // MARK: - Kernels
        // Float32 matrix multiply in C: AVX2/FMA chosen at run time, no build flags (see CDescentKernels.h).
        .target(name: "CDescentKernels"),

        // MARK: - Library, in dependency order
        .target(name: "DescentLinearAlgebra", dependencies: ["CDescentKernels"], swiftSettings: swiftSettings),
        .target(name: "DescentFileIO", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        .target(name: "DescentSafetensors", dependencies: ["DescentFileIO"], swiftSettings: swiftSettings),
        .target(name: "DescentDatasets", dependencies: ["CDescentKernels", "DescentLinearAlgebra", "DescentFileIO", "CDescentZlib", "CDescentPNG", "CDescentJPEG"], swiftSettings: swiftSettings),
        .target(name: "DescentNetwork", dependencies: ["DescentLinearAlgebra", "DescentSafetensors"], swiftSettings: swiftSettings),
        .target(name: "DescentTraining", dependencies: ["DescentNetwork", "DescentDatasets", "DescentFileIO"], swiftSettings: swiftSettings),
        // The umbrella: `import Descent` re-exports the modules above.
        .target(
            name: "Descent",
            dependencies: ["DescentLinearAlgebra", "DescentFileIO", "DescentSafetensors", "DescentDatasets", "DescentNetwork", "DescentTraining"],
            swiftSettings: swiftSettings),
        // The data sets' files fetched over HTTP(S) (FoundationNetworking): only the command line needs it.
        .target(name: "DescentDownload", dependencies: ["DescentDatasets", "DescentFileIO"], swiftSettings: swiftSettings),
        // Pictures read images and networks, never training; Experiments runs the video's experiments.
        .target(name: "DescentPictures", dependencies: ["DescentDatasets", "DescentNetwork", "DescentLinearAlgebra"], swiftSettings: swiftSettings),
        .target(
            name: "DescentExperiments", dependencies: ["DescentNetwork", "DescentDatasets", "DescentTraining", "DescentLinearAlgebra"],
            swiftSettings: swiftSettings),

        // MARK: - Web explorer
        // The HTTP API and the pages (plain HTML/CSS/JS in Site/, read into memory at start).
        .target(
            name: "DescentExplorer",
            dependencies: [
                "DescentTraining", "DescentDatasets", "DescentNetwork", "DescentLinearAlgebra", "DescentExperiments",
                .product(name: "Hummingbird", package: "hummingbird"),
                // HTTP1Channel's limits and MaximumAvailableConnections (ServerLimits).
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Site")],
            swiftSettings: swiftSettings
        ),

        // MARK: - Command-line tool
        .executableTarget(
            name: "DescentCommand",
            dependencies: [
                "DescentTraining", "DescentDatasets", "DescentNetwork", "DescentSafetensors", "DescentFileIO", "DescentLinearAlgebra",
                "CDescentKernels", "DescentPictures", "DescentExperiments", "DescentDownload", "DescentExplorer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests
        .target(name: "DescentTestSupport", dependencies: ["DescentLinearAlgebra", "DescentFileIO"], path: "Tests/DescentTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "DescentLinearAlgebraTests", dependencies: ["DescentLinearAlgebra", "CDescentKernels", "DescentTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "DescentFileIOTests", dependencies: ["DescentFileIO", "DescentTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "DescentSafetensorsTests", dependencies: ["DescentSafetensors", "DescentTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "DescentDatasetsTests", dependencies: ["DescentDatasets", "DescentTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "DescentDownloadTests", dependencies: ["DescentDownload", "DescentDatasets", "DescentTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "DescentNetworkTests", dependencies: ["DescentNetwork", "DescentSafetensors", "DescentTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DescentExplorerTests",
            dependencies: [
                "DescentExplorer", "DescentTraining", "DescentDatasets", "DescentNetwork", "DescentLinearAlgebra", "DescentExperiments",
                "DescentTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DescentTrainingTests",
            dependencies: ["Descent", "DescentTraining", "DescentDatasets", "DescentNetwork", "DescentSafetensors", "DescentTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "DescentPicturesTests", dependencies: ["DescentPictures", "DescentDatasets", "DescentNetwork", "DescentLinearAlgebra", "DescentTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "DescentExperimentsTests",
            dependencies: ["DescentExperiments", "DescentTraining", "DescentDatasets", "DescentNetwork", "DescentLinearAlgebra", "DescentTestSupport"],
            swiftSettings: swiftSettings),
    ]
)
