public import DescentDatasets
import DescentFileIO
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches the four files of a data set over HTTP(S) into a folder, trying mirrors in turn and
/// keeping only files whose decompressed content has the published SHA-256.
///
/// ```swift
/// let downloader = Downloader(kind: .mnist)
/// try await downloader.download(into: "data/mnist") { event in print(event) }
/// ```
public struct Downloader: Sendable {
    /// The data set whose files are fetched.
    public var kind: DatasetKind
    /// URL prefixes tried in turn; a file's `.gz` name is appended (after a `/` if the prefix lacks one).
    public var mirrors: [String]
    /// Seconds a request may wait for data before its mirror counts as failed.
    public var timeout: Double

    /// The most bytes a file may decompress to: the largest (training images) is 47,040,016.
    static let decompressedLimit = 64 << 20

    /// Creates a downloader for `kind`.
    /// - Parameters:
    ///   - kind: The data set.
    ///   - mirrors: URL prefixes to try in turn; `nil` means `kind.defaultMirrors`.
    ///   - timeout: Seconds per request.
    public init(kind: DatasetKind, mirrors: [String]? = nil, timeout: Double = 60) {
        self.kind = kind
        self.mirrors = mirrors ?? kind.defaultMirrors
        self.timeout = timeout
    }

    /// Downloads every file of `kind` missing from `folder` (a present file whose decompressed
    /// SHA-256 is right is kept), checking each download's decompressed SHA-256 and writing it
    /// atomically under its `.gz` name.
    ///
    /// For each file the mirrors are tried in order; a network error, a status other than 200, data
    /// that is not gzip or does not decompress, or a SHA-256 mismatch makes that mirror fail and the
    /// next one is tried. A file whose hash did not match is never written. Files are fetched one at
    /// a time, and those already written stay if a later one fails.
    /// - Parameters:
    ///   - folder: Where the files go; created, with its parents, if missing.
    ///   - progress: Called with one event per file and per failed mirror.
    /// - Throws: `DownloadError.allMirrorsFailed` naming the first file no mirror could supply,
    ///   `.unwritable` if the folder or a file cannot be written, `.cancelled` if the task is cancelled.
    /// - Complexity: O(total size of the files), each decompressed once and hashed once.
    public func download(
        into folder: String,
        progress: @Sendable (DownloadEvent) -> Void = { _ in }
    ) async throws(DownloadError) {
        do throws(FileError) {
            try Files.createDirectory(folder)
        } catch {
            throw .unwritable(error)
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }

        for file in kind.files {
            let path = "\(folder)/\(file.gzipName)"
            if Self.isValid(path: path, file: file) {
                progress(.alreadyPresent(file: file.gzipName))
                continue
            }
            let bytes = try await firstCheckedCopy(of: file, session: session, progress: progress)
            do throws(FileError) {
                try Files.writeAtomically(bytes, to: path)
            } catch {
                throw .unwritable(error)
            }
            progress(.fetched(file: file.gzipName, bytes: bytes.count))
        }
    }

    /// The compressed bytes of `file` from the first mirror whose copy passes the checks.
    private func firstCheckedCopy(
        of file: DatasetKind.File,
        session: URLSession,
        progress: @Sendable (DownloadEvent) -> Void
    ) async throws(DownloadError) -> [UInt8] {
        var failures: [DownloadError.MirrorFailure] = []
        for mirror in mirrors {
            guard !Task.isCancelled else { throw .cancelled }
            progress(.fetching(file: file.gzipName, mirror: mirror))
            switch await fetch(file, from: mirror, session: session) {
            case .checked(let bytes):
                return bytes
            case .failed(let reason):
                guard !Task.isCancelled else { throw .cancelled }
                progress(.mirrorFailed(file: file.gzipName, mirror: mirror, reason: reason))
                failures.append(DownloadError.MirrorFailure(mirror: mirror, reason: reason))
            }
        }
        throw .allMirrorsFailed(file: file.gzipName, kind: kind, failures: failures)
    }

    /// What one mirror gave for one file.
    private enum Outcome {
        /// The compressed bytes, whose decompressed content has the expected SHA-256.
        case checked([UInt8])
        /// A short reason the mirror could not supply the file.
        case failed(String)
    }

    /// The compressed bytes of `file` from `mirror` once checked, or why the mirror failed.
    private func fetch(_ file: DatasetKind.File, from mirror: String, session: URLSession) async -> Outcome {
        let address = mirror.hasSuffix("/") ? mirror + file.gzipName : mirror + "/" + file.gzipName
        guard let url = URL(string: address), let scheme = url.scheme, ["http", "https"].contains(scheme) else {
            return .failed("not an http(s) URL: \(address)")
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "GET"
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            return .failed(Self.reason(for: error, timeout: timeout))
        }
        if let status = (response as? HTTPURLResponse)?.statusCode, status != 200 {
            return .failed("HTTP \(status)")
        }
        let bytes = [UInt8](data)
        guard Gzip.isCompressed(bytes) else {
            return .failed("not gzip data (\(bytes.count) bytes; an error page?)")
        }
        let content: [UInt8]
        do throws(GzipError) {
            content = try Gzip.decompress(bytes, source: address, limit: Self.decompressedLimit)
        } catch {
            return .failed(Self.reason(for: error))
        }
        let digest = SHA256.hex(SHA256.hash(content))
        guard digest == file.sha256 else {
            return .failed("SHA-256 mismatch (got \(digest.prefix(12))..., expected \(file.sha256.prefix(12))...)")
        }
        return .checked(bytes)
    }

    /// Whether `path` holds `file` as gzip data whose decompressed content has the right SHA-256.
    static func isValid(path: String, file: DatasetKind.File) -> Bool {
        guard Files.exists(path),
              let bytes = try? Files.read(path, limit: decompressedLimit),
              Gzip.isCompressed(bytes),
              let content = try? Gzip.decompress(bytes, source: path, limit: decompressedLimit)
        else { return false }
        return SHA256.hex(SHA256.hash(content)) == file.sha256
    }

    /// A short reason for a failed decompression, without the URL `GzipError` repeats.
    private static func reason(for error: GzipError) -> String {
        switch error {
        case .corrupt(_, let reason): return "corrupt gzip data (\(reason))"
        case .truncated: return "gzip data ends early (truncated download)"
        case .tooLarge(_, let limit): return "decompresses to more than \(limit) bytes"
        }
    }

    /// A short reason for a failed request.
    private static func reason(for error: any Error, timeout: Double) -> String {
        guard let error = error as? URLError else { return "\(error)" }
        switch error.code {
        case .cannotConnectToHost: return "connection refused"
        case .timedOut: return "no answer within \(timeout) s"
        case .cannotFindHost, .dnsLookupFailed: return "host not found"
        case .notConnectedToInternet, .networkConnectionLost: return "no network connection"
        case .secureConnectionFailed, .serverCertificateUntrusted: return "TLS connection failed"
        case .cancelled: return "cancelled"
        default: return "network error \(error.code.rawValue) (\(error.localizedDescription))"
        }
    }
}
