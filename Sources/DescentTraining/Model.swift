public import DescentNetwork
public import DescentLinearAlgebra
import DescentSafetensors

/// A trained network with the metadata its file carries: how it was trained and on what.
public struct Model: Sendable {
    public var network: Network<Float>
    /// String metadata beyond the shape keys (`format`, `layers`, `activations`, `cost`), e.g.
    /// `seed`, `learning_rate`, `training_sha256`, `test_accuracy`.
    public var metadata: [String: String]

    public init(network: Network<Float>, metadata: [String: String] = [:]) {
        self.network = network
        self.metadata = metadata
    }

    /// Reads and checks a model file.
    /// - Throws: `FileError`, `SafetensorsError` or `ModelFileError`, each naming `path`.
    public static func load(_ path: String) throws -> Model {
        let file = try SafetensorsFile.read(path)
        let network = try Network<Float>(safetensors: file, source: path)
        return Model(network: network, metadata: file.metadata)
    }

    /// The file's bytes: deterministic, so the same model always gives the same bytes.
    public func encoded() -> [UInt8] {
        network.safetensors(metadata: metadata).encoded()
    }

    /// Writes the model atomically: a crash leaves the old file or the new one, never half of one.
    /// - Throws: `FileError` naming `path`.
    public func save(to path: String) throws {
        try network.safetensors(metadata: metadata).write(to: path)
    }
}
