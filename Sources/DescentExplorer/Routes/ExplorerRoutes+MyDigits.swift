import Foundation
import Hummingbird
import DescentDatasets
import DescentTraining

/// "My digits": a person's labelled drawings kept on the server, a gallery of them with the model's
/// accuracy on them, and fine-tuning on them. On a shared server each browser sees only its own,
/// told apart by a random id in a cookie (HttpOnly, SameSite=Strict).
extension ExplorerRoutes {
    /// The cookie that holds a browser's id on a shared server.
    static let browserCookie = "descent_browser"

    static func addMyDigitsRoutes(to groups: APIGroups, state: ExplorerState, classroom: Bool) {
        groups.read.get("/api/my-digits") { request, _ in
            let store = try myDigitsStore(state)
            let (browser, isNew) = await browser(of: request, store: store)
            var response = try JSONResponse.make(try await MyDigitsSummary(store: store, browser: browser, state: state))
            if isNew, let browser { response.setCookie(cookie(for: browser)) }
            return response
        }
        groups.change.post("/api/my-digits") { request, _ in
            let store = try myDigitsStore(state)
            let label = try digitLabel(request)
            let image = try await drawing(request, limits: store.limits)
            let (browser, isNew) = await browser(of: request, store: store)
            let digit = try await store.add(image, label: label, browser: browser)
            var response = try JSONResponse.make(digit, status: .created)
            if isNew, let browser { response.setCookie(cookie(for: browser)) }
            return response
        }
        // One parameter name for both routes: the router keys a path's parameter by its first name.
        groups.read.get("/api/my-digits/:id") { request, context in
            let store = try myDigitsStore(state)
            let name = context.parameters.get("id") ?? ""
            guard name.hasSuffix(".png") else { throw APIError.notFound("no such picture: \(name); ask for /api/my-digits/<id>.png") }
            let (browser, _) = await browser(of: request, store: store)
            let bytes = try await store.png(of: String(name.dropLast(4)), browser: browser)
            return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, no-cache"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        groups.change.delete("/api/my-digits/:id") { request, context in
            let store = try myDigitsStore(state)
            let id = context.parameters.get("id") ?? ""
            let (browser, _) = await browser(of: request, store: store)
            try await store.remove(id, browser: browser)
            return try JSONResponse.make(["deleted": id])
        }
        groups.change.post("/api/fine-tune") { request, _ in
            let store = try myDigitsStore(state)
            let bytes = try await JSONResponse.bodyBytes(of: request)
            if !bytes.isEmpty { try JSONResponse.checkJSONContentType(request.headers[.contentType]) }
            let body = bytes.isEmpty ? FineTuneRequest()
                : try JSONResponse.decode(FineTuneRequest.self, from: bytes, expected: "a fine-tuning request such as {\"epochs\": 1}")
            let options = try body.options()
            let (browser, _) = await browser(of: request, store: store)
            guard let pictures = try await store.images(of: browser) else {
                throw APIError(.unprocessableContent, "you have no digits to fine-tune on yet; draw some and add them to your digits first")
            }
            // A classroom: the student's own copy (the Learn panel's, or a new one), never the class's model.
            let status = try await state.startFineTuning(on: .init(folder: pictures.folder), options: options, target: classroom ? .copy(body.session, owner: browser) : .served)
            return try JSONResponse.make(status, status: .accepted)
        }
    }

    /// The store, or a 404 when this server keeps no digits.
    static func myDigitsStore(_ state: ExplorerState) throws -> MyDigitsStore {
        guard let store = state.myDigits else { throw APIError.notFound("this server keeps no digits (it was started without a my-digits folder)") }
        return store
    }

    /// The browser's id from its cookie, or a new one (`isNew`) when it has none; nil on loopback,
    /// where there is one collection.
    static func browser(of request: Request, store: MyDigitsStore) async -> (id: String?, isNew: Bool) {
        guard store.isPerBrowser else { return (nil, false) }
        if let value = request.cookies[browserCookie]?.value, MyDigitsStore.isBrowserID(value) { return (value, false) }
        return (await store.newBrowserID(), true)
    }

    /// The cookie that gives a browser its id for a year: HttpOnly (no script reads it), SameSite=Strict
    /// (no other site's page sends it).
    static func cookie(for browser: String) -> Cookie {
        Cookie(name: browserCookie, value: browser, maxAge: 365 * 24 * 3600, path: "/", httpOnly: true, sameSite: .strict)
    }

    /// `?label=N`, a digit 0...9.
    static func digitLabel(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("label") else {
            throw APIError.badRequest("say which digit the drawing is: POST /api/my-digits?label=N with N from 0 to 9")
        }
        guard let label = Int(text), (0...9).contains(label), text.count == 1 else {
            throw APIError.badRequest("label \"\(text)\" is not allowed; expected a digit 0 to 9")
        }
        return label
    }

    /// The drawing in the body: a PNG of at most `limits.imageBytes` and `limits.imageSide` a side, with ink.
    static func drawing(_ request: Request, limits: MyDigitsLimits) async throws -> GrayImage {
        guard isPNG(request.headers[.contentType]) else {
            throw APIError(.unsupportedMediaType, "send the drawing as Content-Type: image/png")
        }
        let bytes: [UInt8]
        do {
            bytes = Array(try await request.body.collect(upTo: limits.imageBytes).readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "the drawing is over \(limits.imageBytes / 1024) KB, the most one digit may take")
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            throw APIError.badRequest("the request body could not be read: \(error)")
        }
        guard GrayImage.isPNG(bytes), bytes.count >= 24 else { throw APIError.badRequest("the body is not a PNG image") }
        func bigEndian(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        let (width, height) = (bigEndian(16), bigEndian(20))
        guard width <= limits.imageSide, height <= limits.imageSide else {
            throw APIError(.contentTooLarge, "the drawing is \(width)x\(height); at most \(limits.imageSide) pixels a side")
        }
        do {
            let image = try GrayImage(pngBytes: bytes, source: "the drawing")
            _ = try DigitPreparation.mnistInput(from: image, mode: .automatic, source: "the drawing")  // it has ink
            return image
        } catch {
            throw APIError(error.isNoInk ? .unprocessableContent : .badRequest, error.description)
        }
    }
}

/// The body of `POST /api/fine-tune` (every key optional).
struct FineTuneRequest: Decodable, Sendable {
    var epochs: Int?
    var share: Double?
    var learningRate: Double?
    /// On a classroom server, the student's copy to fine-tune (`session` of `/api/step`); nil: a new copy.
    var session: String?

    /// The most epochs a fine-tuning may take.
    static let maximumEpochs = 10

    /// The options, checked.
    /// - Throws: `APIError` (400) naming the value that is not allowed.
    func options() throws -> ExplorerState.FineTuneOptions {
        var options = ExplorerState.FineTuneOptions()
        if let epochs {
            guard (1...Self.maximumEpochs).contains(epochs) else {
                throw APIError.badRequest("epochs \(epochs) is not allowed; expected 1 to \(Self.maximumEpochs)")
            }
            options.epochs = epochs
        }
        if let share {
            guard share > 0 && share < 1 else { throw APIError.badRequest("share \(share) is not allowed; expected a fraction above 0 and below 1") }
            options.share = share
        }
        if let learningRate {
            guard learningRate > 0 && learningRate.isFinite else {
                throw APIError.badRequest("learningRate \(learningRate) is not allowed; expected a positive number")
            }
            options.learningRate = learningRate
        }
        return options
    }
}

/// The answer to `GET /api/my-digits`: the digits, and how the model in use reads them.
struct MyDigitsSummary: Encodable {
    struct Entry: Encodable {
        let id: String
        let label: Int
        /// What the model in use reads.
        let predicted: Int?
    }

    let digits: [Entry]
    /// How many of them the model could read (a file removed meanwhile is not counted).
    let count: Int
    /// The most digits this browser may keep.
    let limit: Int
    /// The share the model in use reads right; nil when there are none.
    let accuracy: Double?
    let correct: Int
    let modelVersion: Int
    /// Whether each browser has digits of its own (a shared server).
    let perBrowser: Bool

    /// The summary of `browser`'s digits as the model in use reads them: each file read and predicted
    /// once per model (`DigitPredictions`), not on every request.
    init(store: MyDigitsStore, browser: String?, state: ExplorerState) async throws {
        let snapshot = await state.snapshot()
        let listed = await store.digits(of: browser)
        var entries: [Entry] = []
        for digit in listed {
            let predicted = try await Self.prediction(of: digit, browser: browser, store: store, state: state, snapshot: snapshot)
            entries.append(Entry(id: digit.id, label: digit.label, predicted: predicted))
        }
        let read = entries.filter { $0.predicted != nil }
        digits = entries
        count = read.count
        limit = store.isPerBrowser ? store.limits.perBrowser : store.limits.total
        correct = read.filter { $0.predicted == $0.label }.count
        accuracy = read.isEmpty ? nil : Double(correct) / Double(read.count)
        modelVersion = snapshot.version
        perBrowser = store.isPerBrowser
    }

    /// What `snapshot`'s model reads in `digit`: from the cache, or read from its file and kept; nil
    /// when its file is gone or cannot be read as a digit.
    static func prediction(of digit: MyDigit, browser: String?, store: MyDigitsStore, state: ExplorerState,
                           snapshot: ModelSnapshot) async throws -> Int? {
        guard let file = store.file(of: digit.id, browser: browser) else { return nil }
        if let cached = await state.digitPredictions.prediction(file: file, version: snapshot.version) { return cached }
        guard let bytes = try? await store.png(of: digit.id, browser: browser),
              let image = try? GrayImage(bytes: bytes, source: file),
              let input = try? DigitPreparation.mnistInput(from: image, mode: .automatic, source: file),
              let prepared = try? ExplorerRoutes.networkInput(input, preprocessing: snapshot.preprocessing, network: snapshot.network)
        else { return nil }
        let predicted = ExplorerRoutes.computed { snapshot.network.prediction(for: prepared.values).label }
        await state.digitPredictions.keep(predicted, file: file, version: snapshot.version)
        return predicted
    }
}

/// What the model in use read in each digit's file, kept by file name for one model version: the
/// files are written once under random names and never changed, so a name and a version say it all.
/// Bounded: a new version drops every entry, and beyond `maximumEntries` the cache starts again.
actor DigitPredictions {
    static let maximumEntries = 20_000
    private var version = 0
    private var predictions: [String: Int] = [:]

    func prediction(file: String, version wanted: Int) -> Int? {
        wanted == version ? predictions[file] : nil
    }

    func keep(_ predicted: Int, file: String, version computed: Int) {
        if computed != version { (version, predictions) = (computed, [:]) }
        if predictions.count >= Self.maximumEntries { predictions = [:] }
        predictions[file] = predicted
    }
}
