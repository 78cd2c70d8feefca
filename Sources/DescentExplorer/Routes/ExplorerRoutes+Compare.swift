import Hummingbird
import DescentDatasets
import DescentNetwork
import DescentTraining

/// The served model and the shelf's, side by side on one drawing.
extension ExplorerRoutes {
    static func addComparisonRoutes(to groups: APIGroups, state: ExplorerState, shelf: ModelShelf) {
        groups.read.get("/api/models") { _, _ in
            let snapshot = await state.snapshot()
            let served = ModelListing(name: "served", served: true, model: snapshot.model)
            return try JSONResponse.make(["models": [served] + shelf.entries.map { ModelListing(name: $0.name, served: false, model: $0.model) }])  // [String: [ModelListing]]
        }
        groups.compute.post("/api/predict/compare") { request, _ in
            // The same body as /api/predict; each model sees the drawing as its own training images were prepared.
            let drawing = try await predictionInput(from: request, executor: state.executor)
            let snapshot = await state.snapshot()
            var answers = [try ModelAnswer(name: "served", served: true, model: snapshot.model, preprocessing: snapshot.preprocessing, drawing: drawing)]
            for entry in shelf.entries {
                answers.append(try ModelAnswer(name: entry.name, served: false, model: entry.model, preprocessing: entry.preprocessing, drawing: drawing))
            }
            return try JSONResponse.make(Comparison(models: answers, modelVersion: snapshot.version))
        }
    }
}

/// A model as `GET /api/models` lists it: what it is and how it was made.
struct ModelListing: Encodable {
    let name: String
    let served: Bool
    let layers: [Int]
    let parameters: Int
    /// The test accuracy its file records, if any.
    let testAccuracy: Double?
    /// The teacher it was distilled from, if any.
    let teacher: String?
    let preprocessing: String

    init(name: String, served: Bool, model: Model) {
        self.name = name
        self.served = served
        layers = model.network.sizes
        parameters = model.network.parameterCount
        testAccuracy = model.metadata["test_accuracy"].flatMap { Double($0) }
        teacher = model.metadata["teacher"]
        preprocessing = model.metadata["preprocessing"] ?? "none"
    }
}

/// One model's answer for a drawing.
struct ModelAnswer: Encodable {
    let name: String
    let served: Bool
    let digit: Int
    let confidence: Double
    let outputs: [Double]
    let layers: [Int]
    let teacher: String?

    init(name: String, served: Bool, model: Model, preprocessing: Preprocessing, drawing: [UInt8]) throws {
        let input = try ExplorerRoutes.networkInput(drawing, preprocessing: preprocessing, network: model.network)
        let prediction = ExplorerRoutes.computed { model.network.prediction(for: input.values) }
        guard prediction.outputs.allSatisfy(\.isFinite) else { throw APIError(.internalServerError, "\(name): the outputs are not finite numbers") }
        self.name = name
        self.served = served
        digit = prediction.label
        confidence = prediction.confidence
        outputs = prediction.outputs
        layers = model.network.sizes
        teacher = model.metadata["teacher"]
    }
}

/// The answer of `POST /api/predict/compare`: the served model first, then the shelf's.
struct Comparison: Encodable {
    let models: [ModelAnswer]
    let modelVersion: Int
}
