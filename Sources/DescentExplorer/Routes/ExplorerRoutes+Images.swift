import Hummingbird
import DescentDatasets
import DescentNetwork
import DescentTraining

/// Weights, test images and the confusion matrix.
extension ExplorerRoutes {
    /// The most images one list returns.
    static let maximumListCount = 100

    static func addImageRoutes(to groups: APIGroups, state: ExplorerState) {
        groups.read.get("/api/weights/:layer") { _, context in
            let network = await state.snapshot().network
            let layer = try layerNumber(context, network: network)
            return try JSONResponse.make(WeightsResponse(layer: layer, network.layers[layer - 1]))
        }
        groups.read.get("/api/weights/:layer/:neuron/top") { request, context in
            // The network and the activations come from one snapshot: a training that swaps in a network
            // of another size between two reads could otherwise send an index past the activations.
            let requested = Int(context.parameters.get("layer") ?? "") ?? 0
            let (snapshot, computed) = try await state.snapshotWithActivations(ofLayer: requested)
            let network = snapshot.network
            let layer = try layerNumber(context, network: network)
            let neuron = try integer("neuron", context, in: 0..<network.sizes[layer], what: "neurons in layer \(layer)")
            let count = try queryCount(request)
            guard let activations = computed else { throw APIError.notFound("layer \(layer) does not exist") }
            let size = network.sizes[layer]
            let data = state.data.test
            let order = (0..<data.count).sorted { activations[$0 * size + neuron] > activations[$1 * size + neuron] }
            let images = order.prefix(count).map {
                ImageSummary(index: $0, label: Int(data.labels[$0]), bytes: Array(data.image($0)), score: Double(activations[$0 * size + neuron]))
            }
            return try JSONResponse.make(TopImagesResponse(layer: layer, neuron: neuron, images: images))
        }
        groups.read.get("/api/test/:index") { _, context in
            let data = state.data.test
            let index = try integer("index", context, in: 0..<data.count, what: "test images")
            let image = ImageSummary(index: index, label: Int(data.labels[index]), bytes: Array(data.image(index)), score: nil)
            return try JSONResponse.make(image)
        }
        groups.read.get("/api/confusion") { _, _ in
            let (snapshot, evaluation) = try await state.snapshotWithEvaluation()
            return try JSONResponse.make(ConfusionResponse(matrix: evaluation.confusion, accuracy: evaluation.accuracy,
                                                          total: evaluation.total, version: snapshot.version))
        }
        groups.read.get("/api/confusion/:actual/:predicted") { request, context in
            let (snapshot, evaluation) = try await state.snapshotWithEvaluation()
            let classes = snapshot.network.outputCount
            let actual = try integer("actual", context, in: 0..<classes, what: "classes")
            let predicted = try integer("predicted", context, in: 0..<classes, what: "classes")
            let count = try queryCount(request)
            let data = state.data.test
            let matches = (0..<data.count).filter { Int(data.labels[$0]) == actual && evaluation.predictions[$0] == predicted }
            let images = matches.prefix(count).map {
                ImageSummary(index: $0, label: actual, bytes: Array(data.image($0)), score: Double(evaluation.confidences[$0]))
            }
            return try JSONResponse.make(CellResponse(actual: actual, predicted: predicted, count: matches.count, images: images))
        }
    }

    /// The `:layer` parameter: 1 (input to first hidden layer) ... number of weight layers.
    static func layerNumber(_ context: BasicRequestContext, network: Network<Float>) throws -> Int {
        try integer("layer", context, in: 1..<(network.layers.count + 1), what: "weight layers (1 is the input's weights into the first hidden layer)")
    }

    /// An integer path parameter in `range`: 400 when it is not an integer, 404 when out of range.
    static func integer(_ name: String, _ context: BasicRequestContext, in range: Range<Int>, what: String) throws -> Int {
        let text = context.parameters.get(name) ?? ""
        guard let value = Int(text) else { throw APIError.badRequest("\(name) \"\(text)\" is not an integer") }
        guard range.contains(value) else {
            throw APIError.notFound("\(name) \(value) does not exist; there are \(range.count) \(what) (\(range.lowerBound)..<\(range.upperBound))")
        }
        return value
    }

    /// `?count=N`, 1...maximumListCount, default 24.
    static func queryCount(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("count") else { return 24 }
        guard let value = Int(text), (1...maximumListCount).contains(value) else {
            throw APIError.badRequest("count \"\(text)\" is not allowed; expected 1 to \(maximumListCount)")
        }
        return value
    }
}

/// One test image, with a score when it was chosen by one.
struct ImageSummary: Encodable {
    let index: Int
    let label: Int
    /// 784 bytes, 0 background ... 255 ink, row by row.
    let bytes: [UInt8]
    /// The neuron's activation, or the network's confidence, depending on the list.
    let score: Double?
}

struct WeightsResponse: Encodable {
    let layer: Int
    let rows: Int
    let columns: Int
    let activation: String
    /// Row-major `rows x columns`: row j holds the weights into neuron j.
    let weights: [Float]
    let biases: [Float]

    init(layer: Int, _ value: Layer<Float>) {
        self.layer = layer
        rows = value.weights.rows
        columns = value.weights.columns
        activation = value.activation.rawValue
        weights = value.weights.elements
        biases = value.biases
    }
}

struct TopImagesResponse: Encodable {
    let layer: Int
    let neuron: Int
    let images: [ImageSummary]
}

struct ConfusionResponse: Encodable {
    /// `matrix[actual][predicted]`.
    let matrix: [[Int]]
    let accuracy: Double
    let total: Int
    let version: Int
}

struct CellResponse: Encodable {
    let actual: Int
    let predicted: Int
    /// How many test images fall in the cell; `images` holds the first of them.
    let count: Int
    let images: [ImageSummary]
}
