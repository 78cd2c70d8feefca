import DescentDatasets
import DescentExperiments
import DescentNetwork
import Hummingbird

/// The Draw page's Learn panel: the nudges one labelled example asks for (`POST /api/gradient`), and
/// steps of gradient descent on it taken by a copy of the model that belongs to the page
/// (`POST /api/step`, `/api/step/undo`, `/api/step/reset`). The math is the library's
/// (`ExampleNudges`, `LearningCopy`); these routes only read requests and write answers.
extension ExplorerRoutes {
    /// The most first-layer neurons whose weight nudges `/api/gradient` draws.
    static let maximumNudgePictures = 32
    /// The number of largest gradient components `/api/gradient` lists.
    static let largestComponentCount = 10

    static func addLearnRoutes(to groups: APIGroups, state: ExplorerState) {
        groups.compute.post("/api/gradient") { request, _ in
            let body = try await JSONResponse.decode(LearnRequest.self, from: request, expected: LearnRequest.expected)
            let bytes = try await body.inputBytes(executor: state.executor)
            let snapshot = await state.snapshot()
            var (network, preprocessing) = (snapshot.network, snapshot.preprocessing)
            var session: SessionSummary?
            if let id = body.session {
                // The page's copy, after its steps, instead of the served model.
                let entry = try await state.learningCopies.entry(id)
                (network, preprocessing) = (entry.copy.network, entry.preprocessing)
                session = SessionSummary(id: id, entry, servedVersion: snapshot.version)
            }
            let input = try networkInput(bytes, preprocessing: preprocessing, network: network)
            let label = try body.validatedLabel(classes: network.outputCount)
            return try computed {
                let nudges = ExampleNudges(network: network, input: input.values, label: label)
                return try GradientResponse(nudges, network: network, input: input.bytes, modelVersion: snapshot.version, session: session)
            }.response()
        }
        let classroom = groups.classroom
        groups.change.post("/api/step") { request, _ in try await stepResponse(request, state: state, action: .step, classroom: classroom) }
        groups.change.post("/api/step/undo") { request, _ in try await stepResponse(request, state: state, action: .undo, classroom: classroom) }
        groups.change.post("/api/step/reset") { request, _ in try await stepResponse(request, state: state, action: .reset, classroom: classroom) }
    }

    /// The browser a new copy belongs to on a shared server: its cookie's id, or a new id and the
    /// cookie that gives it (`Set-Cookie` on the answer). On loopback, nobody: one person uses it.
    static func copyOwner(of request: Request, classroom: Bool, state: ExplorerState) async -> (owner: String?, cookie: Cookie?) {
        guard classroom else { return (nil, nil) }
        if let value = request.cookies[browserCookie]?.value, MyDigitsStore.isBrowserID(value) { return (value, nil) }
        let id = await state.learningCopies.newOwnerID()
        return (id, cookie(for: id))
    }

    enum StepAction: Sendable { case step, undo, reset }

    /// A step, an undo or a reset of the page's copy, answered with the example's state before and after.
    static func stepResponse(_ request: Request, state: ExplorerState, action: StepAction, classroom: Bool) async throws -> Response {
        let body = try await JSONResponse.decode(LearnRequest.self, from: request, expected: LearnRequest.expected)
        let bytes = try await body.inputBytes(executor: state.executor)
        let learningRate = action == .step ? try body.validatedLearningRate() : 0
        if action != .step, body.session == nil {
            throw APIError.badRequest("session is missing; undo and reset work on the copy that /api/step made")
        }
        let snapshot = await state.snapshot()
        let label = body.label
        let (owner, cookie) = body.session == nil ? await copyOwner(of: request, classroom: classroom, state: state) : (nil, nil)
        let (id, entry, outcome) = try await state.learningCopies.change(body.session, orCopyOf: snapshot, owner: owner) { entry in
            try computed { () throws -> StepOutcome in
                try stepOutcome(&entry, action: action, bytes: bytes, label: label, learningRate: learningRate, snapshot: snapshot)
            }
        }
        var response = try JSONResponse.make(StepResponse(session: SessionSummary(id: id, entry, servedVersion: snapshot.version),
                                                          outcome: outcome, modelVersion: snapshot.version))
        if let cookie { response.setCookie(cookie) }
        return response
    }

    /// A step, an undo or a reset of `entry`, with the example's state before and after.
    static func stepOutcome(_ entry: inout LearningCopies.Entry, action: StepAction, bytes: [UInt8], label: Int, learningRate: Float,
                            snapshot: ModelSnapshot) throws -> StepOutcome {
        let before = try ExampleState(entry, bytes: bytes, label: label)
        var taken: LearningCopy.Step?
        switch action {
        case .step:
            do throws(LearningCopyError) {
                taken = try entry.copy.step(on: before.input, label: before.label, learningRate: learningRate)
            } catch {
                throw APIError(.unprocessableContent, "learningRate: \(error.description)")
            }
        case .undo:
            guard let step = entry.copy.undo() else { throw APIError(.conflict, "there is no step to undo (a copy keeps its last \(LearningCopies.undoLimit))") }
            taken = step
        case .reset:
            entry.copy.reset(to: snapshot.network)
            entry.fineTunes = 0
            (entry.baseVersion, entry.preprocessing) = (snapshot.version, snapshot.preprocessing)
        }
        let after = try ExampleState(entry, bytes: bytes, label: label)
        return StepOutcome(before: before, after: after, step: taken.map(StepSummary.init))
    }

    /// An example's bytes as `network` reads them: through its model's preprocessing, then scaled to 0...1.
    /// - Returns: The bytes the network sees and its input numbers.
    /// - Throws: `APIError` (409) when the network takes another number of inputs.
    static func networkInput(_ bytes: [UInt8], preprocessing: Preprocessing, network: Network<Float>) throws -> (bytes: [UInt8], values: [Float]) {
        let prepared = preprocessing.apply(to: bytes)
        guard network.inputCount == prepared.count else {
            throw APIError(.conflict, "the model takes \(network.inputCount) inputs, not \(prepared.count)")
        }
        return (prepared, prepared.map { Float($0) / 255 })
    }
}

/// A copy as its page sees it.
struct SessionSummary: Encodable {
    /// The id to send back as `session`.
    let id: String
    /// Steps taken since the copy was made or reset.
    let steps: Int
    /// How many of them can be undone.
    let undoable: Int
    /// The served model's version the copy was made from or last reset to.
    let baseVersion: Int
    /// Whether the served model has been replaced since (a training finished): reset to learn on it.
    let outdated: Bool
    /// How many fine-tunings on the student's digits the copy has had since it was made or reset.
    let fineTunes: Int
    /// The steps that can be undone, oldest first.
    let history: [StepSummary]

    init(id: String, _ entry: LearningCopies.Entry, servedVersion: Int) {
        self.id = id
        steps = entry.copy.stepCount
        undoable = entry.copy.steps.count
        baseVersion = entry.baseVersion
        outdated = entry.baseVersion != servedVersion
        fineTunes = entry.fineTunes
        history = entry.copy.steps.map(StepSummary.init)
    }
}

/// One step, without its example.
struct StepSummary: Encodable {
    let label: Int
    let learningRate: Float
    let costBefore: Float
    let costAfter: Float

    init(_ step: LearningCopy.Step) {
        (label, learningRate, costBefore, costAfter) = (step.label, step.learningRate, step.costBefore, step.costAfter)
    }
}

/// The example through a copy's network: its cost and every activation.
struct ExampleState: Encodable {
    let label: Int
    let cost: Float
    let digit: Int
    let outputs: [Float]
    /// Every layer's activations after the input, the outputs last.
    let activations: [[Float]]
    /// The numbers the network read (not sent: the answer carries the bytes once).
    let input: [Float]

    private enum CodingKeys: String, CodingKey { case label, cost, digit, outputs, activations }

    /// - Throws: `APIError` (409, 400) as `networkInput` and `validatedLabel`; (422) when the copy's
    ///   numbers for this example are not finite.
    init(_ entry: LearningCopies.Entry, bytes: [UInt8], label: Int) throws {
        let network = entry.copy.network
        input = try ExplorerRoutes.networkInput(bytes, preprocessing: entry.preprocessing, network: network).values
        guard (0..<network.outputCount).contains(label) else {
            throw APIError.badRequest("label is \(label); expected an integer in 0..<\(network.outputCount), one of the network's classes")
        }
        let example = network.exampleGradient(for: input, label: label)
        guard example.cost.isFinite, example.activations.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw APIError(.unprocessableContent, "the copy's outputs for this example are not finite numbers; reset the copy")
        }
        self.label = label
        cost = example.cost
        digit = example.predictedClass
        activations = example.activations
        outputs = example.activations[example.activations.count - 1]
    }
}

struct StepOutcome: Sendable {
    let before: ExampleState
    let after: ExampleState
    /// The step taken, or taken back; nil for a reset.
    let step: StepSummary?
}

/// The answer to `POST /api/step`, `/api/step/undo` and `/api/step/reset`.
struct StepResponse: Encodable {
    let session: SessionSummary
    /// The example through the copy before and after.
    let before: ExampleState
    let after: ExampleState
    /// after.cost − before.cost.
    let costChange: Float
    let step: StepSummary?
    /// The served model's version now.
    let modelVersion: Int

    init(session: SessionSummary, outcome: StepOutcome, modelVersion: Int) {
        self.session = session
        (before, after, step) = (outcome.before, outcome.after, outcome.step)
        costChange = outcome.after.cost - outcome.before.cost
        self.modelVersion = modelVersion
    }
}
