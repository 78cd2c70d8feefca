public import DescentNetwork
import DescentDatasets
import DescentFileIO
import DescentSafetensors

extension Model {
    /// A model imported from a PyTorch `nn.Sequential` of Linear layers saved with
    /// `safetensors.torch.save_file(model.state_dict(), path)`; see `Network.init(pyTorchSequential:activations:cost:source:)`.
    ///
    /// The metadata records where it came from: `imported_from` (the file's name), `imported_sha256`
    /// (of its bytes), `imported_modules` (the Sequential indices of its Linear layers, e.g. `0,2,4`)
    /// and `preprocessing` = `none`: the network sees pixels / 255, as `descent train`'s do, so a
    /// PyTorch model trained on `x / 255` predicts here as it did there.
    /// - Parameters:
    ///   - path: The PyTorch safetensors file; it also names the file in errors.
    ///   - activations: One per Linear layer, the last `sigmoid` or `softmax`.
    ///   - cost: The cost recorded with the network.
    /// - Throws: `FileError`, `SafetensorsError` or `PyTorchImportError`, each naming `path`.
    /// - Complexity: O(size of the file).
    public static func imported(fromPyTorch path: String, activations: [Activation], cost: Cost = .crossEntropy) throws -> Model {
        let bytes = try Files.read(path)
        let file = try SafetensorsFile(bytes: bytes, source: path)
        let network = try Network<Float>(pyTorchSequential: file, activations: activations, cost: cost, source: path)
        let modules = try Network<Float>.linearModules(in: file, source: path)
        return Model(network: network, metadata: [
            "imported_from": Files.fileName(of: path),
            "imported_sha256": SHA256.hex(SHA256.hash(bytes)),
            "imported_modules": modules.map(String.init).joined(separator: ","),
            "preprocessing": Preprocessing.none.rawValue,
        ])
    }
}
