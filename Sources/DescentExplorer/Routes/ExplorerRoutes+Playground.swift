import DescentDatasets
import DescentNetwork
import DescentTraining
import Foundation
import Hummingbird

/// The Playground page: TensorFlow Playground's picture of a small network learning 2-D points, on
/// the library's point sets, trainer and grid evaluation. Each page trains a copy of its own
/// (`PlaygroundCopies`) on the executor, a slice at a time, and gets a binary frame back (`DPF1`).
///
/// - `POST /api/playground` (change): a setup, new or again: the data (a drawn set) and the network.
/// - `POST /api/playground/csv?session=&labelColumn=&testShare=&seed=` (change): a CSV of the
///   person's own, `text/csv`, at most 2 MB and 100,000 rows.
/// - `POST /api/playground/point` (change): a point clicked onto the map (the run starts again).
/// - `POST /api/playground/train` (change): train for some milliseconds or steps, or reset; a frame.
/// - `GET /api/playground/model?session=` (read): the model as safetensors.
/// - `GET /api/playground/data?session=&split=` (read): the points as CSV, as the network reads them.
/// - `GET /api/playground/limits` (read): the limits and the shapes.
extension ExplorerRoutes {
    static func addPlaygroundRoutes(to groups: APIGroups, state: ExplorerState) {
        let limits = PlaygroundLimits.standard
        let classroom = groups.classroom
        groups.read.get("/api/playground/limits") { _, _ in
            try JSONResponse.make(PlaygroundLimitsResponse(limits: limits))
        }
        groups.change.post("/api/playground") { request, _ in
            let body = try await JSONResponse.decode(PlaygroundSetupRequest.self, from: request, expected: PlaygroundSetupRequest.expected)
            try body.validate(limits)
            return try await playgroundSetup(request, state: state, classroom: classroom, session: body.session) { old in
                let data = try body.data.map(PlaygroundData.drawn) ?? old?.data
                    ?? PlaygroundData.drawn(PlaygroundDataRequest(recipe: PointSetRecipe(shape: .spirals), testShare: 0.3))
                let axes = try body.axisIndices(in: data.columnNames)
                // Only the map changes (its columns, its cells): the run goes on where it stood.
                var wanted = body.network
                if data.width != 2 { wanted.features = .coordinates }
                if var kept = old, body.data == nil, kept.network == wanted {
                    kept.grid = body.grid
                    if let axes { kept.axes = axes }
                    return kept
                }
                var copy = try PlaygroundCopy(data: data, network: body.network, grid: body.grid)
                if let axes { copy.axes = axes } else if data.width == old?.data.width, let old { copy.axes = old.axes }
                return copy
            }
        }
        groups.change.post("/api/playground/csv") { request, _ in
            let query = try PlaygroundCSVQuery(request.uri.queryParameters, limits: limits)
            let bytes = try await playgroundCSVBody(request, limits: limits)
            let data = try PlaygroundData.uploaded(bytes, query: query, limits: limits)
            return try await playgroundSetup(request, state: state, classroom: classroom, session: query.session) { old in
                var network = old?.network ?? PlaygroundNetwork()
                if data.width != 2 { network.features = .coordinates }
                return try PlaygroundCopy(data: data, network: network, grid: old?.grid ?? 100)
            }
        }
        groups.change.post("/api/playground/point") { request, _ in
            let body = try await JSONResponse.decode(PlaygroundPointRequest.self, from: request, expected: PlaygroundPointRequest.expected)
            return try await playgroundSetup(request, state: state, classroom: classroom, session: body.session) { old in
                guard let old else { throw APIError.badRequest("session is missing") }
                return try PlaygroundCopy(data: try old.data.adding(x: body.x, y: body.y, label: body.label, limits: limits), network: old.network, grid: old.grid)
            }
        }
        groups.change.post("/api/playground/train") { request, _ in
            let body = try await JSONResponse.decode(PlaygroundTrainRequest.self, from: request, expected: PlaygroundTrainRequest.expected)
            try body.validate(limits)
            let executor = state.executor
            let (_, frame) = try await state.playgrounds.change(body.session, fresh: nil, owner: nil) { id, copy in
                let before = copy
                let (after, frame) = try await executor.run { () throws -> (PlaygroundCopy, Response) in
                    var copy = before
                    if body.reset { try copy.reset() }
                    if body.milliseconds != nil || body.steps != nil { try copy.train(milliseconds: body.milliseconds, steps: body.steps) }
                    let frame = try copy.frame(session: id, includingPoints: body.points, fullCurve: body.reset || body.points)
                    return (copy, try frame.response())
                }
                copy = after
                return frame
            }
            return frame
        }
        groups.read.get("/api/playground/model") { request, _ in
            let copy = try await state.playgrounds.copy(try playgroundSession(request))
            let bytes = try await state.executor.run { copy.model.encoded() }
            return Response(status: .ok, headers: [.contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"playground.safetensors\"",
                                                   .cacheControl: "no-store"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        groups.read.get("/api/playground/data") { request, _ in
            let copy = try await state.playgrounds.copy(try playgroundSession(request))
            let split = request.uri.queryParameters.get("split") ?? "test"
            guard ["test", "training", "all"].contains(split) else {
                throw APIError.badRequest("split is \"\(split.prefix(20))\"; expected test, training or all")
            }
            let text = try await state.executor.run { copy.csv(split: split) }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"playground-\(split).csv\"",
                                                   .cacheControl: "no-store"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }

    static func playgroundSession(_ request: Request) throws -> String {
        guard let id = request.uri.queryParameters.get("session"), !id.isEmpty else {
            throw APIError.badRequest("session is missing; add ?session=<id> (the id POST /api/playground answered)")
        }
        return id
    }

    /// Sets a copy up (new when `session` is nil) with `make`, given the copy as it was, on the
    /// executor, and answers its first frame with the points.
    static func playgroundSetup(_ request: Request, state: ExplorerState, classroom: Bool, session: String?,
                                _ make: @escaping @Sendable (PlaygroundCopy?) throws -> PlaygroundCopy) async throws -> Response {
        let executor = state.executor
        var owner: String?, cookie: Cookie?
        var fresh: PlaygroundCopy?
        if session == nil {
            (owner, cookie) = await copyOwner(of: request, classroom: classroom, state: state)
            fresh = try await executor.run { try make(nil) }
        }
        let (_, frame) = try await state.playgrounds.change(session, fresh: fresh, owner: owner) { id, copy in
            let before = copy
            let isNew = session == nil
            let (after, frame) = try await executor.run { () throws -> (PlaygroundCopy, Response) in
                var copy = isNew ? before : try make(before)
                if !isNew { copy.setup = before.setup + 1 }
                let frame = try copy.frame(session: id, includingPoints: true, fullCurve: true)
                return (copy, try frame.response())
            }
            copy = after
            return frame
        }
        var response = frame
        if let cookie { response.setCookie(cookie) }
        return response
    }

    /// The body of a CSV upload: `text/csv` (or `text/plain`, or `application/octet-stream`), at most `limits.maximumCSVBytes`.
    static func playgroundCSVBody(_ request: Request, limits: PlaygroundLimits) async throws -> [UInt8] {
        let type = request.headers[.contentType]?.lowercased() ?? "missing"
        guard type.hasPrefix("text/csv") || type.hasPrefix("application/octet-stream") else {
            throw APIError(.unsupportedMediaType, "Content-Type is \(type.prefix(80)); send the file as text/csv")
        }
        do {
            let buffer = try await request.body.collect(upTo: limits.maximumCSVBytes)
            return Array(buffer.readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "the CSV is over \(limits.maximumCSVBytes / (1 << 20)) MB, the most a Playground takes")
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            throw APIError.badRequest("the request body could not be read: \(error)")
        }
    }
}

/// The query of `POST /api/playground/csv`.
struct PlaygroundCSVQuery: Sendable {
    var session: String?
    var labelColumn: String
    var testShare: Double
    var seed: UInt64
    var name: String

    init(_ query: Parameters, limits: PlaygroundLimits) throws(APIError) {
        let session: String? = query.get("session")
        self.session = session?.isEmpty == false ? session : nil
        labelColumn = query.get("labelColumn") ?? "label"
        guard !labelColumn.isEmpty, labelColumn.count <= 100 else { throw APIError.badRequest("labelColumn is empty or longer than 100 characters") }
        if let text = query.get("testShare") {
            guard let share = Double(text) else { throw APIError.badRequest("testShare is \"\(text.prefix(20))\"; expected a number") }
            testShare = share
        } else {
            testShare = 0.3
        }
        try PlaygroundSetupRequest.checkTestShare(testShare, limits)
        if let text = query.get("seed") {
            guard let seed = UInt64(text) else { throw APIError.badRequest("seed is \"\(text.prefix(30))\"; expected an integer 0 or more") }
            self.seed = seed
        } else {
            seed = 0
        }
        name = String((query.get("name") ?? "upload.csv").prefix(80).filter { $0.isLetter || $0.isNumber || "._- ".contains($0) })
    }
}

/// The answer to `GET /api/playground/limits`.
struct PlaygroundLimitsResponse: Encodable {
    let limits: PlaygroundLimits
    /// Each drawn shape with its numbers of classes.
    let shapes: [Shape]
    let activations: [String]
    let optimizers: [String]
    let features: [String]

    struct Shape: Encodable {
        let name: String
        let minimumClasses: Int
        let maximumClasses: Int
    }

    init(limits: PlaygroundLimits) {
        self.limits = limits
        shapes = PointShape.allCases.filter { !$0.isRegression }.map { Shape(name: $0.rawValue, minimumClasses: $0.classRange.lowerBound, maximumClasses: $0.classRange.upperBound) }
        activations = Activation.hidden.map(\.rawValue)
        optimizers = TrainingConfiguration.OptimizerKind.allCases.map(\.rawValue)
        features = DerivedFeatures.allNames
    }
}
