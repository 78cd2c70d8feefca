public import DescentDatasets
public import DescentFileIO

/// What a `Downloader` reports as it works, one event at a time, for a person to read.
public enum DownloadEvent: Sendable, Equatable, CustomStringConvertible {
    /// A request for `file` is about to be sent to `mirror`.
    case fetching(file: String, mirror: String)
    /// `file` arrived, passed its SHA-256 check and was written; `bytes` is its compressed size.
    case fetched(file: String, bytes: Int)
    /// `file` was already in the folder with the right content; it was kept and not downloaded.
    case alreadyPresent(file: String)
    /// `mirror` could not supply `file`; the next mirror is tried.
    case mirrorFailed(file: String, mirror: String, reason: String)

    /// One line for a person: the file, the mirror and what happened.
    public var description: String {
        switch self {
        case .fetching(let file, let mirror):
            return "fetching \(file) from \(mirror)"
        case .fetched(let file, let bytes):
            return "fetched \(file) (\(bytes) bytes, SHA-256 checked)"
        case .alreadyPresent(let file):
            return "\(file) already present (SHA-256 checked)"
        case .mirrorFailed(let file, let mirror, let reason):
            return "\(mirror) failed for \(file): \(reason)"
        }
    }
}

/// Why a `Downloader` could not fetch a data set.
public enum DownloadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One mirror that could not supply a file, and why.
    public struct MirrorFailure: Sendable, Equatable {
        /// The URL prefix that was tried.
        public var mirror: String
        /// A short reason: `HTTP 404`, `connection refused`, `SHA-256 mismatch`, ...
        public var reason: String

        /// Creates a record of `mirror` failing for `reason`.
        public init(mirror: String, reason: String) {
            self.mirror = mirror
            self.reason = reason
        }
    }

    /// Every mirror failed for `file` (or none was given); `failures` says why, in the order tried.
    case allMirrorsFailed(file: String, kind: DatasetKind, failures: [MirrorFailure])
    /// The destination folder, or a file in it, could not be created or written.
    case unwritable(FileError)
    /// The task running the download was cancelled; files already written are complete and kept.
    case cancelled

    /// One line for a person: the file, each mirror tried and why it failed, or the folder that could not be written.
    public var description: String {
        switch self {
        case .allMirrorsFailed(let file, let kind, let failures):
            let tried = failures.isEmpty
                ? "no mirror was given"
                : failures.map { "\($0.mirror): \($0.reason)" }.joined(separator: "; ")
            let names = kind.files.map(\.gzipName).joined(separator: ", ")
            return "cannot download \(file): every mirror failed (\(tried)). "
                + "To work offline, put the four files (\(names)) in a folder "
                + "and pass --data DIR or set DESCENT_DATA=DIR"
        case .unwritable(let error):
            return "cannot save the download: \(error); choose a folder you can write to"
        case .cancelled:
            return "download cancelled; files already fetched are kept and will not be fetched again"
        }
    }
}
