#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads, checks and atomically writes whole files through POSIX calls.
///
/// Foundation is avoided here on purpose: the errors must name the file and the `errno` reason,
/// and an atomic write must `fsync` the data before the `rename` that publishes it.
public enum Files {
    /// Returns the contents of the file at `path`.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - limit: The largest size accepted, checked before anything is allocated.
    /// - Throws: `FileError` naming `path`.
    /// - Complexity: O(size of the file).
    public static func read(_ path: String, limit: Int = 1 << 31) throws(FileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { throw .notFound(path: path) }
            throw .unreadable(path: path, reason: reason(code))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unreadable(path: path, reason: reason(errno)) }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
        let size = Int(status.st_size)
        guard size <= limit else { throw .tooLarge(path: path, limit: limit, found: size) }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let count = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + done, size - done)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: reason(errno))
            }
            if count == 0 { break }  // The file shrank while we read it.
            done += count
        }
        return done == size ? bytes : Array(bytes[0..<done])
    }

    /// Whether a regular file exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// Writes `bytes` to `path` so that a crash at any moment leaves either the old file or the new
    /// one, never a mixture: the data goes to a temporary file in the same folder, is flushed to
    /// disk with `fsync`, and then replaces `path` with `rename`, which POSIX makes atomic.
    ///
    /// - Throws: `FileError.unwritable` naming `path`; the previous file is then untouched and the
    ///   temporary file removed.
    /// - Complexity: O(`bytes.count`).
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileError) {
        let folder = directory(of: path)
        var template = Array("\(folder)/.\(fileName(of: path)).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw .unwritable(path: path, reason: reason(errno)) }
        let temporary = String(cString: template)
        var failure: String? = nil
        var done = 0
        while done < bytes.count && failure == nil {
            let count = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + done, bytes.count - done)
            }
            if count < 0 {
                if errno != EINTR { failure = reason(errno) }
            } else {
                done += count
            }
        }
        if failure == nil && fchmod(descriptor, 0o644) != 0 { failure = reason(errno) }
        if failure == nil && fsync(descriptor) != 0 { failure = reason(errno) }
        if close(descriptor) != 0 && failure == nil { failure = reason(errno) }
        if failure == nil && rename(temporary, path) != 0 { failure = reason(errno) }
        if let failure {
            unlink(temporary)
            throw .unwritable(path: path, reason: failure)
        }
        // Make the rename itself durable.
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// Creates `path` and any missing parents, like `mkdir -p`.
    public static func createDirectory(_ path: String) throws(FileError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw .unwritable(path: path, reason: reason(errno))
            }
        }
    }

    /// The folder part of `path` (`"."` when it has none).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of `path`.
    public static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
