public import Hummingbird
import HummingbirdCore
import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork
import DescentTraining

/// The explorer's HTTP interface: the JSON API under /api and the pages at /.
public enum ExplorerRoutes {
    /// The largest request body accepted: 1 MB.
    public static let bodyLimit = 1 << 20
    /// The largest drawing accepted, in pixels on a side.
    public static let maximumDrawingSide = 4096

    /// A router serving `state`'s model and data, the models of `shelf` beside it, and the bundled pages.
    /// - Parameters:
    ///   - state: The model, the data, the training job and the digits kept.
    ///   - shelf: Models shown beside the served one (`descent serve --compare`).
    ///   - access: The page's and the teacher's tokens and the host names served (`ExplorerAccess`).
    ///   - metrics: Where every request is counted and timed, served at `GET /metrics` with the
    ///     teacher's token (`ExplorerMetrics.bootstrap()`); nil: no metrics.
    /// - Throws: when the bundled pages cannot be read.
    public static func router(state: ExplorerState, shelf: ModelShelf = ModelShelf(), access: ExplorerAccess,
                              metrics: ExplorerMetrics? = nil) throws -> Router<BasicRequestContext> {
        let router = Router()
        // Outermost, so that it times every answer, refusals included, as the client gets it.
        if metrics != nil { router.add(middleware: MetricsMiddleware()) }
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: HostMiddleware(hosts: access.hosts))
        addPages(to: router, site: try SiteFiles.bundled())
        let groups = APIGroups(router: router, access: access)
        addModelRoutes(to: groups, state: state)
        addImageRoutes(to: groups, state: state)
        addTrainingRoutes(to: groups, state: state)
        addLearnRoutes(to: groups, state: state)
        addMyDigitsRoutes(to: groups, state: state, classroom: access.isClassroom)
        addLandscapeRoutes(to: groups)
        addComparisonRoutes(to: groups, state: state, shelf: shelf)
        addLessonRoutes(to: groups, state: state)
        addClassRoutes(to: groups, state: state)
        addPlaygroundRoutes(to: groups, state: state)
        if let metrics {
            groups.teach.get("/metrics") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: await metrics.scrape(state: state))))
            }
        }
        return router
    }

    /// The application: `router(state:access:)` served on `host`:`port` over HTTP/1.1, within `limits`.
    public static func application(
        state: ExplorerState, shelf: ModelShelf = ModelShelf(), host: String, port: Int, limits: ServerLimits = .standard, access: ExplorerAccess,
        metrics: ExplorerMetrics? = nil, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: limits.maximumHeaderBytes, maxHeaderListSize: limits.maximumHeaderBytes,
            maxHeaderFieldCount: limits.maximumHeaderCount)
        let http1 = HTTP1Channel.Configuration(
            idleTimeout: .seconds(Int64(limits.idleTimeoutSeconds)), httpDecoderConfiguration: decoder)
        return Application(
            router: try router(state: state, shelf: shelf, access: access, metrics: metrics),
            server: .http1(configuration: http1),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: "descent",
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maximumConnections)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) })
    }

    /// Runs a request's own computation (a prediction, a gradient, a step: light work, done where the
    /// request runs) with subnormals flushed, as `descent evaluate` and the executor's jobs compute, so
    /// that every route reads a model the same way.
    static func computed<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        try SubnormalFlushing.flushed(body)
    }

    static func addPages(to router: Router<BasicRequestContext>, site: SiteFiles) {
        for (name, file) in site.files {
            let response = Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "no-cache"],
                                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
            router.get(RouterPath(name)) { _, _ in response }
            if name == "index.html" { router.get("/") { _, _ in response } }
            // Browsers ask for /favicon.ico whatever the page links; the SVG answers it too.
            if name == "favicon.svg" { router.get("/favicon.ico") { _, _ in response } }
        }
    }

    // MARK: - The model and predictions

    static func addModelRoutes(to groups: APIGroups, state: ExplorerState) {
        groups.read.get("/api/model") { _, _ in
            try JSONResponse.make(try await ModelSummary(state: state))
        }
        groups.compute.post("/api/predict") { request, _ in
            // The model sees the drawing as its training images were prepared (deskewed if its metadata says so).
            // ?session=ID: the student's own copy (after its steps and fine-tunings) instead of the served model.
            let drawing = try await predictionInput(from: request, executor: state.executor)
            let model = try await ShownModel(session: sessionQuery(request), state: state)
            let input = try networkInput(drawing, preprocessing: model.preprocessing, network: model.network)
            let prediction = computed { model.network.prediction(for: input.values) }
            return PredictionResponse(prediction, input: input.bytes, version: model.version, shown: model.shown).response()
        }
    }

    /// The 784 input bytes of a predict request: JSON `{"pixels": [...]}` or a PNG drawing, which is
    /// prepared as `descent predict` prepares an image.
    static func predictionInput(from request: Request, executor: WorkExecutor) async throws -> [UInt8] {
        let contentType = request.headers[.contentType]
        try checkPredictionContentType(contentType)
        let body = try await JSONResponse.bodyBytes(of: request)
        if isPNG(contentType) { return try await drawingInput(body, executor: executor) }
        return try predictionInput(body: body, contentType: contentType)
    }

    /// A drawing of more pixels than this is decoded on the executor, not where light requests run.
    static let largeDrawingPixels = 512 * 512

    /// `drawingInput(_:)`, on `executor` for a drawing of over `largeDrawingPixels` pixels.
    static func drawingInput(_ bytes: [UInt8], executor: WorkExecutor) async throws -> [UInt8] {
        guard GrayImage.isPNG(bytes), bytes.count >= 24 else { throw APIError.badRequest("the body is not a PNG image") }
        func bigEndian(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        let (width, height) = (bigEndian(16), bigEndian(20))
        // Sides over the limit are refused by drawingInput, before their product could overflow.
        guard width <= maximumDrawingSide, height <= maximumDrawingSide, width * height > largeDrawingPixels else { return try drawingInput(bytes) }
        return try await executor.run { try drawingInput(bytes) }
    }

    /// The 784 input bytes of a predict request's `body`, sent with `contentType` (JSON when nil).
    ///
    /// Public as the seam the fuzzer (fuzz/Sources/FuzzPredict) drives: whatever the bytes, it returns
    /// 784 bytes or throws an `APIError` with a 4xx status, never anything else.
    /// - Throws: `APIError` (400, 413, 415 or 422) saying what was wrong.
    /// - Complexity: O(`body.count`), plus the PNG's pixels for a drawing.
    static func predictionInput(body bytes: [UInt8], contentType: String?) throws -> [UInt8] {
        try checkPredictionContentType(contentType)
        if isPNG(contentType) { return try drawingInput(bytes) }
        if let pixels = PixelsParser.pixels(in: bytes) { return try PredictRequest(pixels: pixels).validatedBytes() }
        let body = try JSONResponse.decode(PredictRequest.self, from: bytes, expected: "{\"pixels\": [784 numbers in 0...1]}")
        return try body.validatedBytes()
    }

    /// Refuses, before the body is read, a Content-Type that is neither JSON nor PNG, or none.
    static func checkPredictionContentType(_ contentType: String?) throws(APIError) {
        let type = contentType?.lowercased() ?? "missing"
        guard type.hasPrefix("image/png") || JSONResponse.isJSON(type) else {
            throw APIError(.unsupportedMediaType, "Content-Type is \(type.prefix(80)); send application/json {\"pixels\": [784 numbers]} or image/png")
        }
    }

    static func isPNG(_ contentType: String?) -> Bool {
        contentType?.lowercased().hasPrefix("image/png") ?? false
    }

    static func drawingInput(_ bytes: [UInt8]) throws -> [UInt8] {
        guard GrayImage.isPNG(bytes), bytes.count >= 24 else { throw APIError.badRequest("the body is not a PNG image") }
        func bigEndian(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        let (width, height) = (bigEndian(16), bigEndian(20))
        guard width <= maximumDrawingSide, height <= maximumDrawingSide else {
            throw APIError(.contentTooLarge, "the drawing is \(width)x\(height); at most \(maximumDrawingSide) pixels a side")
        }
        do {
            let image = try GrayImage(pngBytes: bytes, source: "the drawing")
            return try DigitPreparation.mnistInput(from: image, source: "the drawing")
        } catch {
            throw APIError(error.isNoInk ? .unprocessableContent : .badRequest, error.description)
        }
    }
}

extension ImageError {
    var isNoInk: Bool {
        if case .noInk = self { return true }
        return false
    }
}

/// The body of `POST /api/predict` as JSON.
struct PredictRequest: Decodable {
    let pixels: [Double]

    init(pixels: [Double]) {
        self.pixels = pixels
    }

    /// The pixels as bytes, after checking there are 784 finite numbers in 0...1.
    func validatedBytes() throws -> [UInt8] {
        guard pixels.count == 784 else { throw APIError.badRequest("pixels has \(pixels.count) numbers; expected 784 (28x28, row by row)") }
        for (index, value) in pixels.enumerated() where !(value >= 0 && value <= 1) {
            throw APIError.badRequest("pixels[\(index)] is \(value); expected a number in 0...1")
        }
        return pixels.map { UInt8(($0 * 255).rounded()) }
    }
}

/// The answer to `POST /api/predict`.
struct PredictionResponse: Encodable {
    /// The response, its JSON written directly (sorted keys, as `JSONResponse.make` writes them),
    /// without the encoder's cost on the busiest endpoint.
    func response() -> Response {
        guard outputs.allSatisfy(\.isFinite), activations.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            return JSONResponse.error(.internalServerError, "the network's outputs are not finite numbers")
        }
        var text: [UInt8] = []
        text.reserveCapacity(4096)
        func append(_ string: String) { text.append(contentsOf: string.utf8) }
        func list(_ values: [Double]) {
            text.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                append("\(value)")
            }
            text.append(UInt8(ascii: "]"))
        }
        append("{\"activations\":[")
        for (index, layer) in activations.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            list(layer)
        }
        append("],\"confidence\":\(confidence),\"digit\":\(digit),\"input\":[")
        for (index, byte) in input.enumerated() {  // 784 numbers 0...255, digit by digit
            if index > 0 { text.append(UInt8(ascii: ",")) }
            if byte >= 100 { text.append(0x30 + byte / 100) }
            if byte >= 10 { text.append(0x30 + byte / 10 % 10) }
            text.append(0x30 + byte % 10)
        }
        append("],\"model\":\"\(shown)\",\"modelVersion\":\(modelVersion),\"outputs\":")
        list(outputs)
        append("}")
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
    }

    let digit: Int
    let confidence: Double
    let outputs: [Double]
    /// Every layer's activations after the input, the output layer last.
    let activations: [[Double]]
    /// The 784 input bytes the network saw (0 background ... 255 ink), row by row.
    let input: [UInt8]
    let modelVersion: Int
    /// Which model answered: "served" (the one everyone sees) or "copy" (the page's own).
    let shown: String

    init(_ prediction: Prediction, input: [UInt8], version: Int, shown: String) {
        self.shown = shown
        digit = prediction.label
        confidence = prediction.confidence
        outputs = prediction.outputs
        activations = prediction.activations
        self.input = input
        modelVersion = version
    }
}

/// The answer to `GET /api/model`.
struct ModelSummary: Encodable {
    let sizes: [Int]
    let activations: [String]
    let cost: String
    let parameterCount: Int
    let metadata: [String: String]
    let version: Int
    let testAccuracy: Double
    let testCount: Int

    init(state: ExplorerState) async throws {
        let (snapshot, evaluation) = try await state.snapshotWithEvaluation()
        let model = snapshot.model
        sizes = model.network.sizes
        activations = model.network.layers.map(\.activation.rawValue)
        cost = model.network.cost.rawValue
        parameterCount = model.network.parameterCount
        metadata = model.metadata
        version = snapshot.version
        testAccuracy = evaluation.accuracy
        testCount = evaluation.total
    }
}
