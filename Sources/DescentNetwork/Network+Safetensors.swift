public import DescentSafetensors

/// The model file layout, version 1: tensors `layers.<i>.weight` (F32, [out, in]) and
/// `layers.<i>.bias` (F32, [out]) for i from 0, and string metadata with at least `format`
/// (`descent/1`), `layers` (`784,16,16,10`), `activations` (one per weight layer) and `cost`.
/// Any safetensors reader (numpy, PyTorch, JAX) can load it.
extension Network where Scalar == Float {
    /// The value of `format` this version writes and reads.
    public static var fileFormat: String { "descent/1" }

    /// The network as a safetensors file, with `metadata` added to the keys that describe its shape.
    public func safetensors(metadata: [String: String] = [:]) -> SafetensorsFile {
        var tensors: [String: Tensor] = [:]
        for (index, layer) in layers.enumerated() {
            tensors["layers.\(index).weight"] = Tensor(layer.weights.elements, shape: [layer.outputCount, layer.inputCount])
            tensors["layers.\(index).bias"] = Tensor(layer.biases, shape: [layer.outputCount])
        }
        var all = metadata
        all["format"] = Self.fileFormat
        all["layers"] = sizes.map(String.init).joined(separator: ",")
        all["activations"] = layers.map(\.activation.rawValue).joined(separator: ",")
        all["cost"] = cost.rawValue
        return SafetensorsFile(tensors: tensors, metadata: all)
    }

    /// Rebuilds a network from a model file, checking every tensor against the metadata.
    /// - Parameters:
    ///   - file: A decoded safetensors file.
    ///   - source: Names the file in errors.
    /// - Throws: `ModelFileError` naming `source` and what was wrong.
    public init(safetensors file: SafetensorsFile, source: String) throws(ModelFileError) {
        let metadata = file.metadata
        if metadata["format"] != Self.fileFormat, !file.tensors.isEmpty,
           file.tensors.keys.allSatisfy({ Self.pyTorchParameter($0) != nil }) {
            let modules = Set(file.tensors.keys.compactMap { Self.pyTorchParameter($0)?.index }).sorted()
            throw .pyTorchStateDict(source: source, linearModules: modules)
        }
        func field(_ key: String) throws(ModelFileError) -> String {
            guard let value = metadata[key] else { throw .missingMetadata(source: source, key: key) }
            return value
        }
        guard try field("format") == Self.fileFormat else {
            throw .badMetadata(source: source, key: "format", value: metadata["format"] ?? "", expected: Self.fileFormat)
        }
        let layerText = try field("layers")
        let sizes = layerText.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingSpaces) }
        guard sizes.count >= 2, sizes.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 1 << 20 }) else {
            throw .badMetadata(source: source, key: "layers", value: layerText, expected: "sizes such as 784,16,16,10")
        }
        let activationText = try field("activations")
        let activations = activationText.split(separator: ",", omittingEmptySubsequences: false).map { Activation(rawValue: String($0)) }
        guard activations.count == sizes.count - 1, activations.allSatisfy({ $0 != nil }) else {
            let names = Activation.allCases.map(\.rawValue).joined(separator: ", ")
            throw .badMetadata(source: source, key: "activations", value: activationText,
                               expected: "\(sizes.count - 1) names from \(names)")
        }
        let costText = try field("cost")
        guard let cost = Cost(rawValue: costText) else {
            throw .badMetadata(source: source, key: "cost", value: costText,
                               expected: Cost.allCases.map(\.rawValue).joined(separator: " or "))
        }
        var layers: [Layer<Float>] = []
        var expectedNames: Set<String> = []
        for index in 0..<(sizes.count - 1) {
            let (inputs, outputs) = (sizes[index] ?? 0, sizes[index + 1] ?? 0)
            let weightName = "layers.\(index).weight", biasName = "layers.\(index).bias"
            expectedNames.formUnion([weightName, biasName])
            let weights = try Self.tensor(weightName, in: file, shape: [outputs, inputs], source: source)
            let biases = try Self.tensor(biasName, in: file, shape: [outputs], source: source)
            layers.append(Layer(weights: .init(rows: outputs, columns: inputs, elements: weights), biases: biases,
                                activation: activations[index] ?? .sigmoid))
        }
        if let extra = file.tensors.keys.sorted().first(where: { !expectedNames.contains($0) }) {
            throw .unexpectedTensor(source: source, name: extra)
        }
        do {
            try self.init(layers: layers, cost: cost)
        } catch {
            throw .invalidNetwork(source: source, reason: error.description)
        }
    }

    private static func tensor(_ name: String, in file: SafetensorsFile, shape: [Int], source: String) throws(ModelFileError) -> [Float] {
        guard let tensor = file.tensors[name] else { throw .missingTensor(source: source, name: name) }
        guard tensor.dtype == .f32, let values = tensor.floats() else {
            throw .wrongDType(source: source, name: name, found: tensor.dtype.rawValue)
        }
        guard tensor.shape == shape else { throw .wrongShape(source: source, name: name, expected: shape, found: tensor.shape) }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .notFinite(source: source, name: name, index: bad)
        }
        return values
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result.removeFirst() }
        while result.last == " " { result.removeLast() }
        return result
    }
}

/// A safetensors file that is well formed but is not a Descent model.
public enum ModelFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The metadata has no `key`, which every Descent model carries (`format`, `layers`, ...).
    case missingMetadata(source: String, key: String)
    /// The metadata's `key` holds `value`, which cannot be read; `expected` says what can.
    case badMetadata(source: String, key: String, value: String, expected: String)
    /// The tensor `name` (`layers.0.weight`, say) that the metadata's layers call for is absent.
    case missingTensor(source: String, name: String)
    /// The file holds a tensor `name` that no layer of the metadata uses.
    case unexpectedTensor(source: String, name: String)
    /// The tensor `name` is stored as `found` rather than F32.
    case wrongDType(source: String, name: String, found: String)
    /// The tensor `name` has shape `found` where the metadata's layers give `expected` ([out, in] or [out]).
    case wrongShape(source: String, name: String, expected: [Int], found: [Int])
    /// The tensor `name` holds a NaN or infinity at element `index` (row-major, from 0).
    case notFinite(source: String, name: String, index: Int)
    /// The layers and activations the file describes do not make a valid network (`NetworkError`'s reason).
    case invalidNetwork(source: String, reason: String)
    /// Tensors `0.weight`, `0.bias`, ... and no Descent metadata: a PyTorch `nn.Sequential` to import.
    case pyTorchStateDict(source: String, linearModules: [Int])

    /// One line for a person: the file, then what is missing or wrong in it.
    public var description: String {
        switch self {
        case .missingMetadata(let source, let key):
            return "\(source): not a Descent model: metadata has no \"\(key)\" (models come from descent train or descent import)"
        case .badMetadata(let source, let key, let value, let expected):
            return "\(source): metadata \"\(key)\" is \"\(value)\"; expected \(expected)"
        case .missingTensor(let source, let name):
            return "\(source): tensor \(name) is missing"
        case .unexpectedTensor(let source, let name):
            return "\(source): unexpected tensor \(name) for the layers its metadata describes"
        case .wrongDType(let source, let name, let found):
            return "\(source): tensor \(name) is \(found); expected F32"
        case .wrongShape(let source, let name, let expected, let found):
            return "\(source): tensor \(name) has shape \(found); expected \(expected)"
        case .notFinite(let source, let name, let index):
            return "\(source): tensor \(name) holds a NaN or infinity at element \(index)"
        case .invalidNetwork(let source, let reason):
            return "\(source): \(reason)"
        case .pyTorchStateDict(let source, let modules):
            let activations = (Array(repeating: "relu", count: max(modules.count - 1, 0)) + ["softmax"]).joined(separator: ",")
            return "\(source): not a Descent model but a PyTorch nn.Sequential state_dict (tensors "
                + modules.prefix(3).map { "\($0).weight" }.joined(separator: ", ") + (modules.count > 3 ? ", ..." : "")
                + ") without Descent's metadata; import it first, naming one activation per Linear layer: "
                + "descent import \(source) --activations \(activations) --out model.safetensors"
        }
    }
}
