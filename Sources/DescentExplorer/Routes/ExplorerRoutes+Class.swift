import DescentDatasets
import DescentFileIO
import DescentLinearAlgebra
import DescentNetwork
import DescentTraining
import Foundation
import Hummingbird
import ServiceLifecycle
import ZIPFoundation

/// A class learning together: the teacher leads the Lesson (`/api/class/pace`, followed by every page
/// over `/api/class/events`), the students' own handwriting pools into the class set
/// (`/api/class/digits`), the teacher fine-tunes a copy of the model on it and chooses whether the
/// class's model takes it, and sees the class at a glance (`GET /api/class`). The class's state is the
/// library-free `Classroom`; the training is the library's, through the explorer's queue.
extension ExplorerRoutes {
    /// How often an idle event stream is sent a comment, so that neither the server's idle timeout nor a
    /// proxy closes it, and a page gone away is noticed (its write fails) within as long.
    static let classHeartbeatSeconds = 5

    static func addClassRoutes(to groups: APIGroups, state: ExplorerState) {
        let classroom = state.classroom
        groups.read.get("/api/class/events") { request, _ in
            let browser = request.cookies[browserCookie].map(\.value).flatMap { MyDigitsStore.isBrowserID($0) ? $0 : nil }
            let events = await classroom.subscribe(browser: browser)
            let body = ResponseBody { writer in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    let (lines, continuation) = AsyncStream<String>.makeStream()
                    group.addTask {
                        for await event in events { continuation.yield(event.serverSentEvent) }
                        continuation.finish()
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            try await Task.sleep(for: .seconds(classHeartbeatSeconds))
                            continuation.yield(": still here\n\n")
                        }
                    }
                    // A stream never ends by itself: it ends when the page goes, or when the server shuts down.
                    for await line in lines.cancelOnGracefulShutdown() { try await writer.write(ByteBuffer(string: line)) }
                    group.cancelAll()
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
        }
        groups.read.get("/api/class/pace") { _, _ in
            try JSONResponse.make(await classroom.pace)
        }
        groups.teach.post("/api/class/pace") { request, _ in
            let body = try await JSONResponse.decode(PaceRequest.self, from: request,
                                                     expected: "{\"chapter\": 5} or {\"paused\": true, \"message\": \"eyes on the board\"}")
            guard body.chapter != nil || body.paused != nil else {
                throw APIError.badRequest("say where the class goes: chapter (1 to 10), paused (true or false), or both")
            }
            if let chapter = body.chapter { try await classroom.lead(to: chapter) }
            if let paused = body.paused { await classroom.pause(paused, message: body.message) }
            return try JSONResponse.make(await classroom.pace)
        }
        groups.change.post("/api/class/presence") { request, _ in
            let body = try await JSONResponse.decode(PresenceRequest.self, from: request, expected: "{\"chapter\": 3}")
            let (browser, cookie) = await browserIdentity(of: request, state: state)
            try await classroom.report(browser: browser, chapter: body.chapter)
            var response = try JSONResponse.make(await classroom.pace)
            if let cookie { response.setCookie(cookie) }
            return response
        }
        groups.change.post("/api/class/digits") { request, _ in
            let body = try await JSONResponse.decode(LearnRequest.self, from: request, expected: "{\"pixels\": [784 numbers in 0...1], \"label\": 3}")
            let bytes = try await body.inputBytes(executor: state.executor)
            let (browser, cookie) = await browserIdentity(of: request, state: state)
            if await classroom.paused {
                throw APIError(HTTPResponse.Status(code: 423, reasonPhrase: "Locked"), "the teacher has paused the class: \(await classroom.pauseMessage)")
            }
            let digit = try await classroom.addDigit(bytes, label: body.label, browser: browser)
            var response = try JSONResponse.make(["id": digit.id, "label": digit.label, "count": await classroom.digits.count], status: .created)
            if let cookie { response.setCookie(cookie) }
            return response
        }
        groups.read.get("/api/class/digits") { _, _ in
            try JSONResponse.make(try await ClassSetSummary(state: state))
        }
        groups.read.get("/api/class/digits/pixels") { _, _ in
            // Every digit's 784 bytes, in the order of GET /api/class/digits: a UInt32 count, then the rows.
            let images = await classroom.images()
            var buffer = ByteBuffer()
            buffer.writeInteger(UInt32(images.count), endianness: .little)
            buffer.writeBytes(images.pixels)
            return Response(status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: "no-cache"],
                            body: ResponseBody(byteBuffer: buffer))
        }
        groups.teach.delete("/api/class/digits") { _, _ in
            try JSONResponse.make(["deleted": try await classroom.clearDigits()])
        }
        groups.teach.get("/api/class") { _, _ in
            let pace = await classroom.pace
            return try JSONResponse.make(ClassDashboard(
                pace: pace, connectedPages: await classroom.connectedPages, students: await classroom.students(),
                classSetCount: await classroom.digits.count, folder: classroom.folder != nil,
                fineTune: await classroom.fineTune.map { ["job": $0.job] }))
        }
        groups.teach.get("/api/class/export.zip") { _, _ in
            let digits = await classroom.digits
            let zip = try await state.executor.run { try classSetZip(digits) }
            return Response(status: .ok, headers: [.contentType: "application/zip", .contentDisposition: "attachment; filename=\"class-digits.zip\"",
                                                   .cacheControl: "no-store"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: zip)))
        }
        groups.teach.post("/api/class/fine-tune") { request, _ in
            let bytes = try await JSONResponse.bodyBytes(of: request)
            if !bytes.isEmpty { try JSONResponse.checkJSONContentType(request.headers[.contentType]) }
            let body = bytes.isEmpty ? ClassFineTuneRequest()
                : try JSONResponse.decode(ClassFineTuneRequest.self, from: bytes, expected: "{\"epochs\": 1, \"heldOut\": 0.25, \"seed\": 0}")
            let split = try await classSplit(classroom.images(), heldOut: body.heldOut ?? 0.25, seed: body.seed ?? 0)
            var options = ExplorerState.FineTuneOptions()
            options.epochs = try LessonRequest.checked(body.epochs, "epochs", in: 1...10, default: 1)
            let digits = ExplorerState.FineTuneDigits(training: split.training, measured: split.heldOut, name: "class set",
                                                      identity: SHA256.hex(SHA256.hash(split.training.pixels + split.training.labels)))
            let status = try await state.startFineTuning(on: digits, options: options, target: .copy(nil, owner: nil))
            guard let session = status.session else { throw APIError(.internalServerError, "the class's fine-tuning has no copy") }
            await classroom.setFineTune(job: status.id, session: session)
            Task { await announceClassFineTune(job: status.id, state: state) }
            return try JSONResponse.make(status, status: .accepted)
        }
        groups.teach.post("/api/class/adopt") { _, _ in
            // The served model takes the class's fine-tuned copy: the teacher's choice, never automatic.
            guard let fineTune = await classroom.fineTune else {
                throw APIError(.conflict, "no fine-tuning on the class set has been run; POST /api/class/fine-tune first")
            }
            guard let status = await state.trainingStatus(id: fineTune.job), status.state == .finished else {
                throw APIError(.conflict, "the fine-tuning on the class set has not finished")
            }
            let entry = try await state.learningCopies.entry(fineTune.session)
            let version = await state.adopt(entry.copy.network, note: "fine-tuned on the class set")
            await classroom.publish(.pace(await classroom.pace))
            return try JSONResponse.make(["version": version])
        }
    }

    /// The browser a request comes from: its cookie's id, or a new one with the cookie that gives it.
    static func browserIdentity(of request: Request, state: ExplorerState) async -> (id: String, cookie: Cookie?) {
        if let value = request.cookies[browserCookie]?.value, MyDigitsStore.isBrowserID(value) { return (value, nil) }
        let id = await state.learningCopies.newOwnerID()
        return (id, cookie(for: id))
    }

    /// The class set split, the same way for the same seed, into the digits learned from and those
    /// held out to measure on.
    /// - Throws: `APIError` (400) for a share outside 0.05...0.9, (409) with fewer than 10 digits.
    static func classSplit(_ images: LabeledImages, heldOut share: Double, seed: UInt64) throws -> (training: LabeledImages, heldOut: LabeledImages) {
        guard share.isFinite, (0.05...0.9).contains(share) else { throw APIError.badRequest("heldOut is \(share); expected a share in 0.05...0.9") }
        guard images.count >= 10 else {
            throw APIError(.conflict, "the class set holds \(images.count) digits; fine-tuning needs at least 10, some to learn from and some to measure on")
        }
        var generator = SplitMix64(seed: seed)
        var order = Array(0..<images.count)
        order.shuffle(using: &generator)
        let held = max(1, Int((share * Double(images.count)).rounded()))
        func subset(_ indices: ArraySlice<Int>) -> LabeledImages {
            LabeledImages(rows: 28, columns: 28, pixels: indices.flatMap { images.image($0) }, labels: indices.map { images.labels[$0] })
        }
        return (subset(order[held...]), subset(order[..<held]))
    }

    /// Waits for the class's fine-tuning `job` to end, then tells every page its figures.
    static func announceClassFineTune(job: Int, state: ExplorerState) async {
        for _ in 0..<(20 * 3600) {
            guard let status = await state.trainingStatus(id: job) else { return }
            if [.finished, .failed, .cancelled].contains(status.state) {
                await state.classroom.publish(.fineTune(ClassFineTuneSummary(job: job, state: status.state.rawValue, figures: status.fineTune,
                                                                             message: status.message ?? "")))
                return
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// The class set as a zip: a folder a label, a PNG a digit, which unzipped is what
    /// `descent train --extra-images` reads.
    static func classSetZip(_ digits: [Classroom.Digit]) throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        for label in 0...9 {
            try archive.addEntry(with: "class-digits/\(label)/", type: .directory, uncompressedSize: Int64(0),
                                 provider: { (_: Int64, _: Int) -> Data in Data() })
        }
        for digit in digits {
            let png = Data(try GrayImage(width: 28, height: 28, pixels: digit.pixels).pngEncoded())
            try archive.addEntry(with: "class-digits/\(digit.label)/\(String(format: "%05d", digit.id)).png", type: .file,
                                 uncompressedSize: Int64(png.count), compressionMethod: .deflate) { (position: Int64, size: Int) -> Data in
                png.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        guard let data = archive.data else { throw APIError(.internalServerError, "the zip could not be written") }
        return Array(data)
    }
}

struct PaceRequest: Decodable {
    let chapter: Int?
    let paused: Bool?
    let message: String?
}

struct PresenceRequest: Decodable {
    let chapter: Int
}

struct ClassFineTuneRequest: Decodable {
    var epochs: Int?
    /// The share of the class set held out to measure on.
    var heldOut: Double?
    var seed: UInt64?
}

/// What the teacher sees: the pace, the students by number, the class set's size.
struct ClassDashboard: Encodable {
    let pace: ClassPace
    let connectedPages: Int
    let students: [StudentSummary]
    let classSetCount: Int
    /// Whether the class set is kept in a folder (`descent serve --class-dir`), not only in memory.
    let folder: Bool
    let fineTune: [String: Int]?
}

/// How a fine-tuning on the class set ended: the held-out digits' and the test set's accuracy before and after.
struct ClassFineTuneSummary: Encodable, Sendable {
    let job: Int
    let state: String
    let figures: FineTuneFigures?
    let message: String
}

/// The class set as every page shows it: each digit's label and what the served network reads in
/// it, the class's accuracy and confusion matrix, and the test set's beside them.
struct ClassSetSummary: Encodable {
    struct Digit: Encodable {
        let id: Int
        let label: Int
        let predicted: Int
    }

    let count: Int
    let digits: [Digit]
    let accuracy: Double?
    let confusion: [[Int]]
    let testAccuracy: Double
    let testConfusion: [[Int]]
    let modelVersion: Int
    let perStudent: Int
    let maximum: Int

    init(state: ExplorerState) async throws {
        let (snapshot, test) = try await state.snapshotWithEvaluation()
        let stored = await state.classroom.digits
        // Only the digits this model version has not read yet go through the network.
        var known = await state.classroom.readings(for: snapshot.version)
        let unread = stored.filter { known[$0.id] == nil }
        if !unread.isEmpty {
            let images = LabeledImages(rows: 28, columns: 28, pixels: unread.flatMap(\.pixels), labels: unread.map { UInt8($0.label) })
            let network = snapshot.network
            let prepared = snapshot.preprocessing
            let read = try await state.executor.run { () -> [Int] in
                let inputs = prepared.apply(to: images)
                return (0..<inputs.count).map { index in network.prediction(for: inputs.image(index).map { Float($0) / 255 }).label }
            }
            let fresh = Dictionary(zip(unread.map(\.id), read), uniquingKeysWith: { _, last in last })
            await state.classroom.keepReadings(fresh, for: snapshot.version)
            known.merge(fresh) { _, new in new }
        }
        let predictions = stored.map { known[$0.id] ?? -1 }
        var confusion = Array(repeating: Array(repeating: 0, count: 10), count: 10)
        for (digit, predicted) in zip(stored, predictions) where (0..<10).contains(predicted) { confusion[digit.label][predicted] += 1 }
        count = stored.count
        digits = zip(stored, predictions).map { Digit(id: $0.id, label: $0.label, predicted: $1) }
        accuracy = stored.isEmpty ? nil : Double(zip(stored, predictions).count { $0.label == $1 }) / Double(stored.count)
        self.confusion = confusion
        testAccuracy = test.accuracy
        testConfusion = test.confusion
        modelVersion = snapshot.version
        perStudent = Classroom.digitsPerStudent
        maximum = Classroom.maximumDigits
    }
}
