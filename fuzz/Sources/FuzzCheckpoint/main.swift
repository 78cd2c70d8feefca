// libFuzzer target: any bytes given to the checkpoint reader (`descent train --resume`) either
// decode, through the safetensors reader, to a checkpoint whose position lies inside its run and
// which encodes and decodes back to the same configuration, position and bytes; or throw
// SafetensorsError or CheckpointError. Never a trap, an out-of-bounds access or an allocation the
// input's size does not justify.
import Descent
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func fuzzCheckpoint(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    guard let file = try? SafetensorsFile(bytes: bytes, source: "fuzz") else { return 0 }
    let checkpoint: TrainingCheckpoint
    do {
        checkpoint = try TrainingCheckpoint(file: file, source: "fuzz")
    } catch {
        return 0  // Typed throws: always a CheckpointError.
    }
    precondition((1...checkpoint.configuration.epochs + 1).contains(checkpoint.epoch), "checkpoint: epoch \(checkpoint.epoch)")
    precondition(checkpoint.batch >= 0, "checkpoint: batch \(checkpoint.batch)")
    let encoded = checkpoint.encoded()
    let again: TrainingCheckpoint
    do {
        again = try TrainingCheckpoint(file: SafetensorsFile(bytes: encoded, source: "re-encoded"), source: "re-encoded")
    } catch {
        preconditionFailure("checkpoint: a decoded checkpoint does not decode after encoding: \(error)")
    }
    precondition(again.configuration == checkpoint.configuration, "checkpoint: the configuration changed on encoding")
    precondition(again.epoch == checkpoint.epoch && again.batch == checkpoint.batch && again.trainingCount == checkpoint.trainingCount,
                 "checkpoint: the position changed on encoding")
    precondition(again.encoded() == encoded, "checkpoint: encoding is not stable")
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzCheckpoint))
