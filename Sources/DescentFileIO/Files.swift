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
package enum Files {
    /// Returns the contents of the file at `path`.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - limit: The largest size accepted, checked before anything is allocated.
    /// - Throws: `FileError` naming `path`.
    /// - Complexity: O(size of the file).
    package static func read(_ path: String, limit: Int = 1 << 31) throws(FileError) -> [UInt8] {
        try read(path, limit: limit, advise: { _ in })
    }

    /// `read(_:limit:)`, calling `advise` with the buffer before the first byte is written to it:
    /// the moment to ask for huge pages (`madvise`), which a buffer already touched cannot get.
    package static func read(
        _ path: String, limit: Int = 1 << 31, advise: (UnsafeMutableRawBufferPointer) -> Void
    ) throws(FileError) -> [UInt8] {
        let (descriptor, size) = try openRegularFile(path)
        defer { close(descriptor) }
        guard size <= limit else { throw .tooLarge(path: path, limit: limit, found: size) }
        // Uninitialised: only the bytes read are kept, and zeroing 47 MB first cost time.
        var failure: FileError?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            advise(UnsafeMutableRawBufferPointer(buffer))
            var done = 0
            while done < size {
                let count = readBytes(descriptor, buffer.baseAddress! + done, size - done)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = .unreadable(path: path, reason: reason(errno))
                    break
                }
                if count == 0 { break }  // The file shrank while we read it.
                done += count
            }
            initialized = done
        }
        if let failure { throw failure }
        return bytes
    }

    /// The first `head` and the last `tail` bytes of the file at `path` (fewer when it is shorter),
    /// and its size, without reading the rest: enough to tell a gzip file's header and trailer.
    /// - Throws: `FileError` naming `path`.
    package static func readEnds(_ path: String, head: Int, tail: Int) throws(FileError) -> (head: [UInt8], tail: [UInt8], size: Int) {
        let (descriptor, size) = try openRegularFile(path)
        defer { close(descriptor) }
        func bytes(at offset: Int, count: Int) throws(FileError) -> [UInt8] {
            var result = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count {
                let got = result.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
                if got < 0, errno == EINTR { continue }
                guard got >= 0 else { throw .unreadable(path: path, reason: reason(errno)) }
                if got == 0 { break }
                done += got
            }
            return Array(result.prefix(done))
        }
        let start = try bytes(at: 0, count: min(head, size))
        let end = try bytes(at: max(0, size - tail), count: min(tail, size))
        return (start, end, size)
    }

    /// Opens the regular file at `path` for reading: its descriptor, which the caller closes, and its size.
    private static func openRegularFile(_ path: String) throws(FileError) -> (descriptor: Int32, size: Int) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { throw .notFound(path: path) }
            throw .unreadable(path: path, reason: reason(code))
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let failure = reason(errno)
            close(descriptor)
            throw .unreadable(path: path, reason: failure)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw .unreadable(path: path, reason: "not a regular file")
        }
        return (descriptor, Int(status.st_size))
    }

    /// Whether a regular file exists at `path`.
    package static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// Writes `bytes` to `path` so that a crash at any moment leaves either the old file or the new
    /// one, never a mixture: the data goes to a temporary file in the same folder, is flushed to
    /// disk with `fsync`, and then replaces `path` with `rename`, which POSIX makes atomic; the
    /// folder is flushed too, so that the rename itself survives a power cut.
    ///
    /// On Linux the temporary file is created without a name (`O_TMPFILE`) and only linked into the
    /// folder once it is complete and flushed, just before the rename: a process killed while
    /// writing leaves nothing behind. Elsewhere, or where the file system refuses `O_TMPFILE`, it is
    /// a hidden `.NAME.XXXXXX` file from `mkstemp`, which a `SIGKILL` during the write leaves behind
    /// (never under the name `path`; safe to delete).
    ///
    /// - Throws: `FileError.unwritable` naming `path` and the system's reason (a full disk, a
    ///   read-only folder); the previous file is then untouched and the temporary file removed.
    /// - Complexity: O(`bytes.count`).
    package static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileError) {
        try writeAtomically(bytes, to: path) { descriptor, buffer, count in write(descriptor, buffer, count) }
    }

    /// `writeAtomically(_:to:)` with the `write(2)` call passed in, so that tests can make it fail
    /// as a full disk does, whoever runs them.
    static func writeAtomically(
        _ bytes: [UInt8], to path: String, writing: (Int32, UnsafeRawPointer, Int) -> Int
    ) throws(FileError) {
        let folder = directory(of: path)
        #if os(Linux)
        if let descriptor = anonymousFile(in: folder) {
            if let failure = fill(descriptor, with: bytes, writing: writing) {
                close(descriptor)
                throw .unwritable(path: path, reason: failure)
            }
            // Give the complete file a (hidden, unique) name, then rename it over `path`. The name is
            // all that can be left behind, and only by a kill in the microseconds between the two.
            let temporary = "\(folder)/.\(fileName(of: path)).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
            let linked = linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, temporary, AT_SYMLINK_FOLLOW) == 0
            let linkError = errno
            close(descriptor)
            if linked {
                try publish(temporary, as: path, folder: folder)
                return
            }
            // No /proc, or a file system that cannot link it: fall back to a named temporary file.
            guard linkError == ENOENT || linkError == EXDEV || linkError == EPERM || linkError == EOPNOTSUPP else {
                throw .unwritable(path: path, reason: reason(linkError))
            }
        }
        #endif
        var template = Array("\(folder)/.\(fileName(of: path)).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw .unwritable(path: path, reason: reason(errno)) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if let failure = fill(descriptor, with: bytes, writing: writing) {
            close(descriptor)
            unlink(temporary)
            throw .unwritable(path: path, reason: failure)
        }
        close(descriptor)
        try publish(temporary, as: path, folder: folder)
    }

    #if os(Linux)
    /// A file without a name in `folder` (`open(2)`, `O_TMPFILE`), or nil where that is not supported.
    private static func anonymousFile(in folder: String) -> Int32? {
        // glibc's O_TMPFILE is `__O_TMPFILE | O_DIRECTORY`, a macro Swift does not import; 0o20000000
        // is __O_TMPFILE on x86-64 and arm64 (asm-generic/fcntl.h).
        let temporaryFile: Int32 = 0o20000000 | O_DIRECTORY
        let descriptor = open(folder, temporaryFile | O_WRONLY | O_CLOEXEC, 0o644)
        return descriptor >= 0 ? descriptor : nil
    }
    #endif

    /// Writes all of `bytes` to `descriptor`, sets the mode to 0644 and flushes it to disk with
    /// `fsync`; returns the system's reason on failure (ENOSPC, EDQUOT, EIO...).
    private static func fill(
        _ descriptor: Int32, with bytes: [UInt8], writing: (Int32, UnsafeRawPointer, Int) -> Int
    ) -> String? {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in writing(descriptor, buffer.baseAddress! + done, bytes.count - done) }
            if count < 0 {
                if errno != EINTR { return reason(errno) }
            } else if count == 0 {
                return "the write made no progress"
            } else {
                done += count
            }
        }
        if fchmod(descriptor, 0o644) != 0 { return reason(errno) }
        if fsync(descriptor) != 0 { return reason(errno) }
        return nil
    }

    /// Renames the complete, flushed `temporary` over `path`, then flushes `folder` so that the
    /// rename is on disk too (ext4 and XFS may otherwise lose it in a power cut).
    private static func publish(_ temporary: String, as path: String, folder: String) throws(FileError) {
        guard rename(temporary, path) == 0 else {
            let failure = reason(errno)
            unlink(temporary)
            throw .unwritable(path: path, reason: failure)
        }
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            // The new file is in place whatever this returns: an error here is not worth failing for.
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// Creates `path` and any missing parents, like `mkdir -p`.
    package static func createDirectory(_ path: String) throws(FileError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw .unwritable(path: path, reason: reason(errno))
            }
        }
    }

    /// The folder part of `path` (`"."` when it has none).
    package static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of `path`.
    package static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// `read(2)` under a name of its own: inside `Files`, a plain `read` is `Files.read(_:limit:)`.
private func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
