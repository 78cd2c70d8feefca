#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Files {
    /// What a folder's entry is, its symbolic links followed.
    package enum EntryKind: Sendable, Equatable {
        /// A regular file.
        case file
        /// A folder.
        case folder
        /// Anything else: a device, a socket, a link to nothing.
        case other
    }

    /// The entries of `folder`, without `.` and `..`, sorted by name (byte order, so the same on
    /// every machine), each with what it is.
    ///
    /// - Parameter folder: The folder to list.
    /// - Throws: `FileError.notFound` when `folder` does not exist, `.unreadable` with the system's
    ///   reason when it cannot be listed (not a folder, no permission).
    /// - Complexity: O(entries · log entries).
    package static func entries(in folder: String) throws(FileError) -> [(name: String, kind: EntryKind)] {
        guard let directory = opendir(folder) else {
            let code = errno
            if code == ENOENT { throw .notFound(path: folder) }
            throw .unreadable(path: folder, reason: reason(code))
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { field in
                field.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: field.pointee)) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { name in
            var status = stat()
            guard stat("\(folder)/\(name)", &status) == 0 else { return (name, .other) }
            switch status.st_mode & S_IFMT {
            case S_IFREG: return (name, .file)
            case S_IFDIR: return (name, .folder)
            default: return (name, .other)
            }
        }
    }

    /// Whether a folder exists at `path` (a symbolic link to one counts).
    package static func isFolder(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Removes the file at `path` (`unlink(2)`), and flushes its folder so that the removal survives a
    /// power cut.
    /// - Parameter path: The file to remove.
    /// - Throws: `FileError.notFound` when there is no such file, `.unwritable` with the system's reason.
    package static func remove(_ path: String) throws(FileError) {
        guard unlink(path) == 0 else {
            let code = errno
            if code == ENOENT { throw .notFound(path: path) }
            throw .unwritable(path: path, reason: reason(code))
        }
        let folder = open(directory(of: path), O_RDONLY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }
}
