import DescentDatasets
import DescentNetwork
import DescentTraining
import Foundation

/// How far a Playground may go: far beyond TensorFlow Playground's 6 hidden layers of 8, and still
/// light enough that one student's frames keep coming ten times a second on two cores.
struct PlaygroundLimits: Sendable, Encodable {
    /// Hidden layers, and neurons in each.
    var maximumHiddenLayers = 8
    var maximumNeurons = 64
    /// Points of a drawn set, and points a person may add by clicking.
    var maximumPoints = 10_000
    var maximumAddedPoints = 2_000
    /// An uploaded CSV: bytes, rows, numeric columns and classes.
    var maximumCSVBytes = 2 << 20
    var maximumCSVRows = 100_000
    var maximumCSVColumns = 32
    var maximumClasses = 10
    /// The map's cells a side.
    var gridSizes = 10...200
    /// One frame's training: milliseconds, or batches.
    var maximumMilliseconds = 1_000
    var maximumSteps = 10_000
    var maximumLearningRate = 10.0
    var maximumBatchSize = 1_024
    var testShares = 0.05...0.9

    static let standard = PlaygroundLimits()

    private enum CodingKeys: String, CodingKey {
        case maximumHiddenLayers, maximumNeurons, maximumPoints, maximumAddedPoints, maximumCSVBytes, maximumCSVRows, maximumCSVColumns,
             maximumClasses, minimumGrid, maximumGrid, maximumMilliseconds, maximumSteps, maximumLearningRate, maximumBatchSize,
             minimumTestShare, maximumTestShare
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(maximumHiddenLayers, forKey: .maximumHiddenLayers)
        try container.encode(maximumNeurons, forKey: .maximumNeurons)
        try container.encode(maximumPoints, forKey: .maximumPoints)
        try container.encode(maximumAddedPoints, forKey: .maximumAddedPoints)
        try container.encode(maximumCSVBytes, forKey: .maximumCSVBytes)
        try container.encode(maximumCSVRows, forKey: .maximumCSVRows)
        try container.encode(maximumCSVColumns, forKey: .maximumCSVColumns)
        try container.encode(maximumClasses, forKey: .maximumClasses)
        try container.encode(gridSizes.lowerBound, forKey: .minimumGrid)
        try container.encode(gridSizes.upperBound, forKey: .maximumGrid)
        try container.encode(maximumMilliseconds, forKey: .maximumMilliseconds)
        try container.encode(maximumSteps, forKey: .maximumSteps)
        try container.encode(maximumLearningRate, forKey: .maximumLearningRate)
        try container.encode(maximumBatchSize, forKey: .maximumBatchSize)
        try container.encode(testShares.lowerBound, forKey: .minimumTestShare)
        try container.encode(testShares.upperBound, forKey: .maximumTestShare)
    }
}

/// Decodes one field of a request body, so that a wrong type names the field.
struct FieldReader<Key: CodingKey> {
    let container: KeyedDecodingContainer<Key>
    let prefix: String

    func callAsFunction<T: Decodable>(_ key: Key, _ type: T.Type, _ what: String) throws -> T? {
        do {
            return try container.decodeIfPresent(T.self, forKey: key)
        } catch let error as DecodingError {
            throw APIError.badRequest("\(prefix)\(key.stringValue) is not \(what): \(JSONResponse.describe(error))")
        }
    }
}

/// The network a Playground trains: hidden layers, activation, learning rate, batch size,
/// optimiser, L2 and the features read of each point. Its output is softmax over the classes,
/// with the cross-entropy cost. What a request leaves out is the library's `playground` preset's
/// (2-32-32-K ReLU, Adam at 0.01 in batches of 16), as `descent train --dataset` uses it.
struct PlaygroundNetwork: Sendable, Equatable, Decodable {
    var hidden: [Int]
    var activation: Activation
    var learningRate: Double
    var batchSize: Int
    var optimizer: TrainingConfiguration.OptimizerKind
    var l2: Double
    var features: DerivedFeatures = .coordinates
    var seed: UInt64 = 0

    /// The `playground` preset's network.
    init() {
        let preset = TrainingConfiguration(preset: .playground)
        hidden = Array(preset.sizes.dropFirst().dropLast())
        activation = preset.hidden
        learningRate = preset.learningRate
        batchSize = preset.batchSize
        optimizer = preset.optimizer
        l2 = preset.weightDecay
    }

    private enum Key: String, CodingKey { case hidden, activation, learningRate, batchSize, optimizer, l2, features, seed }

    init(from decoder: any Decoder) throws {
        self.init()
        let field = FieldReader(container: try decoder.container(keyedBy: Key.self), prefix: "network.")
        if let hidden = try field(.hidden, [Int].self, "a list of layer sizes such as [16, 16]") { self.hidden = hidden }
        if let name = try field(.activation, String.self, "a string") {
            guard let activation = Activation(rawValue: name), Activation.hidden.contains(activation) else {
                throw APIError.badRequest("network.activation \"\(name.prefix(40))\" is not one of \(Activation.hidden.map(\.rawValue).joined(separator: ", "))")
            }
            self.activation = activation
        }
        if let rate = try field(.learningRate, Double.self, "a number") { learningRate = rate }
        if let batch = try field(.batchSize, Int.self, "an integer") { batchSize = batch }
        if let name = try field(.optimizer, String.self, "a string") {
            guard let optimizer = TrainingConfiguration.OptimizerKind(rawValue: name) else {
                throw APIError.badRequest("network.optimizer \"\(name.prefix(40))\" is not one of "
                    + TrainingConfiguration.OptimizerKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            self.optimizer = optimizer
        }
        if let l2 = try field(.l2, Double.self, "a number") { self.l2 = l2 }
        if let names = try field(.features, [String].self, "a list of feature names such as [\"x\", \"y\"]") {
            do {
                features = names.isEmpty ? [] : try DerivedFeatures(parsing: names.joined(separator: ","))
            } catch {
                throw APIError.badRequest("network.\(error.description)")
            }
        }
        if let seed = try field(.seed, UInt64.self, "an integer 0 or more") { self.seed = seed }
    }

    /// Checks every value against `limits`.
    /// - Throws: `APIError` (422) naming the field.
    func validate(_ limits: PlaygroundLimits) throws(APIError) {
        guard hidden.count <= limits.maximumHiddenLayers else {
            throw APIError(.unprocessableContent, "network.hidden has \(hidden.count) layers; at most \(limits.maximumHiddenLayers)")
        }
        if let bad = hidden.first(where: { !(1...limits.maximumNeurons).contains($0) }) {
            throw APIError(.unprocessableContent, "network.hidden has a layer of \(bad) neurons; each may have 1 to \(limits.maximumNeurons)")
        }
        guard learningRate.isFinite, learningRate > 0, learningRate <= limits.maximumLearningRate else {
            throw APIError(.unprocessableContent, "network.learningRate is \(learningRate); expected a number in 0<...\(limits.maximumLearningRate)")
        }
        guard (1...limits.maximumBatchSize).contains(batchSize) else {
            throw APIError(.unprocessableContent, "network.batchSize is \(batchSize); expected 1 to \(limits.maximumBatchSize)")
        }
        guard l2.isFinite, l2 >= 0, l2 <= 1 else {
            throw APIError(.unprocessableContent, "network.l2 is \(l2); expected a number from 0 to 1")
        }
        guard features.width > 0 else { throw APIError(.unprocessableContent, "network.features is empty; choose at least one of x, y, x2, y2, xy, sinx, siny") }
    }

    /// The library's configuration for this network on `inputs` features and `classes` classes.
    func configuration(inputs: Int, classes: Int) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.sizes = [inputs] + hidden + [classes]
        configuration.hidden = activation
        configuration.output = .softmax
        configuration.cost = .crossEntropy
        configuration.learningRate = learningRate
        configuration.batchSize = batchSize
        configuration.optimizer = optimizer
        if optimizer == .nesterov { configuration.momentum = 0.9 }
        configuration.weightDecay = l2
        configuration.seed = seed
        configuration.epochs = 100_000
        configuration.threads = 1
        return configuration
    }
}

/// A drawn set as the page asks for it: the library's recipe and the share held out for testing.
struct PlaygroundDataRequest: Sendable, Decodable {
    var recipe: PointSetRecipe
    var testShare: Double

    private enum Key: String, CodingKey { case shape, classes, points, noise, seed, testShare }

    init(from decoder: any Decoder) throws {
        let field = FieldReader(container: try decoder.container(keyedBy: Key.self), prefix: "data.")
        let name = try field(.shape, String.self, "a string") ?? PointShape.spirals.rawValue
        guard let shape = PointShape(rawValue: name), !shape.isRegression else {
            throw APIError.badRequest("data.shape \"\(name.prefix(40))\" is not one of "
                + PointShape.allCases.filter { !$0.isRegression }.map(\.rawValue).joined(separator: ", "))
        }
        recipe = PointSetRecipe(shape: shape, classes: try field(.classes, Int.self, "an integer"), points: try field(.points, Int.self, "an integer") ?? 1000,
                                noise: try field(.noise, Float.self, "a number") ?? 0.1, seed: try field(.seed, UInt64.self, "an integer 0 or more") ?? 0)
        testShare = try field(.testShare, Double.self, "a number") ?? 0.3
    }

    init(recipe: PointSetRecipe, testShare: Double) {
        (self.recipe, self.testShare) = (recipe, testShare)
    }

    /// Checks the recipe (the library's own check) and the limits.
    /// - Throws: `APIError` (422) naming the field.
    func validate(_ limits: PlaygroundLimits) throws(APIError) {
        do {
            try recipe.validate()
        } catch {
            throw APIError(.unprocessableContent, "data.\(error.description)")
        }
        guard recipe.points <= limits.maximumPoints else {
            throw APIError(.unprocessableContent, "data.points is \(recipe.points); a Playground draws at most \(limits.maximumPoints)")
        }
        try PlaygroundSetupRequest.checkTestShare(testShare, limits)
    }
}

/// The body of `POST /api/playground`: a new setup for the page's copy (or a new copy).
struct PlaygroundSetupRequest: Sendable, Decodable {
    /// The copy to set up again; nil: a new one.
    var session: String?
    /// A drawn set; nil: keep the copy's data (uploaded or clicked), or spirals for a new copy.
    var data: PlaygroundDataRequest?
    var network: PlaygroundNetwork
    /// The map's cells a side.
    var grid: Int
    /// The names of the two columns the map shows (data of more than 2 columns); nil: the first two, or as they were.
    var axes: [String]?

    static let expected = "{\"session\": \"<id>\", \"data\": {\"shape\": \"spirals\", \"classes\": 2, \"points\": 1000, \"noise\": 0.1, \"seed\": 0, "
        + "\"testShare\": 0.3}, \"network\": {\"hidden\": [16, 16], \"activation\": \"tanh\", \"learningRate\": 0.03, \"batchSize\": 10, "
        + "\"optimizer\": \"adam\", \"l2\": 0, \"features\": [\"x\", \"y\"], \"seed\": 0}, \"grid\": 100}"

    private enum Key: String, CodingKey { case session, data, network, grid, axes }

    init(from decoder: any Decoder) throws {
        let field = FieldReader(container: try decoder.container(keyedBy: Key.self), prefix: "")
        session = try field(.session, String.self, "a string")
        data = try field(.data, PlaygroundDataRequest.self, "an object")
        network = try field(.network, PlaygroundNetwork.self, "an object") ?? PlaygroundNetwork()
        grid = try field(.grid, Int.self, "an integer") ?? 100
        axes = try field(.axes, [String].self, "a list of two column names")
    }

    /// The indices of `axes` among `columns`.
    /// - Throws: `APIError` (422) naming `axes` when they are not two distinct columns of the data.
    func axisIndices(in columns: [String]) throws(APIError) -> [Int]? {
        guard let axes else { return nil }
        let indices = axes.compactMap { columns.firstIndex(of: $0) }
        guard axes.count == 2, indices.count == 2, indices[0] != indices[1] else {
            throw APIError(.unprocessableContent, "axes is \(axes.prefix(3).map { $0.prefix(40) }); expected two different columns of the data: "
                + columns.joined(separator: ", "))
        }
        return indices
    }

    func validate(_ limits: PlaygroundLimits) throws(APIError) {
        try data?.validate(limits)
        try network.validate(limits)
        try Self.checkGrid(grid, limits)
    }

    static func checkGrid(_ grid: Int, _ limits: PlaygroundLimits) throws(APIError) {
        guard limits.gridSizes.contains(grid) else {
            throw APIError(.unprocessableContent, "grid is \(grid); expected \(limits.gridSizes.lowerBound) to \(limits.gridSizes.upperBound) cells a side")
        }
    }

    static func checkTestShare(_ share: Double, _ limits: PlaygroundLimits) throws(APIError) {
        guard limits.testShares.contains(share) else {
            throw APIError(.unprocessableContent, "testShare is \(share); expected \(limits.testShares.lowerBound) to \(limits.testShares.upperBound)")
        }
    }
}

/// The body of `POST /api/playground/train`: how far to train the copy before the next frame.
struct PlaygroundTrainRequest: Sendable, Decodable {
    var session: String
    /// Train for about this long (the batch under way finishes); nil: `steps` decides.
    var milliseconds: Int?
    /// Train exactly this many mini-batches; nil with `milliseconds` nil: none (a frame only).
    var steps: Int?
    /// Start the run again from its seed before training (the Reset button: 0 steps after).
    var reset: Bool
    /// Whether the frame carries the points (the page asks after a setup, or to redraw them).
    var points: Bool

    static let expected = "{\"session\": \"<id>\", \"milliseconds\": 40, \"steps\": 1, \"reset\": false, \"points\": false}"

    private enum Key: String, CodingKey { case session, milliseconds, steps, reset, points }

    init(from decoder: any Decoder) throws {
        let field = FieldReader(container: try decoder.container(keyedBy: Key.self), prefix: "")
        guard let session = try field(.session, String.self, "a string") else {
            throw APIError.badRequest("session is missing; POST /api/playground makes a copy and answers its id")
        }
        self.session = session
        milliseconds = try field(.milliseconds, Int.self, "an integer")
        steps = try field(.steps, Int.self, "an integer")
        reset = try field(.reset, Bool.self, "true or false") ?? false
        points = try field(.points, Bool.self, "true or false") ?? false
    }

    func validate(_ limits: PlaygroundLimits) throws(APIError) {
        if let milliseconds, !(1...limits.maximumMilliseconds).contains(milliseconds) {
            throw APIError(.unprocessableContent, "milliseconds is \(milliseconds); expected 1 to \(limits.maximumMilliseconds)")
        }
        if let steps, !(1...limits.maximumSteps).contains(steps) {
            throw APIError(.unprocessableContent, "steps is \(steps); expected 1 to \(limits.maximumSteps)")
        }
        if milliseconds != nil, steps != nil { throw APIError.badRequest("send milliseconds or steps, not both") }
    }
}

/// The body of `POST /api/playground/point`: a point clicked on the map, added to the training points.
struct PlaygroundPointRequest: Sendable, Decodable {
    var session: String
    var x: Float
    var y: Float
    var label: Int

    static let expected = "{\"session\": \"<id>\", \"x\": 0.5, \"y\": -0.25, \"label\": 1}"

    private enum Key: String, CodingKey { case session, x, y, label }

    init(from decoder: any Decoder) throws {
        let field = FieldReader(container: try decoder.container(keyedBy: Key.self), prefix: "")
        guard let session = try field(.session, String.self, "a string") else { throw APIError.badRequest("session is missing") }
        guard let x = try field(.x, Float.self, "a number") else { throw APIError.badRequest("x is missing") }
        guard let y = try field(.y, Float.self, "a number") else { throw APIError.badRequest("y is missing") }
        guard let label = try field(.label, Int.self, "an integer") else { throw APIError.badRequest("label is missing") }
        guard x.isFinite, y.isFinite, abs(x) <= 1e6, abs(y) <= 1e6 else {
            throw APIError(.unprocessableContent, "x and y are \(x), \(y); expected finite numbers within ±1000000")
        }
        (self.session, self.x, self.y, self.label) = (session, x, y, label)
    }
}
