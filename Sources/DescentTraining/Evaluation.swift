public import DescentDatasets
public import DescentNetwork
public import DescentLinearAlgebra

/// How well a network classifies a set of labelled images.
public struct Evaluation: Sendable, Equatable {
    /// confusion[actual][predicted]: how many images of class `actual` were called `predicted`.
    public let confusion: [[Int]]
    /// For each image, the class the network chose.
    public let predictions: [Int]
    /// For each image, the network's largest output.
    public let confidences: [Float]

    /// The number of examples evaluated.
    public var total: Int { predictions.count }
    /// The number classified right: the confusion matrix's diagonal.
    public var correct: Int { confusion.indices.reduce(0) { $0 + confusion[$1][$1] } }
    /// correct / total (0 for an empty set).
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
    /// For each class, the share of its images classified right (nil for a class with none).
    public var perClassAccuracy: [Double?] {
        confusion.enumerated().map { label, row in
            let count = row.reduce(0, +)
            return count == 0 ? nil : Double(row[label]) / Double(count)
        }
    }

    /// Classifies every image of `data` with `network`, a batch at a time.
    /// - Parameters:
    ///   - network: The network that classifies.
    ///   - data: The labelled images.
    ///   - batchSize: How many images go through the network at once.
    ///   - threads: How many threads each batch's products may use. The products sum in the same
    ///     order on any number of threads, so the evaluation is the same bit for bit.
    /// - Precondition: the images have `network.inputCount` pixels; `threads` is in 1...256.
    /// - Complexity: O(data.count · network.parameterCount).
    public init(network: Network<Float>, on data: LabeledImages, batchSize: Int = 500, threads: Int = 1) {
        self.init(network: network, on: LabeledExamples.images(data), batchSize: batchSize, threads: threads)
    }

    /// Classifies every example of `data` with `network`, a batch at a time.
    /// - Parameters:
    ///   - network: The network that classifies.
    ///   - data: The labelled examples (images, or rows of features).
    ///   - batchSize: How many examples go through the network at once.
    ///   - threads: How many threads each batch's products may use; the evaluation is the same on any number.
    /// - Precondition: the examples are `network.inputCount` wide; `threads` is in 1...256.
    /// - Complexity: O(data.count · network.parameterCount).
    public init(network: Network<Float>, on data: LabeledExamples, batchSize: Int = 500, threads: Int = 1) {
        precondition(data.count == 0 || data.width == network.inputCount,
                     "Evaluation: \(data.width)-wide examples for a network of \(network.inputCount) inputs")
        precondition((1...256).contains(threads), "Evaluation: \(threads) threads; expected 1...256")
        let callerMode = SubnormalFlushing.enter()  // as in training, so both classify alike
        defer { SubnormalFlushing.restore(callerMode) }
        let classes = network.outputCount
        var confusion = Array(repeating: Array(repeating: 0, count: classes), count: classes)
        var predictions: [Int] = []
        var confidences: [Float] = []
        predictions.reserveCapacity(data.count)
        confidences.reserveCapacity(data.count)
        var workspace = Workspace(for: network, capacity: max(1, min(batchSize, data.count)))
        workspace.threads = threads
        var first = 0
        while first < data.count {
            let count = min(workspace.capacity, data.count - first)
            for row in 0..<count {
                data.write(first + row, into: &workspace.inputs, row: row)
            }
            network.forward(&workspace, count: count)
            let outputs = workspace.outputs
            for row in 0..<count {
                let predicted = workspace.predictedClass(row: row)
                let actual = data.label(first + row)
                if actual < classes { confusion[actual][predicted] += 1 }
                predictions.append(predicted)
                confidences.append(outputs[row, predicted])
            }
            first += count
        }
        self.confusion = confusion
        self.predictions = predictions
        self.confidences = confidences
    }
}
