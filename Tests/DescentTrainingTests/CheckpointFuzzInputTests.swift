import DescentSafetensors
import DescentTestSupport
import DescentTraining
import Testing

/// The checkpoint fuzzer's seeds and findings (fuzz/corpus/checkpoint, fuzz/regressions/checkpoint):
/// each decodes to a checkpoint that survives encoding, or is refused with a SafetensorsError or
/// CheckpointError naming it, as in fuzz/Sources/FuzzCheckpoint/main.swift.
@Suite("Fuzz inputs: checkpoints")
struct CheckpointFuzzInputTests {
    @Test("every checkpoint input decodes and survives encoding, or is refused naming the file; the good seeds decode")
    func checkpoints() throws {
        let inputs = FuzzInputs.all("checkpoint")
        #expect(inputs.count >= 3)
        var decoded: [String] = []
        for (name, bytes) in inputs {
            let checkpoint: TrainingCheckpoint
            do {
                checkpoint = try TrainingCheckpoint(file: SafetensorsFile(bytes: bytes, source: name), source: name)
            } catch let error as SafetensorsError {
                #expect(error.description.hasPrefix(name), "\(error)")
                continue
            } catch let error as CheckpointError {
                #expect(error.description.hasPrefix(name), "\(error)")
                continue
            }
            decoded.append(name)
            #expect((1...checkpoint.configuration.epochs + 1).contains(checkpoint.epoch), "\(name)")
            let again = try TrainingCheckpoint(file: SafetensorsFile(bytes: checkpoint.encoded(), source: "re-encoded"), source: "re-encoded")
            #expect(again.configuration == checkpoint.configuration && again.epoch == checkpoint.epoch && again.batch == checkpoint.batch, "\(name)")
            #expect(again.encoded() == checkpoint.encoded(), "\(name)")
        }
        #expect(decoded.contains("corpus/checkpoint/sgd.safetensors") && decoded.contains("corpus/checkpoint/adam.safetensors"), "\(decoded)")
        #expect(!decoded.contains("corpus/checkpoint/model-not-checkpoint.safetensors"))
    }
}
