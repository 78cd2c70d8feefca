import DescentDatasets
import DescentExperiments
import DescentLinearAlgebra
import DescentNetwork
import DescentTraining
import Foundation

/// The points a Playground learns from, split once into training and test: a drawn set (the
/// library's `PointSet.generate`), a person's CSV, and the points they clicked onto the map.
struct PlaygroundData: Sendable {
    /// What the points are, for people and the model's metadata: the recipe's summary or the file's name.
    var source: String
    /// The recipe of a drawn set; nil for a CSV.
    var recipe: PointSetRecipe?
    var testShare: Double
    var training: PointSet
    var test: PointSet
    /// The class names, index by index.
    var classNames: [String]
    /// The names of the points' columns: x, y for a drawn set, the file's for a CSV.
    var columnNames: [String]
    /// How many points were added by clicking.
    var added = 0
    /// Seeds the split into training and test (`PointSet.split`, `SplitMix64`).
    var splitSeed: UInt64 = 0

    var classCount: Int { classNames.count }
    var width: Int { training.points.columns }

    /// A drawn set, split with a generator seeded from its recipe's seed.
    /// - Throws: `APIError` (422) naming the field the library refused.
    static func drawn(_ request: PlaygroundDataRequest) throws(APIError) -> PlaygroundData {
        let set: PointSet
        do {
            set = try PointSet.generate(request.recipe)
        } catch {
            throw APIError(.unprocessableContent, "data.\(error.description)")
        }
        let splitSeed = request.recipe.seed ^ 0x5EED_5EED
        var generator = SplitMix64(seed: splitSeed)
        let (training, test) = set.split(testShare: request.testShare, using: &generator)
        return PlaygroundData(source: request.recipe.summary, recipe: request.recipe, testShare: request.testShare, training: training, test: test,
                              classNames: (0..<set.classCount).map(String.init), columnNames: ["x", "y"], splitSeed: splitSeed)
    }

    /// The same data with one more training point.
    /// - Throws: `APIError` (422) for a class the data does not have, or past the limit of added points.
    func adding(x: Float, y: Float, label: Int, limits: PlaygroundLimits) throws(APIError) -> PlaygroundData {
        guard width == 2 else { throw APIError(.conflict, "points can be added to data of 2 columns; this data has \(width)") }
        guard (0..<classCount).contains(label) else {
            throw APIError(.unprocessableContent, "label is \(label); expected 0 to \(classCount - 1), one of the data's classes")
        }
        guard added < limits.maximumAddedPoints else {
            throw APIError(.unprocessableContent, "the map holds \(added) added points, the most it may; reset the data to add more")
        }
        var data = self
        do {
            data.training = try PointSet(points: Matrix(rows: training.count + 1, columns: 2, elements: training.points.elements + [x, y]),
                                         labels: training.labels + [label], classCount: classCount)
        } catch {
            throw APIError(.unprocessableContent, error.description)
        }
        data.added += 1
        return data
    }

    /// The map's rectangle over columns `axes`: for a drawn set a square around every point, at least
    /// its frame (−1.2...1.2); for a CSV, the two columns' ranges, 5% wider.
    func area(cells: Int, axes: [Int]) -> GridArea {
        var (xMin, xMax, yMin, yMax) = (Float.infinity, -Float.infinity, Float.infinity, -Float.infinity)
        for set in [training, test] {
            let width = set.points.columns
            for row in 0..<set.count {
                let (x, y) = (set.points.elements[row * width + axes[0]], set.points.elements[row * width + axes[1]])
                (xMin, xMax, yMin, yMax) = (min(xMin, x), max(xMax, x), min(yMin, y), max(yMax, y))
            }
        }
        if recipe != nil || !xMin.isFinite || !yMin.isFinite {
            let extent = max(1.2, [xMin, xMax, yMin, yMax].filter(\.isFinite).map { abs($0) * 1.05 }.max() ?? 1.2)
            return GridArea(size: cells, extent: extent)
        }
        let (xPad, yPad) = (max((xMax - xMin) * 0.05, 1e-3), max((yMax - yMin) * 0.05, 1e-3))
        return GridArea(xMin: xMin - xPad, xMax: xMax + xPad, yMin: yMin - yPad, yMax: yMax + yPad, columns: cells, rows: cells)
    }

    /// Each column's mean over the training points: where the map holds the columns it does not show.
    var columnMeans: [Float] {
        let width = training.points.columns
        var sums = Array(repeating: 0.0, count: width)
        for row in 0..<training.count { for column in 0..<width { sums[column] += Double(training.points.elements[row * width + column]) } }
        return sums.map { Float($0 / Double(max(1, training.count))) }
    }
}

/// One point of the cost curves.
struct PlaygroundCurvePoint: Sendable, Encodable {
    let step: Int
    let trainingCost: Double
    let testCost: Double
    let trainingAccuracy: Double
    let testAccuracy: Double
}

/// A student's Playground: the data, the network's settings and the library's run where it stands.
/// A value: a slice of training works on a copy of it (outside every actor, on the executor), and the
/// copy replaces it only when the slice has finished, so a slice that fails or is stopped half-way
/// leaves the last consistent state, and a paused run resumes where it stood.
struct PlaygroundCopy: Sendable {
    var data: PlaygroundData
    var network: PlaygroundNetwork
    var grid: Int
    /// What the network reads of a point: the chosen derived features for 2-column data, the columns as they are otherwise.
    var features: DerivedFeatures
    /// The network's inputs, computed once a setup.
    var trainingExamples: LabeledFeatures
    var testExamples: LabeledFeatures
    var configuration: TrainingConfiguration
    /// Where the library's run stands (`TrainingOutcome.stopped`); nil before the first step.
    var checkpoint: TrainingCheckpoint?
    /// The network now, with the run's metadata (the export).
    var model: Model
    /// The cost curves, one point a frame (thinned to at most `maximumCurve`).
    var curve: [PlaygroundCurvePoint] = []
    /// Counts setups, so the page can tell a frame of the old setup from the new.
    var setup = 1
    /// The two columns the map shows; the others are held at their mean (`mapNetwork`).
    var axes = [0, 1]

    static let maximumCurve = 400

    /// A fresh run of `network` on `data`.
    /// - Throws: `APIError` (422) naming the field the library refused.
    init(data: PlaygroundData, network: PlaygroundNetwork, grid: Int) throws(APIError) {
        self.data = data
        self.network = network
        self.grid = grid
        features = data.width == 2 ? network.features : .coordinates
        self.network.features = features
        do {
            trainingExamples = try data.training.examples(features: features)
            testExamples = data.test.count == 0 ? try Self.empty(width: features.width) : try data.test.examples(features: features)
        } catch {
            throw APIError(.unprocessableContent, "network.\((error as? PointSetError)?.description ?? "\(error)")")
        }
        configuration = network.configuration(inputs: trainingExamples.width, classes: data.classCount)
        let run = try Self.run(configuration, nil, trainingExamples, testExamples, data: data, features: features)
        var generator = SplitMix64(seed: configuration.seed)
        do {
            model = Model(network: try configuration.makeNetwork(using: &generator), metadata: run.modelMetadata.merging(configuration.metadata) { a, _ in a })
        } catch {
            throw APIError(.unprocessableContent, "network.hidden: \(error)")
        }
    }

    static func empty(width: Int) throws -> LabeledFeatures {
        try LabeledFeatures(features: Matrix(rows: 0, columns: width), labels: [])
    }

    /// The library's run, fresh or resumed from `checkpoint`.
    static func run(_ configuration: TrainingConfiguration, _ checkpoint: TrainingCheckpoint?, _ training: LabeledFeatures, _ test: LabeledFeatures,
                    data: PlaygroundData, features: DerivedFeatures) throws(APIError) -> TrainingRun {
        do {
            var trainingData = TrainingData(name: "playground", training: training, validation: try empty(width: training.width), test: test,
                                            classNames: data.classNames)
            // The keys `TrainingData(points:features:testShare:splitSeed:)` writes, so that the library can
            // rebuild a drawn set's split from the model (`point_set` only while no point was added), and the page's own.
            trainingData.metadata = ["playground_data": data.source, "features": features.names.joined(separator: ","),
                                     "columns": data.columnNames.joined(separator: ","), "test_share": "\(data.testShare)", "split_seed": "\(data.splitSeed)"]
            if let recipe = data.recipe, data.added == 0, let json = try? JSONEncoder().encode(recipe) {
                trainingData.metadata["point_set"] = String(decoding: json, as: UTF8.self)
            }
            if let checkpoint { return try TrainingRun(resuming: checkpoint, data: trainingData) }
            return try TrainingRun(configuration: configuration, data: trainingData)
        } catch let error as TrainingError {
            throw APIError(.unprocessableContent, "network: \(error.description)")
        } catch {
            throw APIError(.unprocessableContent, "data: \(error)")
        }
    }

    /// Mini-batches in one epoch.
    var batchesPerEpoch: Int { max(1, (trainingExamples.count + configuration.batchSize - 1) / configuration.batchSize) }

    /// Mini-batches taken since the start.
    var steps: Int {
        guard let checkpoint else { return 0 }
        return (checkpoint.epoch - 1) * batchesPerEpoch + checkpoint.batch
    }

    /// Trains for about `milliseconds` (the batch under way finishes), or exactly `steps` mini-batches.
    /// - Throws: `APIError` (422) when the cost stops being a finite number; the copy is then unchanged.
    mutating func train(milliseconds: Int?, steps wanted: Int?) throws(APIError) {
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(milliseconds ?? 0)
        let target = self.steps + (wanted ?? 0)
        repeat {
            let run = try Self.run(configuration, checkpoint, trainingExamples, testExamples, data: data, features: features)
            let before = self.steps
            // shouldStop is asked at an epoch's start and before each later batch; the first batch of a
            // call always runs. Counting the questions stops after exactly the batches wanted, or at an
            // epoch's end, where the loop goes on.
            let atEpochStart = checkpoint.map { $0.batch == 0 } ?? true
            var asked = 0
            let free: Int? = wanted == nil ? nil : max(0, min(target - before, batchesPerEpoch) - (atEpochStart ? 0 : 1))
            let outcome: TrainingOutcome
            do {
                outcome = try run.run(shouldStop: {
                    asked += 1
                    if let free { return asked > free }
                    return ContinuousClock.now >= deadline
                })
            } catch {
                throw APIError(.unprocessableContent, "the training stopped: \(error). The copy is as it was before this step; "
                    + "lower the learning rate or press Reset")
            }
            model = outcome.model
            guard let stopped = outcome.stopped else {
                checkpoint = nil  // 100,000 epochs: the run is over; it starts again from its seed.
                return
            }
            checkpoint = stopped
            if wanted == nil || self.steps == before { break }
        } while self.steps < target
    }

    /// Starts the run again from its seed: the network it began with, no steps, no curve.
    mutating func reset() throws(APIError) {
        let fresh = try PlaygroundCopy(data: data, network: network, grid: grid)
        let setup = self.setup
        self = fresh
        self.setup = setup
    }

    /// Measures the network on both splits, adds a point to the curve, and draws the frame.
    /// - Throws: `APIError` (422) when the library cannot draw the map.
    mutating func frame(session: String, includingPoints: Bool, fullCurve: Bool) throws(APIError) -> PlaygroundFrame {
        let network = model.network
        let training = Self.measure(network, trainingExamples)
        let test = Self.measure(network, testExamples)
        let point = PlaygroundCurvePoint(step: steps, trainingCost: training.cost, testCost: test.cost,
                                         trainingAccuracy: training.evaluation.accuracy, testAccuracy: test.evaluation.accuracy)
        if curve.last?.step != point.step || curve.isEmpty { curve.append(point) } else { curve[curve.count - 1] = point }
        if curve.count > Self.maximumCurve { curve = curve.enumerated().filter { $0.offset % 2 == 0 || $0.offset == curve.count - 1 }.map(\.element) }
        let regions: RegionGrid
        let trainingCensus: RegionCensus, testCensus: RegionCensus
        do {
            let area = data.area(cells: grid, axes: axes)
            regions = data.width == 2 ? try network.regions(over: area, features: features)
                : try mapNetwork().regions(over: area, features: .coordinates)
            trainingCensus = try network.regionCensus(of: data.training, features: features)
            testCensus = try network.regionCensus(of: data.test, features: features)
        } catch {
            throw APIError(.unprocessableContent, "\(error)")
        }
        return PlaygroundFrame(session: session, copy: self, regions: regions, point: point, training: trainingCensus, test: testCensus,
                               includingPoints: includingPoints, fullCurve: fullCurve)
    }

    /// The network as the map sees it when the data has more than 2 columns: its first layer reads
    /// only the two shown, and the others, held at their mean, are folded into its biases
    /// (W·x + b with x's other columns fixed is W_shown·(x, y) + (b + W_others·mean)), so that the
    /// library's `regions(over:features:)` draws the map; the layers above are the network's own.
    func mapNetwork() throws -> Network<Float> {
        let network = model.network, first = network.layers[0], means = data.columnMeans
        let inputs = first.inputCount
        var weights = Matrix<Float>(rows: first.outputCount, columns: 2)
        var biases = first.biases
        for neuron in 0..<first.outputCount {
            for column in 0..<inputs {
                let weight = first.weights.elements[neuron * inputs + column]
                if column == axes[0] { weights.elements[neuron * 2] = weight }
                else if column == axes[1] { weights.elements[neuron * 2 + 1] = weight }
                else { biases[neuron] += weight * means[column] }
            }
        }
        let layers = [Layer(weights: weights, biases: biases, activation: first.activation)] + network.layers.dropFirst()
        return try Network(layers: layers, cost: network.cost)
    }

    /// The mean cost (the network's own, without L2) and the evaluation on `examples`.
    static func measure(_ network: Network<Float>, _ examples: LabeledFeatures) -> (cost: Double, evaluation: Evaluation) {
        let evaluation = Evaluation(network: network, on: .features(examples))
        guard examples.count > 0 else { return (0, evaluation) }
        var workspace = Workspace(for: network, capacity: min(4096, examples.count))
        var total = 0.0, first = 0
        let width = examples.width
        while first < examples.count {
            let count = min(workspace.capacity, examples.count - first)
            workspace.inputs.elements.replaceSubrange(0 ..< count * width, with: examples.features.elements[first * width ..< (first + count) * width])
            for row in 0..<count { workspace.labels[row] = examples.labels[first + row] }
            total += Double(network.cost(&workspace, count: count)) * Double(count)
            first += count
        }
        return (total / Double(examples.count), evaluation)
    }
}
