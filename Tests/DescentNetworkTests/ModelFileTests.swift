import DescentLinearAlgebra
import DescentNetwork
import DescentSafetensors
import Testing

@Suite("Model file (safetensors)")
struct ModelFileTests {
    func network(_ sizes: [Int] = [784, 16, 16, 10], output: Activation = .sigmoid) throws -> Network<Float> {
        var generator = SplitMix64(seed: 1)
        return try Network(sizes: sizes, hidden: .relu, output: output, cost: .crossEntropy, using: &generator)
    }

    @Test("a network survives the round trip bit for bit, with its metadata")
    func roundTrip() throws {
        let original = try network(output: .softmax)
        let bytes = original.safetensors(metadata: ["seed": "1"]).encoded()
        let file = try SafetensorsFile(bytes: bytes, source: "m.safetensors")
        #expect(file.metadata["format"] == "descent/1")
        #expect(file.metadata["layers"] == "784,16,16,10")
        #expect(file.metadata["activations"] == "relu,relu,softmax")
        #expect(file.metadata["cost"] == "cross-entropy")
        #expect(file.metadata["seed"] == "1")
        #expect(file.tensors["layers.0.weight"]?.shape == [16, 784])
        #expect(file.tensors["layers.2.bias"]?.shape == [10])
        let loaded = try Network<Float>(safetensors: file, source: "m.safetensors")
        #expect(loaded == original)
        #expect(loaded.safetensors(metadata: ["seed": "1"]).encoded() == bytes)
    }

    func rewritten(_ change: (inout SafetensorsFile) -> Void) throws -> SafetensorsFile {
        var file = try network([4, 3, 2]).safetensors()
        change(&file)
        return file
    }

    @Test("files that are safetensors but not Descent models are refused")
    func malformed() throws {
        let cases: [(String, (inout SafetensorsFile) -> Void)] = [
            ("no format", { $0.metadata["format"] = nil }),
            ("other format", { $0.metadata["format"] = "descent/99" }),
            ("bad layers", { $0.metadata["layers"] = "4,x,2" }),
            ("zero size", { $0.metadata["layers"] = "4,0,2" }),
            ("unknown activation", { $0.metadata["activations"] = "sigmoid,swish" }),
            ("too few activations", { $0.metadata["activations"] = "sigmoid" }),
            ("softmax hidden", { $0.metadata["activations"] = "softmax,sigmoid" }),
            ("unknown cost", { $0.metadata["cost"] = "hinge" }),
            ("missing tensor", { $0.tensors["layers.1.bias"] = nil }),
            ("extra tensor", { $0.tensors["layers.2.weight"] = Tensor([Float](repeating: 0, count: 4), shape: [2, 2]) }),
            ("wrong shape", { $0.tensors["layers.0.weight"] = Tensor([Float](repeating: 0, count: 12), shape: [4, 3]) }),
            ("wrong dtype", { $0.tensors["layers.0.bias"] = Tensor([Double](repeating: 0, count: 3), shape: [3]) }),
            ("NaN weight", { $0.tensors["layers.0.bias"] = Tensor([0, .nan, 0] as [Float], shape: [3]) }),
        ]
        for (name, change) in cases {
            let file = try rewritten(change)
            #expect(throws: ModelFileError.self, "\(name)") { try Network<Float>(safetensors: file, source: "bad.safetensors") }
            do {
                _ = try Network<Float>(safetensors: file, source: "bad.safetensors")
            } catch {
                #expect(error.description.hasPrefix("bad.safetensors"), "\(name): \(error)")
            }
        }
    }
}
