import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A problem starting the test HTTP server.
struct LocalHTTPServerError: Error, CustomStringConvertible {
    var description: String
}

/// Python's `http.server` serving a folder on 127.0.0.1, on a port the system picks, as a child
/// process. Call `stop()` when done (`withLocalHTTPServer` does).
final class LocalHTTPServer {
    private let process: Process
    /// The port the server listens on.
    let port: Int
    /// The URL prefix of the folder, ending in `/`.
    var url: String { "http://127.0.0.1:\(port)/" }

    /// Starts `python3 -m http.server 0` on `folder` and waits (at most `patience` seconds) for the
    /// line "Serving HTTP on 127.0.0.1 port N", which is printed once the socket is listening.
    init(serving folder: String, patience: Double = 20) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // -u: unbuffered, or the port line would sit in Python's buffer while the output is a pipe.
        process.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice  // the request log; nobody reads it
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        do {
            port = try Self.readPort(from: output.fileHandleForReading.fileDescriptor, patience: patience)
        } catch {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw error
        }
    }

    /// Stops the server and waits for it to exit.
    ///
    /// SIGKILL rather than `terminate()`'s SIGTERM: the child inherits the signal mask of the thread
    /// that spawned it, and Swift's concurrency threads block SIGTERM, so Python would ignore it.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    private static func readPort(from descriptor: Int32, patience: Double) throws -> Int {
        let deadline = Date().addingTimeInterval(patience)
        var text = ""
        var chunk = [UInt8](repeating: 0, count: 512)
        while Date() < deadline {
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&request, 1, 100) > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else {
                throw LocalHTTPServerError(description: "python3 http.server exited early; output: \(text)")
            }
            text += String(decoding: chunk[0..<count], as: UTF8.self)
            if let range = text.range(of: #"port (\d+)"#, options: .regularExpression),
               let port = Int(text[range].dropFirst(5)) {
                return port
            }
        }
        throw LocalHTTPServerError(description: "python3 http.server printed no port within \(patience) s: \(text)")
    }
}

/// Runs `body` with a server for each of `folders`, stopping them all afterwards, whatever happens.
func withLocalHTTPServers<Result>(
    serving folders: [String],
    _ body: ([LocalHTTPServer]) async throws -> Result
) async throws -> Result {
    var servers: [LocalHTTPServer] = []
    defer { servers.forEach { $0.stop() } }
    for folder in folders {
        servers.append(try LocalHTTPServer(serving: folder))
    }
    return try await body(servers)
}
