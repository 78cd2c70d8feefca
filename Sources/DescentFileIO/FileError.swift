// FileIO: reading whole files and writing them atomically, with errors that name the path.
// It knows nothing of file formats; the modules above it parse what it reads.

/// A failure to read or write a file, naming the file and the operating system's reason.
public enum FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist.
    case notFound(path: String)
    /// The file exists but could not be read (permissions, a directory, an I/O error).
    case unreadable(path: String, reason: String)
    /// The file is larger than the caller allows.
    case tooLarge(path: String, limit: Int, found: Int)
    /// The file could not be written; the previous contents, if any, are untouched.
    case unwritable(path: String, reason: String)

    /// One line for a person: the path, then what went wrong (`mnist/x.gz: no such file`).
    public var description: String {
        switch self {
        case .notFound(let path):
            return "\(path): no such file"
        case .unreadable(let path, let reason):
            return "\(path): cannot read (\(reason))"
        case .tooLarge(let path, let limit, let found):
            return "\(path): file is \(found) bytes, more than the \(limit) allowed"
        case .unwritable(let path, let reason):
            return "\(path): cannot write (\(reason)); any previous file is untouched"
        }
    }
}
