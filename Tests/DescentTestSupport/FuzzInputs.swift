import Foundation

/// The fuzzers' seed corpus (fuzz/corpus/TARGET) and the inputs they found (fuzz/regressions/TARGET),
/// replayed by the normal test suite so that a parser change that breaks on one of them is caught
/// without running a fuzzer.
public enum FuzzInputs {
    /// Every file for `target` (idx, safetensors, png, predict, jpeg, csv, checkpoint, bodies): name
    /// and bytes, seeds first.
    public static func all(_ target: String) -> [(name: String, bytes: [UInt8])] {
        ["corpus", "regressions"].flatMap { kind -> [(name: String, bytes: [UInt8])] in
            let folder = "\(TestData.packageRoot)/fuzz/\(kind)/\(target)"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            return names.sorted().compactMap { name in
                FileManager.default.contents(atPath: "\(folder)/\(name)").map { ("\(kind)/\(target)/\(name)", Array($0)) }
            }
        }
    }
}
