// swift-tools-version: 6.1
// Digits: the package that the DocC tutorial "Train the video's network in your own package" builds,
// step by step (Sources/Descent/Documentation.docc/YourOwnPackage.md quotes these files; CI builds
// and runs them, and scripts/check_tutorial.py checks that the article quotes them as they are).
import PackageDescription

let package = Package(
    name: "Digits",
    platforms: [.macOS(.v15)],  // Descent's own: its command line needs macOS 15
    dependencies: [
        // Here, the checkout this folder sits in. Yours names Descent's repository and its version,
        // .package(url: "https://github.com/OWNER/Descent.git", from: "0.3.0"), or a checkout's path.
        .package(name: "Descent", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "Digits", dependencies: [.product(name: "Descent", package: "Descent")]),
    ]
)
