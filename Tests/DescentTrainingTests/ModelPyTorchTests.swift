import DescentFileIO
import DescentLinearAlgebra
import DescentNetwork
import DescentSafetensors
import DescentTestSupport
import Testing
import DescentTraining

@Suite("Models imported from PyTorch")
struct ModelPyTorchTests {
    /// A PyTorch `nn.Sequential(Linear, ReLU, Linear, ReLU, Linear)` state dict as `save_file` writes it.
    func pyTorchBytes(_ network: Network<Float>) -> [UInt8] {
        var tensors: [String: Tensor] = [:]
        for (index, layer) in network.layers.enumerated() {
            tensors["\(2 * index).weight"] = Tensor(layer.weights.elements, shape: [layer.outputCount, layer.inputCount])
            tensors["\(2 * index).bias"] = Tensor(layer.biases, shape: [layer.outputCount])
        }
        return SafetensorsFile(tensors: tensors).encoded()
    }

    @Test("an imported model records its source, saves as a normal model file and predicts as the original")
    func importSaveLoad() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var generator = SplitMix64(seed: 11)
        let original = try Network<Float>(sizes: [784, 32, 16, 10], hidden: .relu, output: .softmax, cost: .crossEntropy, using: &generator)
        let bytes = pyTorchBytes(original)
        try Files.writeAtomically(bytes, to: folder.file("mlp.safetensors"))

        let model = try Model.imported(fromPyTorch: folder.file("mlp.safetensors"), activations: [.relu, .relu, .softmax])
        #expect(model.network == original)
        #expect(model.metadata == [
            "imported_from": "mlp.safetensors", "imported_sha256": SHA256.hex(SHA256.hash(bytes)),
            "imported_modules": "0,2,4", "preprocessing": "none",
        ])
        try model.save(to: folder.file("model.safetensors"))
        let loaded = try Model.load(folder.file("model.safetensors"))
        #expect(loaded.network == original)
        #expect(loaded.metadata["imported_sha256"] == model.metadata["imported_sha256"])
        #expect(loaded.metadata["activations"] == "relu,relu,softmax")
        let pixels = (0..<784).map { UInt8(truncatingIfNeeded: $0 * 37) }
        #expect(loaded.network.prediction(forBytes: pixels) == original.prediction(forBytes: pixels))
    }

    @Test("Model.load on a PyTorch file says to run descent import; import errors name the file")
    func loadRawFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var generator = SplitMix64(seed: 11)
        let original = try Network<Float>(sizes: [784, 8, 10], hidden: .relu, output: .softmax, cost: .crossEntropy, using: &generator)
        let path = folder.file("mlp.safetensors")
        try Files.writeAtomically(pyTorchBytes(original), to: path)
        do {
            _ = try Model.load(path)
            Issue.record("a PyTorch file loaded as a Descent model")
        } catch {
            #expect("\(error)".hasSuffix("descent import \(path) --activations relu,softmax --out model.safetensors"), "\(error)")
        }
        #expect(throws: PyTorchImportError.wrongActivationCount(source: path, linearModules: [0, 2], found: 3)) {
            try Model.imported(fromPyTorch: path, activations: [.relu, .relu, .softmax])
        }
        #expect(throws: FileError.self) { try Model.imported(fromPyTorch: folder.file("missing.safetensors"), activations: [.softmax]) }
    }
}
