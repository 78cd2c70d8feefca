import DescentDatasets
import DescentExperiments
import DescentLinearAlgebra
import DescentNetwork
import DescentTraining
import Hummingbird

/// The Lesson page: the video's argument chapter by chapter, each figure computed here by the library
/// (`ExampleCosts`, `DescentPath`, `Evaluation`, `Probe`, `Dream`, `Memorization`, `Minima`) on the
/// served model or on the student's own copy (`?session=` or `"session"`). What trains runs on the
/// copy, or in the lesson's one slot (`LessonSlot`); nothing here changes the served model.
extension ExplorerRoutes {
    /// How many cheapest and dearest examples, mistakes and probe pictures an answer carries.
    static let lessonExampleCount = 8
    /// The test images the probe, the memorising runs and the valleys' paths are measured on.
    static let lessonProbeCount = 1000

    static func addLessonRoutes(to groups: APIGroups, state: ExplorerState) {
        groups.read.get("/api/weights/:layer/rows") { request, context in
            try await weightRows(request, context, state: state)
        }
        groups.read.get("/api/lesson/cost") { request, _ in
            let model = try await ShownModel(session: sessionQuery(request), state: state)
            let test = try await state.testImages(preparedWith: model.preprocessing)
            let (network, raw, version, shown) = (model.network, state.data.test, model.version, model.shown)
            let make: @Sendable () -> LessonCostResponse = {
                LessonCostResponse(ExampleCosts(network: network, on: test), network: network, raw: raw, version: version, shown: shown)
            }
            // The served model's once per version; a copy's in the lesson's slot, one at a time.
            let answer = model.session == nil ? try await state.lessonCosts.value(for: version, make: make)
                : try await state.lessonSlot.run(make)
            return try JSONResponse.make(answer)
        }
        groups.read.get("/api/lesson/valleys") { _, _ in
            try JSONResponse.make(ValleysResponse(.twoValleys, samples: 201))
        }
        groups.compute.post("/api/lesson/valleys/descent") { request, _ in
            let body = try await JSONResponse.decode(LessonRequest.self, from: request, expected: "{\"start\": 1.5, \"learningRate\": 0.05, \"steps\": 60}")
            let function = TestFunction.twoValleys
            let start = try LessonRequest.checked(body.start.flatMap { $0.isFinite ? $0 : nil }, "start", in: function.domain[0])
            let learningRate = try body.validatedLearningRate(in: 0.001...0.5, default: 0.05)
            let steps = try LessonRequest.checked(body.steps, "steps", in: 1...500, default: 60)
            let path = DescentPath(function, from: [start], learningRate: learningRate, steps: steps)
            let points = zip(path.points, path.values).map { point, value in
                ValleyStep(x: point[0], value: value, slope: function.gradient(point)[0])
            }
            return try JSONResponse.make(["path": points])
        }
        groups.change.post("/api/lesson/train") { request, _ in
            let body = try await JSONResponse.decode(LessonRequest.self, from: request, expected: "{\"seed\": 0, \"epochs\": 30, \"session\": \"<id>\"}")
            var configuration = TrainingConfiguration(preset: .video)
            configuration.seed = try body.validatedSeed()
            configuration.epochs = try LessonRequest.checked(body.epochs, "epochs", in: 1...configuration.epochs, default: configuration.epochs)
            let available = state.data.training.count
            guard available > 0 else { throw APIError(.conflict, "this server has no training images") }
            let limit = try LessonRequest.checked(body.trainingLimit, "trainingLimit", in: min(100, available)...available, default: available)
            // The student's copy takes the new network: theirs, or one made now and dropped again when
            // the training is refused (a full queue, a limit), so that retries leave no copies behind.
            let id: String
            if let session = body.session {
                _ = try await state.learningCopies.entry(session)
                id = session
            } else {
                let (owner, _) = await copyOwner(of: request, classroom: groups.classroom, state: state)
                id = try await state.learningCopies.newCopy(of: await state.snapshot(), owner: owner)
            }
            do {
                let status = try await state.startTraining(configuration, trainingLimit: limit, target: .copy(id))
                return try JSONResponse.make(status, status: .accepted)
            } catch {
                if body.session == nil { await state.learningCopies.remove(id) }
                throw error
            }
        }
        groups.read.get("/api/lesson/learned") { request, _ in
            let session = sessionQuery(request)
            if session == nil {
                // The model and its evaluation from one snapshot: a training that swaps the model between
                // two reads would otherwise give one model's sizes with another's accuracy.
                let (snapshot, evaluation) = try await state.snapshotWithEvaluation()
                return try JSONResponse.make(LearnedResponse(evaluation, network: snapshot.network, version: snapshot.version,
                                                             shown: "served", raw: state.data.test))
            }
            let model = try await ShownModel(session: session, state: state)
            let (network, test) = (model.network, try await state.testImages(preparedWith: model.preprocessing))
            let evaluation = try await state.lessonSlot.run { Evaluation(network: network, on: test) }
            return try JSONResponse.make(LearnedResponse(evaluation, network: network, version: model.version, shown: "copy", raw: state.data.test))
        }
        groups.compute.post("/api/lesson/probe") { request, _ in
            let body = try await JSONResponse.decode(LessonRequest.self, from: request, expected: "{\"seed\": 0}")
            let seed = try body.validatedSeed()
            let model = try await ShownModel(session: body.session, state: state)
            let test = try await state.testImages(preparedWith: model.preprocessing)
            let network = model.network
            let reports = try await state.lessonSlot.run {
                var generator = SplitMix64(seed: seed)
                return Probe.run(network, kinds: [.uniformNoise, .test], count: lessonProbeCount, test: test,
                                 exampleCount: lessonExampleCount, using: &generator)
            }
            return try JSONResponse.make(ProbeResponse(reports: reports.map(ProbeSummary.init), modelVersion: model.version, model: model.shown))
        }
        groups.compute.post("/api/lesson/dream") { request, _ in
            let body = try await JSONResponse.decode(LessonRequest.self, from: request, expected: "{\"digit\": 5, \"seed\": 0}")
            let model = try await ShownModel(session: body.session, state: state)
            let network = model.network
            let digit = try LessonRequest.checked(body.digit, "digit", in: 0...(network.outputCount - 1))
            let seed = try body.validatedSeed()
            var dreamSettings = DreamSettings(target: .output(digit))
            dreamSettings.steps = try LessonRequest.checked(body.steps, "steps", in: 1...300, default: 200)
            let settings = dreamSettings
            guard network.inputCount == 784 else { throw APIError(.conflict, "the model takes \(network.inputCount) inputs; a dream is a 28x28 picture") }
            let result = try await state.lessonSlot.run {
                var generator = SplitMix64(seed: seed)
                return Dream.run(network, settings: settings, side: 28, using: &generator)
            }
            return try JSONResponse.make(DreamResponse(result, digit: digit, modelVersion: model.version, model: model.shown))
        }
        groups.change.post("/api/lesson/memorize") { request, _ in
            let body = try await JSONResponse.decode(LessonRequest.self, from: request, expected: "{\"seed\": 0, \"epochs\": 40, \"trainingLimit\": 500}")
            let seed = try body.validatedSeed()
            var configuration = Memorization.defaultConfiguration
            configuration.epochs = try LessonRequest.checked(body.epochs, "epochs", in: 1...60, default: 40)
            let limit = try LessonRequest.checked(body.trainingLimit, "trainingLimit", in: 100...2000, default: 500)
            let experiment = Memorization(configuration: configuration, variants: [.none, .shuffled])
            let layers = configuration.sizes
            let (training, test) = (state.data.training.prefix(limit), state.data.test.prefix(lessonProbeCount))
            return try await state.lessonSlot.stream { emit in
                var generator = SplitMix64(seed: seed)
                var variant = ""
                let runs = try experiment.run(training: training, test: test, using: &generator) { event in
                    switch event {
                    case .started(let noise, _, _):
                        variant = noise.name
                        emit(MemorizeLine(variant: variant, epoch: 0, cost: nil, trainingAccuracy: nil, testAccuracy: nil))
                    case .training(.epochFinished(let report)):
                        emit(MemorizeLine(variant: variant, epoch: report.epoch, cost: report.trainingCost,
                                          trainingAccuracy: report.trainingAccuracy, testAccuracy: report.validationAccuracy))
                    case .training: break
                    }
                }
                emit(MemorizeDone(runs: runs.map { MemorizeDone.Run($0) }, trainingCount: training.count, testCount: test.count,
                                  layers: layers))
            }
        }
        groups.change.post("/api/lesson/minima") { request, _ in
            let body = try await JSONResponse.decode(LessonRequest.self, from: request, expected: "{\"seeds\": 3, \"epochs\": 10}")
            var configuration = TrainingConfiguration(preset: .video)
            configuration.epochs = try LessonRequest.checked(body.epochs, "epochs", in: 1...30, default: 10)
            let seeds = try LessonRequest.checked(body.seeds, "seeds", in: 2...5, default: 3)
            let experiment = Minima(configuration: configuration, seeds: (0..<seeds).map { UInt64($0) }, pathPairs: 1, pathPoints: 21)
            let epochs = configuration.epochs
            let data = state.data
            let probe = data.test.prefix(lessonProbeCount)
            return try await state.lessonSlot.stream { emit in
                let report = try experiment.run(training: data.training, validation: data.validation.prefix(0), test: data.test, probe: probe) { event in
                    if case .trained(let run) = event {
                        emit(MinimaLine(seed: run.seed, testAccuracy: run.testAccuracy, trainingCost: run.trainingCost))
                    }
                }
                emit(MinimaDone(report, epochs: epochs, probeCount: probe.count))
            }
        }
    }

    /// `?session=ID`, a student's copy, or nil for the served model.
    static func sessionQuery(_ request: Request) -> String? {
        request.uri.queryParameters.get("session").map { String($0) }
    }

    /// `GET /api/weights/:layer/rows?first=F&count=N`: rows F..<F+N of a layer's weights (the weights
    /// into those neurons), without the JSON of `/api/weights`: the page fetches only the neurons it
    /// draws. The body is four little-endian UInt32, rows, columns, first row and the served model's
    /// version, then rows x columns little-endian Float32, row by row.
    static func weightRows(_ request: Request, _ context: BasicRequestContext, state: ExplorerState) async throws -> Response {
        let model = try await ShownModel(session: sessionQuery(request), state: state)
        let layer = try layerNumber(context, network: model.network)
        let weights = model.network.layers[layer - 1].weights
        func query(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
            guard let text = request.uri.queryParameters.get(name) else { return fallback }
            guard let value = Int(text) else { throw APIError.badRequest("\(name) \"\(text.prefix(40))\" is not an integer") }
            return try LessonRequest.checked(value, name, in: range)
        }
        let first = try query("first", in: 0...(weights.rows - 1), default: 0)
        // A count past the last row is cut to the rows there are: a page asks for the 20 it draws whatever the width.
        let count = min(try query("count", in: 1...(1 << 20), default: weights.rows), weights.rows - first)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(16 + 4 * count * weights.columns)
        for header in [count, weights.columns, first, model.version] { buffer.writeInteger(UInt32(truncatingIfNeeded: header), endianness: .little) }
        for value in weights.elements[(first * weights.columns)..<((first + count) * weights.columns)] {
            buffer.writeInteger(value.bitPattern, endianness: .little)
        }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: "no-cache"],
                        body: ResponseBody(byteBuffer: buffer))
    }
}

/// The model a Lesson request is about: the served one, or the student's copy named by `session`.
struct ShownModel: Sendable {
    let network: Network<Float>
    let preprocessing: Preprocessing
    /// The served model's version.
    let version: Int
    /// "served" or "copy".
    let shown: String
    let session: String?

    /// - Throws: `APIError` (404) for a session the server does not know.
    init(session: String?, state: ExplorerState) async throws {
        let snapshot = await state.snapshot()
        version = snapshot.version
        self.session = session
        if let session {
            let entry = try await state.learningCopies.entry(session)
            (network, preprocessing, shown) = (entry.copy.network, entry.preprocessing, "copy")
        } else {
            (network, preprocessing, shown) = (snapshot.network, snapshot.preprocessing, "served")
        }
    }
}

/// One test image with what the network made of it.
struct LessonExample: Encodable, Sendable {
    let index: Int
    let label: Int
    let digit: Int
    /// The example's cost, or the network's top output, as the list says.
    let score: Double
    /// 784 bytes, 0 background ... 255 ink, as the test set holds it.
    let bytes: [UInt8]
}

/// `GET /api/lesson/cost`: the mean cost over the test images, its spread, and the extremes.
struct LessonCostResponse: Encodable, Sendable {
    let cost: String
    let mean: Double
    let accuracy: Double
    let count: Int
    let histogramUpperBound: Double
    let histogram: [Int]
    let cheapest: [LessonExample]
    let dearest: [LessonExample]
    let modelVersion: Int
    let model: String

    init(_ costs: ExampleCosts, network: Network<Float>, raw: LabeledImages, version: Int, shown: String) {
        cost = network.cost.rawValue
        mean = costs.mean
        count = costs.costs.count
        accuracy = count == 0 ? 0 : Double((0..<count).filter { costs.predictions[$0] == Int(raw.labels[$0]) }.count) / Double(count)
        let histogram = costs.histogram(bins: 20)
        (histogramUpperBound, self.histogram) = (histogram.upperBound, histogram.counts)
        func example(_ index: Int) -> LessonExample {
            LessonExample(index: index, label: Int(raw.labels[index]), digit: costs.predictions[index], score: costs.costs[index],
                          bytes: Array(raw.image(index)))
        }
        cheapest = costs.cheapest(ExplorerRoutes.lessonExampleCount).map(example)
        dearest = costs.dearest(ExplorerRoutes.lessonExampleCount).map(example)
        (modelVersion, model) = (version, shown)
    }
}

/// `GET /api/lesson/valleys`: the function of one variable, sampled.
struct ValleysResponse: Encodable {
    let name: String
    let formula: String
    let domain: [Double]
    let xs: [Double]
    let values: [Double]
    /// Where the slope changes sign from − to +: the bottoms of the valleys.
    let minima: [Double]

    init(_ function: TestFunction, samples: Int) {
        let range = function.domain[0]
        name = function.rawValue
        formula = function.formula
        domain = [range.lowerBound, range.upperBound]
        let xs = (0..<samples).map { range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(samples - 1) }
        let slopes = xs.map { function.gradient([$0])[0] }
        minima = zip(xs.indices.dropLast(), xs.indices.dropFirst()).compactMap { left, right in
            guard slopes[left] < 0, slopes[right] >= 0 else { return nil }
            // The root of the slope between the two samples, by linear interpolation.
            return xs[left] + (xs[right] - xs[left]) * slopes[left] / (slopes[left] - slopes[right])
        }
        self.xs = xs
        values = xs.map { function.value([$0]) }
    }
}

struct ValleyStep: Encodable {
    let x: Double
    let value: Double
    let slope: Double
}

/// `GET /api/lesson/learned`: the accuracy, digit by digit, and the most confident mistakes.
struct LearnedResponse: Encodable {
    let sizes: [Int]
    let accuracy: Double
    let count: Int
    let perDigit: [Double?]
    let mistakeCount: Int
    let mistakes: [LessonExample]
    let modelVersion: Int
    let model: String

    init(_ evaluation: Evaluation, network: Network<Float>, version: Int, shown: String, raw: LabeledImages) {
        sizes = network.sizes
        accuracy = evaluation.accuracy
        count = evaluation.total
        perDigit = evaluation.perClassAccuracy
        let wrong = (0..<min(evaluation.total, raw.count)).filter { evaluation.predictions[$0] != Int(raw.labels[$0]) }
        mistakeCount = wrong.count
        mistakes = wrong.sorted { (evaluation.confidences[$1], $0) < (evaluation.confidences[$0], $1) }
            .prefix(2 * ExplorerRoutes.lessonExampleCount).map {
                LessonExample(index: $0, label: Int(raw.labels[$0]), digit: evaluation.predictions[$0],
                              score: Double(evaluation.confidences[$0]), bytes: Array(raw.image($0)))
            }
        (modelVersion, model) = (version, shown)
    }
}

/// One kind of probe input: how often the network is sure, and of what.
struct ProbeSummary: Encodable {
    struct Example: Encodable {
        let bytes: [UInt8]
        let digit: Int
        let topOutput: Double
        let label: Int?
    }

    let kind: String
    let summary: String
    let count: Int
    let threshold: Double
    let confidentShare: Double
    let meanTopOutput: Double
    let digitCounts: [Int]
    let histogram: [Int]
    let accuracy: Double?
    let examples: [Example]

    init(_ report: ProbeReport) {
        kind = report.kind.rawValue
        summary = report.kind.summary
        count = report.count
        threshold = report.threshold
        confidentShare = report.confidentShare
        meanTopOutput = report.meanTopOutput
        digitCounts = report.digitCounts
        histogram = report.histogram(bins: 10)
        accuracy = report.accuracy
        examples = report.examples.map { Example(bytes: $0.pixels, digit: $0.digit, topOutput: $0.topOutput, label: $0.label) }
    }
}

struct ProbeResponse: Encodable {
    let reports: [ProbeSummary]
    let modelVersion: Int
    let model: String
}

/// `POST /api/lesson/dream`: the picture that excites one output most, and how it got there.
struct DreamResponse: Encodable {
    let digit: Int
    /// 784 bytes, 0 ... 255.
    let bytes: [UInt8]
    /// The target output along the way: about 100 values evenly spaced, and the last.
    let trace: [Double]
    let reads: Int
    let outputs: [Double]
    let modelVersion: Int
    let model: String

    init(_ result: DreamResult, digit: Int, modelVersion: Int, model: String) {
        self.digit = digit
        bytes = result.pixels.map { UInt8((min(max($0, 0), 1) * 255).rounded()) }
        let stride = max(1, result.trace.count / 100)
        trace = Swift.stride(from: 0, to: result.trace.count, by: stride).map { result.trace[$0] } + (result.trace.last.map { [$0] } ?? [])
        reads = result.prediction.label
        outputs = result.prediction.outputs
        (self.modelVersion, self.model) = (modelVersion, model)
    }
}

/// One line of `POST /api/lesson/memorize`: an epoch of one variant (epoch 0: it has started).
struct MemorizeLine: Encodable {
    let variant: String
    let epoch: Int
    let cost: Double?
    let trainingAccuracy: Double?
    let testAccuracy: Double?
}

/// The last line of `POST /api/lesson/memorize`.
struct MemorizeDone: Encodable {
    struct Run: Encodable {
        let variant: String
        let labelAgreement: Double
        let finalTrainingAccuracy: Double
        let finalTestAccuracy: Double?

        init(_ run: MemorizationRun) {
            variant = run.noise.name
            labelAgreement = run.labelAgreement
            finalTrainingAccuracy = run.epochs.last?.trainingAccuracy ?? 0
            finalTestAccuracy = run.epochs.last?.validationAccuracy
        }
    }

    let done = true
    let runs: [Run]
    let trainingCount: Int
    let testCount: Int
    let layers: [Int]
}

/// A line of `POST /api/lesson/minima`: one seed's network, trained.
struct MinimaLine: Encodable {
    let seed: UInt64
    let testAccuracy: Double
    let trainingCost: Double
}

/// The last line of `POST /api/lesson/minima`: the cost along the straight line from the first
/// network to the second, before and after renumbering the second's hidden neurons.
struct MinimaDone: Encodable {
    let done = true
    let epochs: Int
    let probeCount: Int
    let positions: [Double]
    let path: [Double]
    let alignedPath: [Double]
    let distance: Double
    let alignedDistance: Double

    init(_ report: MinimaReport, epochs: Int, probeCount: Int) {
        self.epochs = epochs
        self.probeCount = probeCount
        let pair = report.pairs.first { $0.path != nil }
        positions = pair?.path?.positions ?? []
        path = pair?.path?.costs ?? []
        alignedPath = pair?.alignedPath?.costs ?? []
        distance = pair?.distance ?? 0
        alignedDistance = pair?.alignedDistance ?? 0
    }
}
