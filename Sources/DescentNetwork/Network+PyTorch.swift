public import DescentSafetensors

/// Importing a multilayer perceptron saved from PyTorch as an `nn.Sequential` of `nn.Linear` layers and
/// activation modules with `safetensors.torch.save_file(model.state_dict(), path)`.
///
/// Such a file holds tensors `<i>.weight` (F32, [out, in], the layout Descent uses) and `<i>.bias`
/// (F32, [out]) for each Linear module `i` of the Sequential; activation modules have no tensors, so
/// the indices skip (`0`, `2`, `4` for Linear, ReLU, Linear, ReLU, Linear). Nothing in the file says
/// which activations sit between them, so the caller names them.
extension Network where Scalar == Float {
    /// Rebuilds a network from a PyTorch `nn.Sequential` state dict saved as safetensors.
    ///
    /// An `nn.Sequential` ending in `nn.Linear` outputs logits; naming the last activation `softmax`
    /// gives the probabilities `torch.softmax` would, with the same argmax.
    /// - Parameters:
    ///   - file: A decoded safetensors file with tensors `<i>.weight` and `<i>.bias` only.
    ///   - activations: One per Linear layer, in order: hidden ones from `Activation.hidden`, the last
    ///     from `Activation.output`.
    ///   - cost: The cost the network would be trained on further; it does not change predictions.
    ///   - source: Names the file in errors.
    /// - Throws: `PyTorchImportError` naming `source` and the tensor or activation that was wrong.
    /// - Complexity: O(number of parameters).
    public init(
        pyTorchSequential file: SafetensorsFile, activations: [Activation], cost: Cost = .crossEntropy, source: String
    ) throws(PyTorchImportError) {
        let modules = try Self.linearModules(in: file, source: source)
        guard activations.count == modules.count else {
            throw .wrongActivationCount(source: source, linearModules: modules, found: activations.count)
        }
        var layers: [Layer<Float>] = []
        var previous: (name: String, rows: Int)?
        for (module, activation) in zip(modules, activations) {
            let weightName = "\(module).weight", biasName = "\(module).bias"
            let (weight, weights) = try Self.floats(weightName, in: file, source: source)
            guard weight.shape.count == 2, weight.shape.allSatisfy({ $0 >= 1 }) else {
                throw .wrongShape(source: source, name: weightName, found: weight.shape, expected: "2-D [out, in], each at least 1")
            }
            let (rows, columns) = (weight.shape[0], weight.shape[1])
            if let previous, previous.rows != columns {
                throw .shapesDoNotChain(source: source, name: weightName, columns: columns, previous: previous.name, rows: previous.rows)
            }
            let (bias, biases) = try Self.floats(biasName, in: file, source: source)
            guard bias.shape == [rows] else {
                throw .wrongShape(source: source, name: biasName, found: bias.shape, expected: "[\(rows)], one per row of \(weightName)")
            }
            let isLast = layers.count == modules.count - 1
            let allowed = isLast ? Activation.output : Activation.hidden
            guard allowed.contains(activation) else {
                throw .activationNotAllowed(source: source, linearModule: module, activation: activation, allowed: allowed)
            }
            layers.append(Layer(weights: .init(rows: rows, columns: columns, elements: weights), biases: biases, activation: activation))
            previous = (weightName, rows)
        }
        // The shapes chain and the activations sit where they may: checked above, each naming its tensor.
        self.init(validLayers: layers, cost: cost)
    }

    /// The network as the state dict of a PyTorch `nn.Sequential` with one activation module after
    /// each `nn.Linear`: tensors `<2i>.weight` ([out, in]) and `<2i>.bias` for layer i, so indices 0, 2,
    /// 4, ... Its metadata `activations` names them in order (`sigmoid,sigmoid,sigmoid`), which the file
    /// cannot say otherwise. `safetensors.torch.load_file` reads it, and `load_state_dict` takes it;
    /// `init(pyTorchSequential:activations:cost:source:)` reads it back.
    /// - Complexity: O(number of parameters).
    public func pyTorchSequential() -> SafetensorsFile {
        var tensors: [String: Tensor] = [:]
        for (index, layer) in layers.enumerated() {
            tensors["\(2 * index).weight"] = Tensor(layer.weights.elements, shape: [layer.outputCount, layer.inputCount])
            tensors["\(2 * index).bias"] = Tensor(layer.biases, shape: [layer.outputCount])
        }
        return SafetensorsFile(tensors: tensors, metadata: ["activations": layers.map(\.activation.rawValue).joined(separator: ",")])
    }

    /// The Sequential indices of the Linear modules, ascending, after checking that every tensor is
    /// `<i>.weight` or `<i>.bias` and that each index has both.
    package static func linearModules(in file: SafetensorsFile, source: String) throws(PyTorchImportError) -> [Int] {
        var weights: Set<Int> = [], biases: Set<Int> = []
        for name in file.tensors.keys.sorted() {
            switch pyTorchParameter(name) {
            case (let index, "weight")?: weights.insert(index)
            case (let index, "bias")?: biases.insert(index)
            default: throw .unexpectedTensor(source: source, name: name)
            }
        }
        guard !weights.isEmpty || !biases.isEmpty else { throw .noLinearLayers(source: source) }
        if let lone = biases.subtracting(weights).min() { throw .missingTensor(source: source, name: "\(lone).weight") }
        if let lone = weights.subtracting(biases).min() { throw .missingTensor(source: source, name: "\(lone).bias") }
        return weights.sorted()
    }

    /// `(3, "weight")` for `3.weight`; nil for any other name (including `03.weight`, which would
    /// collide with `3.weight`).
    package static func pyTorchParameter(_ name: String) -> (index: Int, kind: String)? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1] == "weight" || parts[1] == "bias",
              let index = Int(parts[0]), index >= 0, String(index) == parts[0] else { return nil }
        return (index, String(parts[1]))
    }

    private static func floats(_ name: String, in file: SafetensorsFile, source: String) throws(PyTorchImportError) -> (Tensor, [Float]) {
        guard let tensor = file.tensors[name] else { throw .missingTensor(source: source, name: name) }
        guard tensor.dtype == .f32, let values = tensor.floats() else {
            throw .wrongDType(source: source, name: name, found: tensor.dtype.rawValue)
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw .notFinite(source: source, name: name, index: bad) }
        return (tensor, values)
    }
}

/// A safetensors file that is not a PyTorch `nn.Sequential` of Linear layers Descent can import, or
/// activations that do not fit it.
public enum PyTorchImportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file holds no `N.weight` / `N.bias` pairs at all.
    case noLinearLayers(source: String)
    /// A tensor that is not a Linear layer's weight or bias (a BatchNorm's running mean, say).
    case unexpectedTensor(source: String, name: String)
    /// A Linear layer's weight without its bias, or the other way round (`bias=False` is refused).
    case missingTensor(source: String, name: String)
    /// A tensor whose element type is not F32.
    case wrongDType(source: String, name: String, found: String)
    /// A weight that is not 2-D, or a bias that is not one number per output.
    case wrongShape(source: String, name: String, found: [Int], expected: String)
    /// A layer whose input count is not the previous layer's output count.
    case shapesDoNotChain(source: String, name: String, columns: Int, previous: String, rows: Int)
    /// A weight or bias that is NaN or infinite, at flat `index`.
    case notFinite(source: String, name: String, index: Int)
    /// Not one activation per Linear layer: `linearModules` are the layers' module numbers.
    case wrongActivationCount(source: String, linearModules: [Int], found: Int)
    /// An activation that the layer cannot have (softmax in a hidden layer, say).
    case activationNotAllowed(source: String, linearModule: Int, activation: Activation, allowed: [Activation])

    /// The message, naming the file and the tensor or activation at fault.
    public var description: String {
        switch self {
        case .noLinearLayers(let source):
            return "\(source): no Linear layers: expected tensors 0.weight, 0.bias, ... from an nn.Sequential's state_dict()"
        case .unexpectedTensor(let source, let name):
            return "\(source): unexpected tensor \(name); an nn.Sequential of Linear layers and activations has only "
                + "<i>.weight and <i>.bias (BatchNorm, Dropout buffers and nested modules cannot be imported)"
        case .missingTensor(let source, let name) where name.hasSuffix(".bias"):
            return "\(source): tensor \(name) is missing; every Descent layer has a bias (nn.Linear(..., bias=False) cannot be imported)"
        case .missingTensor(let source, let name):
            return "\(source): tensor \(name) is missing"
        case .wrongDType(let source, let name, let found):
            return "\(source): tensor \(name) is \(found); expected F32 (call model.float() before save_file)"
        case .wrongShape(let source, let name, let found, let expected):
            return "\(source): tensor \(name) has shape \(found); expected \(expected)"
        case .shapesDoNotChain(let source, let name, let columns, let previous, let rows):
            return "\(source): shapes do not chain: tensor \(name) takes \(columns) inputs but \(previous) gives \(rows) outputs"
        case .notFinite(let source, let name, let index):
            return "\(source): tensor \(name) holds a NaN or infinity at element \(index)"
        case .wrongActivationCount(let source, let modules, let found):
            let names = modules.map { "\($0).weight" }.joined(separator: ", ")
            return "\(source): \(found) activations given for \(modules.count) Linear layers (\(names)); name one per layer, e.g. "
                + (Array(repeating: "relu", count: modules.count - 1) + ["softmax"]).joined(separator: ",")
        case .activationNotAllowed(let source, let module, let activation, let allowed):
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            return "\(source): the Linear layer \(module).weight cannot use \(activation.rawValue); allowed there: \(names)"
        }
    }
}
