import DescentSafetensors
import DescentTestSupport
import Testing

/// The safetensors fuzzer's seeds and findings: each decodes to a file that survives encoding, or
/// throws SafetensorsError.
@Suite("Fuzz inputs: safetensors")
struct FuzzInputTests {
    @Test("every safetensors input decodes and re-encodes, or throws SafetensorsError")
    func safetensors() throws {
        let inputs = FuzzInputs.all("safetensors")
        #expect(inputs.count >= 4)
        for (name, bytes) in inputs {
            guard let file = try? SafetensorsFile(bytes: bytes, source: name) else { continue }
            #expect(try SafetensorsFile(bytes: file.encoded(), source: name) == file, "\(name)")
        }
    }
}
