import DescentLinearAlgebra
import DescentNetwork
import DescentSafetensors
import Testing

/// The tensors `safetensors.torch.save_file(nn.Sequential(...).state_dict(), path)` writes: the Linear
/// layer at Sequential index i gives `<i>.weight` ([out, in]) and `<i>.bias`; the activation modules
/// between them give nothing, so with one activation module after each Linear the indices go 0, 2, 4.
func pyTorchFile(_ network: Network<Float>, modules: [Int]? = nil) -> SafetensorsFile {
    let modules = modules ?? network.layers.indices.map { 2 * $0 }
    var tensors: [String: Tensor] = [:]
    for (module, layer) in zip(modules, network.layers) {
        tensors["\(module).weight"] = Tensor(layer.weights.elements, shape: [layer.outputCount, layer.inputCount])
        tensors["\(module).bias"] = Tensor(layer.biases, shape: [layer.outputCount])
    }
    return SafetensorsFile(tensors: tensors)
}

@Suite("Importing PyTorch nn.Sequential files")
struct PyTorchImportTests {
    func network(_ sizes: [Int], hidden: Activation = .relu, output: Activation = .softmax, seed: UInt64 = 5) throws -> Network<Float> {
        var generator = SplitMix64(seed: seed)
        return try Network(sizes: sizes, hidden: hidden, output: output, cost: .crossEntropy, using: &generator)
    }

    func inputs(_ count: Int, width: Int) -> [[Float]] {
        var generator = SplitMix64(seed: 9)
        return (0..<count).map { _ in (0..<width).map { _ in Float.random(in: 0...1, using: &generator) } }
    }

    @Test("an imported network predicts exactly as the network its tensors came from",
          arguments: [([784, 64, 10], Activation.relu, Activation.softmax), ([12, 9, 7, 5], .relu, .softmax),
                      ([6, 5, 4, 3], .tanh, .sigmoid), ([3, 2], .relu, .softmax)])
    func samePredictions(sizes: [Int], hidden: Activation, output: Activation) throws {
        let original = try network(sizes, hidden: hidden, output: output)
        let file = try SafetensorsFile(bytes: pyTorchFile(original).encoded(), source: "pt.safetensors")
        let activations = original.layers.map(\.activation)
        let imported = try Network<Float>(pyTorchSequential: file, activations: activations, source: "pt.safetensors")
        #expect(imported == original)
        for input in inputs(20, width: sizes[0]) {
            #expect(imported.prediction(for: input) == original.prediction(for: input))
        }
    }

    @Test("an exported state dict holds the tensors torch writes, names the activations, and reads back the same network")
    func exportRoundTrip() throws {
        let original = try network([7, 5, 4, 3], hidden: .sigmoid, output: .softmax)
        let exported = original.pyTorchSequential()
        #expect(exported.tensors == pyTorchFile(original).tensors)
        #expect(exported.metadata == ["activations": "sigmoid,sigmoid,softmax"])
        let file = try SafetensorsFile(bytes: exported.encoded(), source: "exported.safetensors")
        let back = try Network<Float>(pyTorchSequential: file, activations: original.layers.map(\.activation), source: "exported.safetensors")
        #expect(back == original)
    }

    @Test("Linear layers are taken in numeric order of their indices, gaps allowed (2 before 10)")
    func numericOrder() throws {
        let original = try network([5, 4, 3, 2])
        let file = pyTorchFile(original, modules: [2, 10, 11])
        let imported = try Network<Float>(pyTorchSequential: file, activations: [.relu, .relu, .softmax], source: "pt.safetensors")
        #expect(imported == original)
    }

    @Test("each refusal names the file and the tensor or activation, and says what was expected",
          arguments: [
            ("shapes do not chain", "2.weight takes 4 inputs but 0.weight gives 3 outputs",
             { @Sendable (file: inout SafetensorsFile) in file.tensors["2.weight"] = Tensor([Float](repeating: 0, count: 8), shape: [2, 4]) }),
            ("missing bias", "tensor 2.bias is missing; every Descent layer has a bias", { $0.tensors["2.bias"] = nil }),
            ("missing weight", "tensor 0.weight is missing", { $0.tensors["0.weight"] = nil }),
            ("unexpected tensor", "unexpected tensor 1.running_mean",
             { $0.tensors["1.running_mean"] = Tensor([0, 0, 0] as [Float], shape: [3]) }),
            ("nested module", "unexpected tensor encoder.0.weight",
             { $0.tensors["encoder.0.weight"] = Tensor([0] as [Float], shape: [1, 1]) }),
            ("F64 weight", "tensor 0.weight is F64; expected F32",
             { $0.tensors["0.weight"] = Tensor([Double](repeating: 0, count: 12), shape: [3, 4]) }),
            ("F16 bias", "tensor 2.bias is F16; expected F32",
             { $0.tensors["2.bias"] = Tensor(dtype: .f16, shape: [2], bytes: [0, 0, 0, 0]) }),
            ("1-D weight", "tensor 0.weight has shape [12]; expected 2-D",
             { $0.tensors["0.weight"] = Tensor([Float](repeating: 0, count: 12), shape: [12]) }),
            ("bias of the wrong length", "tensor 0.bias has shape [4]; expected [3], one per row of 0.weight",
             { $0.tensors["0.bias"] = Tensor([Float](repeating: 0, count: 4), shape: [4]) }),
            ("NaN", "tensor 0.bias holds a NaN or infinity at element 1",
             { $0.tensors["0.bias"] = Tensor([0, .nan, 0] as [Float], shape: [3]) }),
            ("no Linear layers", "no Linear layers", { $0.tensors = [:] }),
          ] as [(String, String, @Sendable (inout SafetensorsFile) -> Void)])
    func refusals(name: String, message: String, change: @Sendable (inout SafetensorsFile) -> Void) throws {
        var file = pyTorchFile(try network([4, 3, 2]))
        change(&file)
        #expect(throws: PyTorchImportError.self, "\(name)") {
            try Network<Float>(pyTorchSequential: file, activations: [.relu, .softmax], source: "bad.safetensors")
        }
        do {
            _ = try Network<Float>(pyTorchSequential: file, activations: [.relu, .softmax], source: "bad.safetensors")
        } catch {
            #expect(error.description.hasPrefix("bad.safetensors: "), "\(name): \(error)")
            #expect(error.description.contains(message), "\(name): \(error)")
        }
    }

    @Test("activations must be one per Linear layer, hidden ones inside and an output one last",
          arguments: [
            ([Activation.relu], "1 activations given for 2 Linear layers (0.weight, 2.weight); name one per layer, e.g. relu,softmax"),
            ([.relu, .relu, .softmax], "3 activations given for 2 Linear layers"),
            ([.softmax, .softmax], "the Linear layer 0.weight cannot use softmax; allowed there: sigmoid, relu, tanh"),
            ([.relu, .relu], "the Linear layer 2.weight cannot use relu; allowed there: sigmoid, softmax"),
          ])
    func activationRefusals(activations: [Activation], message: String) throws {
        let file = pyTorchFile(try network([4, 3, 2]))
        do {
            _ = try Network<Float>(pyTorchSequential: file, activations: activations, source: "bad.safetensors")
            Issue.record("\(activations) accepted")
        } catch {
            #expect(error.description == "bad.safetensors: \(message)" || error.description.hasPrefix("bad.safetensors: \(message)"),
                    "\(error)")
        }
    }

    @Test("reading a PyTorch file as a Descent model says to import it")
    func loadSaysImport() throws {
        var file = pyTorchFile(try network([4, 3, 3, 2]))
        for metadata in [[:], ["format": "pt"]] {
            file.metadata = metadata
            #expect(throws: ModelFileError.pyTorchStateDict(source: "pt.safetensors", linearModules: [0, 2, 4])) {
                try Network<Float>(safetensors: file, source: "pt.safetensors")
            }
            do {
                _ = try Network<Float>(safetensors: file, source: "pt.safetensors")
            } catch {
                #expect(error.description.contains("not a Descent model but a PyTorch nn.Sequential state_dict (tensors 0.weight, 2.weight, 4.weight)"))
                #expect(error.description.hasSuffix("descent import pt.safetensors --activations relu,relu,softmax --out model.safetensors"))
            }
        }
    }
}
