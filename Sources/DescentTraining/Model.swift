public import DescentNetwork
public import DescentLinearAlgebra
public import DescentDatasets
import DescentSafetensors
import Foundation

/// A trained network with the metadata its file carries: how it was trained and on what.
public struct Model: Sendable {
    /// The trained network, in Float32 as it is stored.
    public var network: Network<Float>
    /// String metadata beyond the shape keys (`format`, `layers`, `activations`, `cost`), e.g.
    /// `seed`, `learning_rate`, `training_sha256`, `test_accuracy`.
    public var metadata: [String: String]

    /// A model from a network and the metadata to store with it.
    /// - Parameters:
    ///   - network: The network the file will hold.
    ///   - metadata: String keys and values written beside the shape keys (which are written from `network`
    ///     and override any given here).
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

    /// The model in a model file's bytes, read from `source` (named in errors).
    /// - Throws: `SafetensorsError` or `ModelFileError`, each naming `source`.
    public init(bytes: [UInt8], source: String) throws {
        let file = try SafetensorsFile(bytes: bytes, source: source)
        self.init(network: try Network<Float>(safetensors: file, source: source), metadata: file.metadata)
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

extension Model {
    /// What every input of this model goes through first, as its metadata's `preprocessing` records.
    /// - Throws: `PreprocessingError` for a value this version does not know.
    public var preprocessing: Preprocessing {
        get throws(PreprocessingError) { try Preprocessing(metadata: metadata, source: "model") }
    }

    /// The model's answer for one image of `network.inputCount` bytes (0 background ... 255 ink,
    /// row by row, 28x28 for MNIST), prepared first as its training images were (deskewed if its
    /// metadata says so).
    /// - Throws: `PreprocessingError` for a preprocessing this version does not know.
    /// - Precondition: `image.count == network.inputCount`.
    public func prediction(forImage image: some Collection<UInt8>) throws(PreprocessingError) -> Prediction {
        let bytes = Array(image)
        precondition(bytes.count == network.inputCount, "prediction: \(bytes.count) bytes for a network of \(network.inputCount) inputs")
        let side = Int(Double(bytes.count).squareRoot())
        let prepared = side * side == bytes.count ? try preprocessing.apply(to: bytes, rows: side, columns: side) : bytes
        return network.prediction(forBytes: prepared)
    }
}

extension Model {
    /// The class names the model's metadata records (`class_names`, a JSON array of strings), or the
    /// labels' numbers 0, 1, ... when it records none.
    public var classNames: [String] {
        metadata["class_names"].flatMap(Self.decodeClassNames) ?? (0..<network.outputCount).map(String.init)
    }

    /// The names as the metadata value `class_names`: a JSON array of strings.
    static func encodeClassNames(_ names: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(names)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// The names in a `class_names` value; nil when it is not a JSON array of strings.
    static func decodeClassNames(_ text: String) -> [String]? {
        try? JSONDecoder().decode([String].self, from: Data(text.utf8))
    }
}
