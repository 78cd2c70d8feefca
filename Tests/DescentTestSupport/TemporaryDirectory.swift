// TestSupport: helpers shared by the test targets: scratch folders and the location of MNIST.
import DescentFileIO
import Foundation

/// A fresh folder under the system's temporary directory, removed when `remove()` is called.
public struct TemporaryDirectory: Sendable {
    public let path: String

    /// Creates a new empty folder whose name starts with `prefix`.
    public init(_ prefix: String = "descent-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(prefix)-\(UUID().uuidString)"
        try Files.createDirectory(path)
    }

    /// The path of `name` inside this folder.
    public func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Deletes the folder and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Where the real MNIST files are for the tests: `DESCENT_TEST_MNIST`, else `../shared/mnist`
/// beside the package.
public enum TestData {
    /// The package's root folder, found from this source file's path.
    public static var packageRoot: String {
        let file = #filePath  // <root>/Tests/DescentTestSupport/TemporaryDirectory.swift
        var parts = file.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }

    /// The folder holding the four MNIST files, gzipped or not, or `nil` if none is found.
    public static var mnistFolder: String? {
        var candidates: [String] = []
        if let folder = ProcessInfo.processInfo.environment["DESCENT_TEST_MNIST"] { candidates.append(folder) }
        candidates.append(Files.directory(of: packageRoot) + "/shared/mnist")
        return candidates.first(where: holdsMNIST)
    }

    /// The names of MNIST's four files, as the mirrors serve them (gzipped).
    public static let mnistGzipNames = [
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
    ]

    /// Whether `folder` holds each of MNIST's four files, gzipped (`.gz`) or not, as `MNIST(folder:)` reads them.
    public static func holdsMNIST(_ folder: String) -> Bool {
        mnistGzipNames.allSatisfy { name in Files.exists("\(folder)/\(name)") || Files.exists("\(folder)/\(name.dropLast(3))") }
    }

    /// Whether the tests run under CI, where tests that need MNIST must run rather than be skipped.
    public static var isCI: Bool {
        ProcessInfo.processInfo.environment["CI"] == "true"
    }
}
