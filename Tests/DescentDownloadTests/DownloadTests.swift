import DescentDatasets
import DescentDownload
import DescentFileIO
import Foundation
import DescentTestSupport
import Testing

/// Collects a download's events from its `@Sendable` progress closure.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [DownloadEvent] = []

    func record(_ event: DownloadEvent) { lock.withLock { stored.append(event) } }
    var events: [DownloadEvent] { lock.withLock { stored } }
}

/// Port 9 (discard) on the loopback interface: nothing listens, so connections are refused at once.
let deadMirror = "http://127.0.0.1:9/"

/// Real downloads over HTTP from Python's `http.server` on 127.0.0.1, serving the real MNIST files.
@Suite(
    "Downloader against local HTTP servers",
    .enabled(if: TestData.mnistFolder != nil || TestData.isCI, "needs the MNIST files (DESCENT_TEST_MNIST or ../shared/mnist)")
)
struct DownloadTests {
    /// A folder of wrong files under the right names: a corrupt gzip stream, a valid gzip file with
    /// the wrong content, an HTML page, and (by absence) a 404.
    static func makeBadMirror(copyingFrom good: String) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory("descent-bad-mirror")
        let corrupt: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03] + [UInt8](repeating: 0xff, count: 300)
        try Files.writeAtomically(corrupt, to: folder.file("train-images-idx3-ubyte.gz"))
        let wrongContent = try Files.read("\(good)/t10k-labels-idx1-ubyte.gz")
        try Files.writeAtomically(wrongContent, to: folder.file("train-labels-idx1-ubyte.gz"))
        let page = Array("<html><body>Moved</body></html>\n".utf8)
        try Files.writeAtomically(page, to: folder.file("t10k-images-idx3-ubyte.gz"))
        return folder
    }

    /// The MNIST folder `folder` as a mirror serves it, the four `.gz` files: the folder itself when
    /// it holds them, else a temporary folder (`made`, to remove) where the plain ones are gzipped.
    static func gzipMirror(of folder: String) throws -> (path: String, made: TemporaryDirectory?) {
        if TestData.mnistGzipNames.allSatisfy({ Files.exists("\(folder)/\($0)") }) { return (folder, nil) }
        let made = try TemporaryDirectory("descent-gzip-mirror")
        for name in TestData.mnistGzipNames {
            let gzipped = "\(folder)/\(name)"
            let bytes = try Files.exists(gzipped) ? Files.read(gzipped) : Gzip.compress(Files.read("\(folder)/\(name.dropLast(3))"))
            try Files.writeAtomically(bytes, to: made.file(name))
        }
        return (made.path, made)
    }

    /// Everything in `folder`, hidden files included, sorted.
    static func contents(of folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    static func decompressedHash(_ path: String) throws -> String {
        SHA256.hex(SHA256.hash(try Gzip.decompress(try Files.read(path), source: path)))
    }

    @Test("fetches all four files past a dead and a bad mirror, then keeps or repairs them")
    func downloadPastFailingMirrors() async throws {
        let (good, made) = try Self.gzipMirror(of: try #require(TestData.mnistFolder, "MNIST files not found; set DESCENT_TEST_MNIST"))
        let bad = try Self.makeBadMirror(copyingFrom: good)
        let destination = try TemporaryDirectory("descent-download")
        defer { bad.remove(); destination.remove(); made?.remove() }
        let files = DatasetKind.mnist.files

        try await withLocalHTTPServers(serving: [bad.path, good]) { servers async throws in
            let (badMirror, goodMirror) = (servers[0].url, servers[1].url)
            let downloader = Downloader(kind: .mnist, mirrors: [deadMirror, badMirror, goodMirror], timeout: 10)
            let log = EventLog()
            try await downloader.download(into: destination.path, progress: log.record)

            #expect(try Self.contents(of: destination.path) == files.map(\.gzipName).sorted())
            let expectedReasons = ["gzip", "SHA-256 mismatch", "not gzip", "HTTP 404"]
            var expected: [DownloadEvent] = []
            for (file, badReason) in zip(files, expectedReasons) {
                // Byte for byte the served file, whose decompressed SHA-256 is the published one
                // (checked again below for the small files; decompressing in debug builds is slow).
                let path = destination.file(file.gzipName)
                #expect(try Files.read(path) == Files.read("\(good)/\(file.gzipName)"))
                if file != DatasetKind.mnist.trainingImages {
                    #expect(try Self.decompressedHash(path) == file.sha256)
                }
                let failures = log.events.compactMap { event -> (String, String)? in
                    guard case .mirrorFailed(file.gzipName, let mirror, let reason) = event else { return nil }
                    return (mirror, reason)
                }
                #expect(failures.map(\.0) == [deadMirror, badMirror])
                #expect(failures.last?.1.contains(badReason) == true, "\(file.gzipName): \(failures)")
                expected += [
                    .fetching(file: file.gzipName, mirror: deadMirror),
                    .mirrorFailed(file: file.gzipName, mirror: deadMirror, reason: failures.first?.1 ?? ""),
                    .fetching(file: file.gzipName, mirror: badMirror),
                    .mirrorFailed(file: file.gzipName, mirror: badMirror, reason: failures.last?.1 ?? ""),
                    .fetching(file: file.gzipName, mirror: goodMirror),
                    .fetched(file: file.gzipName, bytes: try Files.read(path).count),
                ]
            }
            #expect(log.events == expected)

            // A second run keeps every file that is present and right.
            let again = EventLog()
            try await downloader.download(into: destination.path, progress: again.record)
            #expect(again.events == files.map { .alreadyPresent(file: $0.gzipName) })

            // A present file with the wrong content is fetched again and replaced.
            let damaged = destination.file(files[1].gzipName)
            try Files.writeAtomically(Files.read(destination.file(files[3].gzipName)), to: damaged)
            let repair = EventLog()
            try await Downloader(kind: .mnist, mirrors: [goodMirror]).download(into: destination.path, progress: repair.record)
            #expect(repair.events.filter { if case .fetched = $0 { true } else { false } }.count == 1)
            #expect(repair.events.contains(.fetched(file: files[1].gzipName, bytes: try Files.read(damaged).count)))
            #expect(try Self.decompressedHash(damaged) == files[1].sha256)
            #expect(try Self.contents(of: destination.path) == files.map(\.gzipName).sorted())
        }
    }

    @Test("when only dead and bad mirrors remain, the error names the file, the reasons and --data, and nothing is written")
    func allMirrorsFail() async throws {
        let (good, made) = try Self.gzipMirror(of: try #require(TestData.mnistFolder, "MNIST files not found; set DESCENT_TEST_MNIST"))
        let bad = try Self.makeBadMirror(copyingFrom: good)
        let destination = try TemporaryDirectory("descent-download")
        defer { bad.remove(); destination.remove(); made?.remove() }

        try await withLocalHTTPServers(serving: [bad.path]) { servers async throws in
            let badMirror = servers[0].url
            let log = EventLog()
            let downloader = Downloader(kind: .mnist, mirrors: [deadMirror, badMirror], timeout: 10)
            do throws(DownloadError) {
                try await downloader.download(into: destination.path, progress: log.record)
                Issue.record("the download should have failed")
            } catch {
                guard case .allMirrorsFailed(let file, let kind, let failures) = error else {
                    Issue.record("unexpected error: \(error)")
                    return
                }
                #expect(file == "train-images-idx3-ubyte.gz")
                #expect(kind == .mnist)
                #expect(failures.map(\.mirror) == [deadMirror, badMirror])
                let text = error.description
                #expect(!text.contains("\n"))
                for needle in ["train-images-idx3-ubyte.gz", deadMirror, badMirror, "corrupt gzip", "--data DIR", "DESCENT_DATA=DIR", "t10k-labels-idx1-ubyte.gz"] {
                    #expect(text.contains(needle), "missing \(needle) in: \(text)")
                }
            }
            #expect(!log.events.contains { if case .fetched = $0 { true } else { false } })
            #expect(try Self.contents(of: destination.path) == [])
        }
    }
}

/// Failures that need neither a server nor the MNIST files.
@Suite("Downloader errors")
struct DownloadErrorTests {
    @Test("a folder that cannot be created is reported as unwritable, wrapping the file error")
    func unwritableFolder() async throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        try Files.writeAtomically([1, 2, 3], to: scratch.file("blocker"))
        let downloader = Downloader(kind: .mnist, mirrors: [deadMirror], timeout: 5)
        do throws(DownloadError) {
            try await downloader.download(into: scratch.file("blocker/data"))
            Issue.record("the download should have failed")
        } catch {
            guard case .unwritable(.unwritable(let path, _)) = error else {
                Issue.record("unexpected error: \(error)")
                return
            }
            #expect(path == scratch.file("blocker/data"))
            #expect(error.description.contains("blocker/data"))
        }
    }

    @Test("with no mirrors the error says so and still explains how to work offline")
    func noMirrors() async throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        do throws(DownloadError) {
            try await Downloader(kind: .fashion, mirrors: []).download(into: scratch.path)
            Issue.record("the download should have failed")
        } catch {
            #expect(error == .allMirrorsFailed(file: "train-images-idx3-ubyte.gz", kind: .fashion, failures: []))
            #expect(error.description.contains("no mirror was given"))
            #expect(error.description.contains("--data DIR"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }

    @Test("default mirrors and timeout")
    func defaults() {
        let downloader = Downloader(kind: .fashion)
        #expect(downloader.mirrors == DatasetKind.fashion.defaultMirrors)
        #expect(downloader.timeout == 60)
        #expect(DatasetKind.fashion.files.allSatisfy { $0.sha256.count == 64 })
    }
}
