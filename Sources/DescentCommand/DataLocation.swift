import DescentDatasets
import DescentDownload
import DescentFileIO
import Foundation

/// Finds the data set's folder, and downloads the files into it if they are missing.
enum DataLocation {
    /// The folder to use: `--data`, else `$DESCENT_DATA`, else (for Fashion-MNIST) Debian's
    /// /usr/share/datasets/fashion-mnist if present, else the per-user cache folder.
    static func folder(for options: DataOptions) -> String {
        if let folder = options.folder { return folder }
        let environment = ProcessInfo.processInfo.environment
        if let folder = environment["DESCENT_DATA"], !folder.isEmpty { return folder }
        if options.dataset == .fashion, MNIST.isPresent(in: debianFashion, kind: .fashion) { return debianFashion }
        return "\(cacheFolder())/\(options.dataset.rawValue)"
    }

    /// The per-user cache folder of descent: `$XDG_CACHE_HOME/descent`, else `~/.cache/descent`.
    static func cacheFolder() -> String {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "\(environment["HOME"] ?? ".")/.cache"
        return "\(cache)/descent"
    }

    /// Where the decompressed copies of the gzip files are kept: `unpacked` in the cache folder.
    static func unpackedCache() -> UnpackedCache { UnpackedCache(folder: "\(cacheFolder())/unpacked") }

    /// Where `descent serve` keeps "my digits" unless told otherwise: `my-digits` in the cache folder.
    static func myDigitsFolder() -> String { "\(cacheFolder())/my-digits" }

    static let debianFashion = "/usr/share/datasets/fashion-mnist"

    /// Loads the data set, downloading it first if its files are not in the folder.
    /// - Parameter say: Where progress lines go (stderr).
    static func load(_ options: DataOptions, trainOnAll: Bool = false, say: @Sendable (String) -> Void) async throws -> MNIST {
        if let shape = options.pointShape {
            throw CommandError("--dataset \(shape.rawValue) is a 2-D point set; this command reads MNIST's images (mnist or fashion)")
        }
        let folder = folder(for: options)
        if !MNIST.isPresent(in: folder, kind: options.dataset) {
            say("The \(options.dataset.rawValue) files are not in \(folder); downloading them.")
            try await download(options, into: folder, say: say)
        }
        return try MNIST(folder: folder, kind: options.dataset, trainOnAll: trainOnAll, cache: unpackedCache())
    }

    static func download(_ options: DataOptions, into folder: String, say: @Sendable (String) -> Void) async throws {
        let downloader = Downloader(kind: options.dataset, mirrors: options.mirrors.isEmpty ? nil : options.mirrors)
        try await downloader.download(into: folder) { event in say(event.description) }
    }
}
