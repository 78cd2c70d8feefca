@testable import DescentFileIO
import Foundation
import DescentTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Atomic writes: the old file or the new, never a mixture, and clear errors")
struct AtomicWriteTests {
    @Test("a write replaces the file, mode 0644, and leaves no temporary file")
    func replaces() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("model.safetensors")
        try Files.writeAtomically(Array("old".utf8), to: path)
        try Files.writeAtomically(Array("new contents".utf8), to: path)
        #expect(try Files.read(path) == Array("new contents".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o644)
    }

    @Test("a disk that fills up during the write: an error naming the file, the old file untouched")
    func fullDiskDuringWrite() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("model.safetensors")
        try Files.writeAtomically(Array("old".utf8), to: path)
        var calls = 0
        // The first write succeeds in part, the second fails as write(2) does on a full disk.
        #expect(throws: FileError.unwritable(path: path, reason: String(cString: strerror(ENOSPC)))) {
            try Files.writeAtomically([UInt8](repeating: 7, count: 100_000), to: path) { descriptor, buffer, count in
                calls += 1
                if calls == 1 { return write(descriptor, buffer, min(count, 4096)) }
                errno = ENOSPC
                return -1
            }
        }
        #expect(try Files.read(path) == Array("old".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    }

    @Test("a real full file system (a 64 KB tmpfs): an error naming the file, the old file untouched",
          .enabled(if: ScratchMount.isPossible, "needs root with CAP_SYS_ADMIN to mount a tmpfs; the simulated full disk above runs everywhere"))
    func realFullDisk() throws {
        let mount = try #require(ScratchMount(kilobytes: 64))
        defer { mount.remove() }
        let path = "\(mount.path)/model.safetensors"
        try Files.writeAtomically(Array("old".utf8), to: path)
        #expect(throws: FileError.unwritable(path: path, reason: String(cString: strerror(ENOSPC)))) {
            try Files.writeAtomically([UInt8](repeating: 1, count: 1 << 20), to: path)
        }
        #expect(try Files.read(path) == Array("old".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: mount.path) == ["model.safetensors"])
    }

    @Test("a read-only folder: an error naming the file, the old file untouched",
          .enabled(if: geteuid() != 0 || ScratchMount.isPossible,
                   "as root, permissions do not stop a write: needs CAP_SYS_ADMIN to mount a read-only tmpfs"))
    func readOnlyFolder() throws {
        if geteuid() != 0 {
            let folder = try TemporaryDirectory()
            defer { chmod(folder.path, 0o755); folder.remove() }
            let path = folder.file("model.safetensors")
            try Files.writeAtomically(Array("old".utf8), to: path)
            chmod(folder.path, 0o555)
            try expectRefused(path, reason: String(cString: strerror(EACCES)))
        } else {
            let mount = try #require(ScratchMount(kilobytes: 64))
            defer { mount.remove() }
            let path = "\(mount.path)/model.safetensors"
            try Files.writeAtomically(Array("old".utf8), to: path)
            try #require(mount.makeReadOnly())
            try expectRefused(path, reason: String(cString: strerror(EROFS)))
        }
    }

    private func expectRefused(_ path: String, reason: String) throws {
        #expect(throws: FileError.unwritable(path: path, reason: reason)) {
            try Files.writeAtomically(Array("new".utf8), to: path)
        }
        #expect(try Files.read(path) == Array("old".utf8))
        #expect(FileError.unwritable(path: path, reason: reason).description.hasPrefix("\(path): cannot write ("))
    }
}

/// A small tmpfs mounted on a fresh folder (root with CAP_SYS_ADMIN only): a real file system that
/// fills up, or that can be made read-only, without touching the machine's disks.
struct ScratchMount {
    let folder: TemporaryDirectory
    var path: String { folder.path }

    init?(kilobytes: Int) {
        guard let folder = try? TemporaryDirectory("descent-mount") else { return nil }
        guard mount("tmpfs", folder.path, "tmpfs", 0, "size=\(kilobytes)k,mode=0755") == 0 else {
            folder.remove()
            return nil
        }
        self.folder = folder
    }

    /// Remounts it read-only; false if the kernel refuses.
    func makeReadOnly() -> Bool {
        mount("tmpfs", path, "tmpfs", UInt(MS_REMOUNT | MS_RDONLY), nil) == 0
    }

    func remove() {
        umount2(path, Int32(MNT_DETACH))
        folder.remove()
    }

    /// Whether this process may mount a tmpfs (tried once).
    static let isPossible: Bool = {
        guard geteuid() == 0, let probe = ScratchMount(kilobytes: 4) else { return false }
        probe.remove()
        return true
    }()
}
