import Foundation
import DescentTraining

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Prose for people: lines to stdout, notes to stderr; silent when `--json` asks for one object.
struct Console: Sendable {
    let quiet: Bool

    func say(_ line: String) {
        guard !quiet else { return }
        emit(line)
    }

    /// A side remark (download progress, warnings) on stderr, so stdout stays the result.
    func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Writes a line to stdout at once (unbuffered, so piped output shows epoch by epoch).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// A failure the tool reports in one line.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A one-line progress bar on stderr, redrawn in place: examples a second and time left.
final class ProgressBar: @unchecked Sendable {
    // Used from the training thread only; @unchecked because it is a class holding clocks.
    private let enabled: Bool
    private let epochs: Int
    private var epochStart = DispatchTime.now().uptimeNanoseconds
    private var currentEpoch = 0
    private var drawn = false

    static var isTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    init(enabled: Bool, epochs: Int) {
        self.enabled = enabled
        self.epochs = epochs
    }

    func update(epoch: Int, done: Int, total: Int) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        if epoch != currentEpoch {
            currentEpoch = epoch
            epochStart = now
        }
        let seconds = max(1e-9, Double(now - epochStart) / 1e9)
        let rate = Double(done) / seconds
        let left = rate > 0 ? Double(total - done) / rate + Double(epochs - epoch) * Double(total) / rate : 0
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = "Epoch \(epoch)/\(epochs) [\(bar)] \(done)/\(total)  \(Int(rate)) examples/s  ETA \(Format.duration(left))"
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
        drawn = true
    }

    func clear() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }
}
