import DescentLinearAlgebra
import DescentNetwork
public import DescentSafetensors

extension TrainingCheckpoint {
    /// Keys the checkpoint writes for itself; the rest of the metadata is the configuration's and the caller's.
    static let ownKeys: Set<String> = ["format", "epoch", "batch", "correct", "cost_sum", "epoch_seconds", "generator", "adam_steps", "best_epoch"]

    /// Rebuilds a checkpoint from a decoded file, checking every value before trusting it: the
    /// configuration, the shapes of every tensor, that `order` is a permutation, that the position
    /// lies inside the run.
    /// - Throws: `CheckpointError` naming `source` and what was wrong.
    public init(file: SafetensorsFile, source: String) throws(CheckpointError) {
        let metadata = file.metadata
        guard metadata["format"] == Self.fileFormat else { throw .notACheckpoint(source: source, format: metadata["format"]) }
        let configuration: TrainingConfiguration
        do {
            configuration = try TrainingConfiguration(metadata: metadata)
        } catch {
            guard case .invalid(let key, let value, let expected) = error else { throw .notACheckpoint(source: source, format: nil) }
            throw .badMetadata(source: source, key: key, value: value, expected: expected)
        }
        func integer(_ key: String, in range: ClosedRange<Int>) throws(CheckpointError) -> Int {
            guard let value = metadata[key].flatMap({ Int($0) }), range.contains(value) else {
                throw .badMetadata(source: source, key: key, value: metadata[key] ?? "(missing)",
                                   expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        func number(_ key: String) throws(CheckpointError) -> Double {
            guard let value = metadata[key].flatMap({ Double($0) }), value.isFinite, value >= 0 else {
                throw .badMetadata(source: source, key: key, value: metadata[key] ?? "(missing)", expected: "a finite number, at least 0")
            }
            return value
        }

        var used: Set<String> = []
        let order = try Self.order(in: file, source: source)
        used.insert("order")
        let batchSize = min(configuration.batchSize, max(1, order.count))
        let batchCount = (order.count + batchSize - 1) / batchSize
        let epoch = try integer("epoch", in: 1...(configuration.epochs + 1))
        let batch = try integer("batch", in: 0...(epoch > configuration.epochs ? 0 : max(0, batchCount - 1)))
        let reports = try Self.reports(in: file, count: epoch - 1, source: source)
        used.insert("reports")

        let network = try Self.network(in: file, prefix: "network.", configuration: configuration, source: source, used: &used)
        guard let network else { throw .badTensor(source: source, name: "network.layers.0.weight", problem: "is missing") }
        let lastGood = try Self.network(in: file, prefix: "last_good.", configuration: configuration, source: source, used: &used)
        guard let generator = metadata["generator"].flatMap({ UInt64($0) }) else {
            throw .badMetadata(source: source, key: "generator", value: metadata["generator"] ?? "(missing)", expected: "a whole number")
        }
        var state = TrainingState(network: network, configuration: configuration, trainingCount: order.count,
                                  generator: SplitMix64(seed: generator))
        state.epoch = epoch
        state.batch = batch
        state.order = order
        state.correct = try integer("correct", in: 0...order.count)
        state.costSum = try number("cost_sum")
        state.epochSeconds = try number("epoch_seconds")
        state.reports = reports
        state.lastGood = lastGood
        state.best = try Self.network(in: file, prefix: "best.", configuration: configuration, source: source, used: &used)
        if metadata["best_epoch"] != nil || state.best != nil {
            state.bestEpoch = try integer("best_epoch", in: 1...max(1, epoch - 1))
            guard state.best != nil else { throw .badTensor(source: source, name: "best.layers.0.weight", problem: "is missing") }
        }
        switch state.optimizer {
        case .sgd(var sgd):
            sgd.velocity = try Self.gradients(in: file, prefix: "optimizer.velocity.", like: network, source: source, used: &used)
            state.optimizer = .sgd(sgd)
        case .adam(var adam):
            adam.steps = try integer("adam_steps", in: 0...Int(Int32.max))
            adam.firstMoment = try Self.gradients(in: file, prefix: "optimizer.first_moment.", like: network, source: source, used: &used)
            adam.secondMoment = try Self.gradients(in: file, prefix: "optimizer.second_moment.", like: network, source: source, used: &used)
            guard (adam.firstMoment != nil) == (adam.steps > 0), (adam.secondMoment != nil) == (adam.steps > 0) else {
                throw .badTensor(source: source, name: "optimizer.first_moment.0.weight",
                                 problem: "and optimizer.second_moment.* must be present exactly when adam_steps is above 0")
            }
            state.optimizer = .adam(adam)
        }
        if let extra = file.tensors.keys.sorted().first(where: { !used.contains($0) }) {
            throw .unexpectedTensor(source: source, name: extra)
        }
        self.init(configuration: configuration, state: state,
                  metadata: metadata.filter { !Self.ownKeys.contains($0.key) && configuration.metadata[$0.key] == nil })
    }

    /// `order`: I32, one entry per training example, each index exactly once.
    private static func order(in file: SafetensorsFile, source: String) throws(CheckpointError) -> [Int] {
        guard let tensor = file.tensors["order"] else { throw .badTensor(source: source, name: "order", problem: "is missing") }
        guard tensor.dtype == .i32, tensor.shape.count == 1 else {
            throw .badTensor(source: source, name: "order", problem: "is \(tensor.dtype.rawValue) \(tensor.shape); expected I32 [examples]")
        }
        let count = tensor.shape[0]
        var seen = [Bool](repeating: false, count: count)
        var order: [Int] = []
        order.reserveCapacity(count)
        for position in 0..<count {
            let bytes = tensor.bytes[(4 * position)..<(4 * position + 4)]
            let value = Int(Int32(bitPattern: bytes.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }))
            guard value >= 0, value < count, !seen[value] else {
                throw .badTensor(source: source, name: "order", problem: "is not a permutation of 0..<\(count) (entry \(position) is \(value))")
            }
            seen[value] = true
            order.append(value)
        }
        return order
    }

    /// `reports`: F64 [count, 5], finite, numbered 1...count.
    private static func reports(in file: SafetensorsFile, count: Int, source: String) throws(CheckpointError) -> [EpochReport] {
        guard let tensor = file.tensors["reports"] else { throw .badTensor(source: source, name: "reports", problem: "is missing") }
        guard tensor.dtype == .f64, tensor.shape == [count, 5], let values = tensor.doubles(), values.allSatisfy(\.isFinite) else {
            throw .badTensor(source: source, name: "reports", problem: "is \(tensor.dtype.rawValue) \(tensor.shape); expected finite F64 [\(count), 5]")
        }
        return try (0..<count).map { (row: Int) throws(CheckpointError) -> EpochReport in
            let fields = values[(5 * row)..<(5 * row + 5)].map { $0 }
            guard fields[0] == Double(row + 1) else {
                throw .badTensor(source: source, name: "reports", problem: "row \(row) is for epoch \(fields[0]); expected \(row + 1)")
            }
            return EpochReport(epoch: row + 1, trainingCost: fields[1], trainingAccuracy: fields[2], validationAccuracy: fields[3], seconds: fields[4])
        }
    }

    /// The network stored under `prefix`, or nil if none is.
    private static func network(
        in file: SafetensorsFile, prefix: String, configuration: TrainingConfiguration, source: String, used: inout Set<String>
    ) throws(CheckpointError) -> Network<Float>? {
        let names = file.tensors.keys.filter { $0.hasPrefix(prefix) }
        guard !names.isEmpty else { return nil }
        var tensors: [String: Tensor] = [:]
        for name in names { tensors[String(name.dropFirst(prefix.count))] = file.tensors[name] }
        let layerCount = configuration.sizes.count - 1
        let activations = Array(repeating: configuration.hidden.rawValue, count: layerCount - 1) + [configuration.output.rawValue]
        let model = SafetensorsFile(tensors: tensors, metadata: [
            "format": Network<Float>.fileFormat, "layers": configuration.sizes.map(String.init).joined(separator: ","),
            "activations": activations.joined(separator: ","), "cost": configuration.cost.rawValue,
        ])
        do {
            let network = try Network<Float>(safetensors: model, source: source)
            used.formUnion(names)
            return network
        } catch {
            throw .badTensor(source: source, name: prefix + "*", problem: "does not hold the configured network: \(error.description)")
        }
    }

    /// Gradient-shaped tensors stored under `prefix` (`<i>.weight`, `<i>.bias`), or nil if none are.
    private static func gradients(
        in file: SafetensorsFile, prefix: String, like network: Network<Float>, source: String, used: inout Set<String>
    ) throws(CheckpointError) -> Gradients<Float>? {
        guard file.tensors.keys.contains(where: { $0.hasPrefix(prefix) }) else { return nil }
        var gradients = Gradients(zeroLike: network)
        for index in network.layers.indices {
            let layer = network.layers[index]
            for (name, shape) in [("\(prefix)\(index).weight", [layer.outputCount, layer.inputCount]), ("\(prefix)\(index).bias", [layer.outputCount])] {
                guard let tensor = file.tensors[name] else { throw .badTensor(source: source, name: name, problem: "is missing") }
                guard tensor.dtype == .f32, tensor.shape == shape, let values = tensor.floats(), values.allSatisfy(\.isFinite) else {
                    throw .badTensor(source: source, name: name, problem: "is \(tensor.dtype.rawValue) \(tensor.shape); expected finite F32 \(shape)")
                }
                if shape.count == 2 { gradients.weights[index].elements = values } else { gradients.biases[index] = values }
                used.insert(name)
            }
        }
        return gradients
    }
}
