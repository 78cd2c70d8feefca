import DescentDatasets
import DescentExplorer
import DescentFileIO
import DescentLinearAlgebra
import DescentTestSupport
import DescentTraining
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// A server keeping digits in a scratch folder, on loopback or shared with a token.
struct MyDigitsServer {
    static let token = String(repeating: "ab", count: 32)
    let folder: TemporaryDirectory
    let state: ExplorerState
    let access: ExplorerAccess

    init(shared: Bool, limits: MyDigitsLimits = .standard, recipe: Bool = false, trainingCount: Int = 300, classroom: Classroom? = nil) throws {
        folder = try TemporaryDirectory("my-digits")
        let store = MyDigitsStore(folder: folder.path, perBrowser: shared, limits: limits, generator: SplitMix64(seed: 9))
        var configuration = TrainingConfiguration()
        configuration.epochs = 1
        var generator = SplitMix64(seed: 1)
        let network = try configuration.makeNetwork(using: &generator)
        let data = ExplorerData(training: ExplorerFixture.images(count: trainingCount, seed: 2),
                                validation: ExplorerFixture.images(count: 50, seed: 3), test: ExplorerFixture.images(count: 100, seed: 4))
        let model = Model(network: network, metadata: recipe ? configuration.metadata : ["seed": "1"])
        state = ExplorerState(model: model, data: data, myDigits: store, classroom: classroom)
        access = shared ? ExplorerAccess(studentToken: Self.token, teacherToken: ExplorerFixture.teacherToken, hosts: .loopback)
            : ExplorerFixture.personal
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        defer { folder.remove() }
        let app = Application(router: try ExplorerRoutes.router(state: state, access: access))
        try await app.test(.router, body)
    }

    /// Noise that PNG cannot compress: `side` x `side` bytes from a seeded generator.
    static func noise(side: Int) throws -> [UInt8] {
        var generator = SplitMix64(seed: 5)
        return try GrayImage(width: side, height: side, pixels: (0..<(side * side)).map { _ in UInt8.random(in: 0...255, using: &generator) }).pngEncoded()
    }

    /// A drawing of a vertical bar as a PNG, a little different for each `variant`.
    static func drawing(_ variant: Int = 0, side: Int = 60) throws -> [UInt8] {
        var image = GrayImage(width: side, height: side, filledWith: 255)
        for y in 8..<(side - 8) { for x in (20 + variant % 7)..<(26 + variant % 7) { image[x, y] = 0 } }
        return try image.pngEncoded()
    }
}

/// A request with headers of one's own; the answer's status, JSON, text and headers.
extension TestClientProtocol {
    func send(_ method: HTTPRequest.Method, _ uri: String, body: [UInt8]? = nil, contentType: String = "image/png",
              token: String? = ExplorerFixture.teacherToken, cookie: String? = nil) async throws -> (status: HTTPResponse.Status, json: Any?, text: String, headers: HTTPFields) {
        var headers: HTTPFields = [:]
        if body != nil { headers[.contentType] = contentType }
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let cookie { headers[.cookie] = "descent_browser=\(cookie)" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) }) { response in
            let text = String(decoding: response.body.readableBytesView, as: UTF8.self)
            return (response.status, try? JSONSerialization.jsonObject(with: Data(text.utf8)), text, response.headers)
        }
    }
}

/// The browser id a response's Set-Cookie gives.
func browserID(_ headers: HTTPFields) -> String? {
    guard let cookie = headers[.setCookie], cookie.hasPrefix("descent_browser=") else { return nil }
    return String(cookie.dropFirst("descent_browser=".count).prefix { $0 != ";" })
}

@Suite("My digits: kept, listed, deleted; a shared server's token, browsers and limits")
struct MyDigitsRoutesTests {
    @Test("on loopback: add, list with what the model reads, fetch, delete; kept as PNG in label folders")
    func loopbackCollection() async throws {
        let server = try MyDigitsServer(shared: false)
        let folder = server.folder.path
        try await server.test { client in
            let (status, json, text, headers) = try await client.send(.post, "/api/my-digits?label=7", body: MyDigitsServer.drawing())
            #expect(status == .created, "\(text)")
            #expect(headers[.setCookie] == nil)  // one collection on loopback: no browser id
            let id = try #require((json as? [String: Any])?["id"] as? String)
            #expect(id.hasPrefix("7-") && id.count == 18)
            let file = "\(folder)/7/\(id.dropFirst(2)).png"
            #expect(Files.exists(file))
            #expect(try GrayImage.read(file) == GrayImage(pngBytes: MyDigitsServer.drawing(), source: "drawing"))
            // The folder is an image folder `descent train --extra-images` reads.
            #expect(try ImageFolder(path: folder).images.labels == [7])

            _ = try await client.send(.post, "/api/my-digits?label=1", body: MyDigitsServer.drawing(3))
            let (_, list, _, _) = try await client.send(.get, "/api/my-digits")
            let summary = try #require(list as? [String: Any])
            let digits = try #require(summary["digits"] as? [[String: Any]])
            #expect(digits.map { $0["label"] as? Int } == [1, 7])
            #expect(digits.allSatisfy { ($0["predicted"] as? Int).map { (0...9).contains($0) } ?? false })
            #expect(summary["count"] as? Int == 2 && summary["limit"] as? Int == MyDigitsLimits.standard.total)
            let correct = try #require(summary["correct"] as? Int)
            #expect(summary["accuracy"] as? Double == Double(correct) / 2)

            let (pngStatus, _, _, pngHeaders) = try await client.send(.get, "/api/my-digits/\(id).png")
            #expect(pngStatus == .ok && pngHeaders[.contentType] == "image/png")
            #expect(try await client.send(.delete, "/api/my-digits/\(id)").status == .ok)
            #expect(!Files.exists(file))
            #expect(try await client.send(.get, "/api/my-digits/\(id).png").status == .notFound)
            #expect(try await client.send(.delete, "/api/my-digits/\(id)").status == .notFound)
        }
    }

    @Test("bad drawings and labels get 4xx saying what was wrong")
    func badRequests() async throws {
        let server = try MyDigitsServer(shared: false, limits: MyDigitsLimits(perBrowser: 200, total: 5000, imageBytes: 4000, imageSide: 100))
        try await server.test { client in
            let good = try MyDigitsServer.drawing()
            let cases: [(String, [UInt8], String, HTTPResponse.Status, String)] = [
                ("/api/my-digits", good, "image/png", .badRequest, "say which digit"),
                ("/api/my-digits?label=10", good, "image/png", .badRequest, "label \"10\""),
                ("/api/my-digits?label=x", good, "image/png", .badRequest, "label \"x\""),
                ("/api/my-digits?label=3", good, "application/json", .unsupportedMediaType, "image/png"),
                ("/api/my-digits?label=3", Array("not a png".utf8), "image/png", .badRequest, "not a PNG"),
                ("/api/my-digits?label=3", try GrayImage(width: 50, height: 50, filledWith: 255).pngEncoded(), "image/png",
                 .unprocessableContent, "blank"),
                ("/api/my-digits?label=3", try MyDigitsServer.drawing(side: 120), "image/png", .contentTooLarge, "at most 100 pixels"),
                ("/api/my-digits?label=3", try MyDigitsServer.noise(side: 90), "image/png", .contentTooLarge, "over 3 KB"),
            ]
            for (uri, body, type, expected, words) in cases {
                let (status, json, text, _) = try await client.send(.post, uri, body: body, contentType: type)
                #expect(status == expected, "\(uri) \(type): \(text)")
                #expect(errorMessage(json)?.contains(words) == true, "\(uri): \(text)")
            }
            #expect(try await client.send(.get, "/api/my-digits/..%2F..%2Fetc%2Fpasswd.png").status == .notFound)
            #expect(try await client.send(.get, "/api/my-digits/7-abc.txt").status == .notFound)
            #expect(try await client.send(.delete, "/api/my-digits/12-abc").status == .notFound)
            let (_, list, _, _) = try await client.send(.get, "/api/my-digits")
            #expect((list as? [String: Any])?["count"] as? Int == 0)
        }
    }

    @Test("shared: a change without a token is refused (403), a student's token cannot train or cancel; reading and predicting stay open")
    func tokenGuardsChanges() async throws {
        let server = try MyDigitsServer(shared: true)
        try await server.test { client in
            let drawing = try MyDigitsServer.drawing()
            for token in [nil, "wrong", String(MyDigitsServer.token.dropLast()) + "c"] {
                let (status, json, _, _) = try await client.send(.post, "/api/my-digits?label=2", body: drawing, token: token)
                #expect(status == .forbidden)
                #expect(errorMessage(json)?.contains("needs the token") == true)
            }
            let student = MyDigitsServer.token
            let train = try await client.send(.post, "/api/train", body: Array("{\"epochs\": 1}".utf8), contentType: "application/json", token: student)
            #expect(train.status == .forbidden && errorMessage(train.json)?.contains("teacher's token") == true)
            #expect(try await client.send(.post, "/api/train/cancel", token: student).status == .forbidden)
            #expect(try await client.send(.post, "/api/class/clear", token: student).status == .forbidden)
            #expect(try await client.send(.post, "/api/fine-tune", token: nil).status == .forbidden)
            #expect(try await client.send(.delete, "/api/my-digits/2-00", token: nil).status == .forbidden)
            // Open: reading, predicting, a path down a surface.
            #expect(try await client.send(.get, "/api/model", token: nil).status == .ok)
            #expect(try await client.send(.post, "/api/predict", body: drawing, token: nil).status == .ok)
            let descent = Array("{\"start\":{\"x\":1,\"y\":1},\"learningRate\":0.1,\"momentum\":0,\"steps\":2}".utf8)
            #expect(try await client.send(.post, "/api/landscapes/bowl/descent", body: descent, contentType: "application/json", token: nil).status == .ok)
            // With the token, by either header.
            #expect(try await client.send(.post, "/api/my-digits?label=2", body: drawing, token: MyDigitsServer.token).status == .created)
            let header = try #require(HTTPField.Name("X-Descent-Token"))
            let status = try await client.execute(uri: "/api/train/cancel", method: .post, headers: [header: ExplorerFixture.teacherToken]) { $0.status }
            #expect(status == .conflict)  // past the token: no training runs
        }
    }

    @Test("shared: each browser sees only its own digits, by a random HttpOnly, SameSite=Strict cookie")
    func browsersAreSeparate() async throws {
        let server = try MyDigitsServer(shared: true)
        let folder = server.folder.path
        try await server.test { client in
            let token = MyDigitsServer.token
            let (status, json, _, headers) = try await client.send(.post, "/api/my-digits?label=4", body: MyDigitsServer.drawing(), token: token)
            #expect(status == .created)
            let cookie = try #require(headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
            let alice = try #require(browserID(headers))
            #expect(alice.count == 32)
            let id = try #require((json as? [String: Any])?["id"] as? String)
            #expect(Files.exists("\(folder)/\(alice)/4/\(id.dropFirst(2)).png"))

            // Alice's second digit goes to the same folder; no new cookie.
            let again = try await client.send(.post, "/api/my-digits?label=5", body: MyDigitsServer.drawing(2), token: token, cookie: alice)
            #expect(again.status == .created && again.headers[.setCookie] == nil)

            // Bob: a browser without the cookie gets an id of its own and sees nothing of Alice's.
            let (_, bobList, _, bobHeaders) = try await client.send(.get, "/api/my-digits")
            let bob = try #require(browserID(bobHeaders))
            #expect(bob != alice)
            #expect(((bobList as? [String: Any])?["digits"] as? [Any])?.isEmpty == true)
            #expect(try await client.send(.get, "/api/my-digits/\(id).png", cookie: bob).status == .notFound)
            #expect(try await client.send(.delete, "/api/my-digits/\(id)", token: token, cookie: bob).status == .notFound)
            #expect(Files.exists("\(folder)/\(alice)/4/\(id.dropFirst(2)).png"))
            // A made-up cookie is no way in: it is not an id, so the browser gets a new one.
            let forged = try await client.send(.get, "/api/my-digits", cookie: "../\(alice)")
            #expect(browserID(forged.headers) != nil && ((forged.json as? [String: Any])?["count"] as? Int) == 0)

            let (_, aliceList, _, _) = try await client.send(.get, "/api/my-digits", cookie: alice)
            #expect(((aliceList as? [String: Any])?["digits"] as? [[String: Any]])?.map { $0["label"] as? Int } == [4, 5])
            #expect(try await client.send(.get, "/api/my-digits/\(id).png", cookie: alice).status == .ok)
        }
    }

    @Test("shared: a browser's limit and the server's are 429 with a message; a too-large drawing 413")
    func limits() async throws {
        let limits = MyDigitsLimits(perBrowser: 3, total: 5, imageBytes: 64 * 1024, imageSide: 1024)
        let server = try MyDigitsServer(shared: true, limits: limits)
        try await server.test { client in
            let token = MyDigitsServer.token
            let first = try await client.send(.post, "/api/my-digits?label=1", body: MyDigitsServer.drawing(0), token: token)
            let alice = try #require(browserID(first.headers))
            for variant in 1..<3 {
                #expect(try await client.send(.post, "/api/my-digits?label=1", body: MyDigitsServer.drawing(variant), token: token, cookie: alice).status == .created)
            }
            let (status, json, _, _) = try await client.send(.post, "/api/my-digits?label=1", body: MyDigitsServer.drawing(4), token: token, cookie: alice)
            #expect(status == .tooManyRequests)
            #expect(errorMessage(json)?.contains("the most one browser may") == true)

            let second = try await client.send(.post, "/api/my-digits?label=2", body: MyDigitsServer.drawing(0), token: token)
            let bob = try #require(browserID(second.headers))
            #expect(try await client.send(.post, "/api/my-digits?label=2", body: MyDigitsServer.drawing(1), token: token, cookie: bob).status == .created)
            let (full, fullJSON, _, _) = try await client.send(.post, "/api/my-digits?label=2", body: MyDigitsServer.drawing(2), token: token, cookie: bob)
            #expect(full == .tooManyRequests)
            #expect(errorMessage(fullJSON)?.contains("the server keeps 5 digits") == true)
            // Deleting makes room again.
            let (_, list, _, _) = try await client.send(.get, "/api/my-digits", cookie: alice)
            let id = try #require(((list as? [String: Any])?["digits"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await client.send(.delete, "/api/my-digits/\(id)", token: token, cookie: alice).status == .ok)
            #expect(try await client.send(.post, "/api/my-digits?label=2", body: MyDigitsServer.drawing(2), token: token, cookie: bob).status == .created)

            let huge = try MyDigitsServer.noise(side: 400)
            #expect(huge.count > 64 * 1024)
            let (tooLarge, largeJSON, _, _) = try await client.send(.post, "/api/my-digits?label=3", body: huge, token: token, cookie: alice)
            #expect(tooLarge == .contentTooLarge && errorMessage(largeJSON)?.contains("over 64 KB") == true)
        }
    }

    @Test("fine-tuning: 422 without digits, 409 without a recipe; with both, before and after figures and a new model")
    func fineTuning() async throws {
        let noRecipe = try MyDigitsServer(shared: false)
        try await noRecipe.test { client in
            let (empty, emptyJSON, _, _) = try await client.send(.post, "/api/fine-tune")
            #expect(empty == .unprocessableContent && errorMessage(emptyJSON)?.contains("no digits") == true)
            _ = try await client.send(.post, "/api/my-digits?label=3", body: MyDigitsServer.drawing())
            let (status, json, _, _) = try await client.send(.post, "/api/fine-tune")
            #expect(status == .conflict && errorMessage(json)?.contains("recipe") == true)
        }
        let server = try MyDigitsServer(shared: false, recipe: true, trainingCount: 200)
        try await server.test { client in
            for variant in 0..<4 {
                #expect(try await client.send(.post, "/api/my-digits?label=\(variant % 2 == 0 ? 1 : 8)", body: MyDigitsServer.drawing(variant)).status == .created)
            }
            for bad in ["{\"epochs\": 0}", "{\"epochs\": 11}", "{\"share\": 1}", "{\"learningRate\": -1}", "[]"] {
                #expect(try await client.send(.post, "/api/fine-tune", body: Array(bad.utf8), contentType: "application/json").status == .badRequest, "\(bad)")
            }
            let (status, json, text, _) = try await client.send(.post, "/api/fine-tune", body: Array("{\"epochs\": 2, \"share\": 0.2}".utf8), contentType: "application/json")
            #expect(status == .accepted, "\(text)")
            let started = try #require((json as? [String: Any])?["fineTune"] as? [String: Any])
            #expect((started["before"] as? [String: Any])?["myDigitsCount"] as? Int == 4)
            #expect(started["repeats"] as? Int == 13)  // 0.2 / 0.8 · 200 / 4 = 12.5, rounded
            #expect((json as? [String: Any])?["trainingCount"] as? Int == 200 + 4 * 13)
            let (_, _, events) = try await client.call(.get, "/api/train/events")
            #expect(events.contains("event: finished") && events.contains("\"fineTune\":{\"after\":"), "\(events.suffix(400))")
            let (_, finished, _) = try await client.call(.get, "/api/train")
            let figures = try #require((finished as? [String: Any])?["fineTune"] as? [String: Any])
            let after = try #require(figures["after"] as? [String: Any])
            #expect((after["myDigits"] as? Double).map { (0...1).contains($0) } == true)
            #expect(((finished as? [String: Any])?["message"] as? String)?.hasPrefix("fine-tuned: your 4 digits") == true)
            let (_, model, _) = try await client.call(.get, "/api/model")
            let metadata = try #require((model as? [String: Any])?["metadata"] as? [String: String])
            #expect((model as? [String: Any])?["version"] as? Int == 2)
            #expect(metadata["extra_images"] == "my digits" && metadata["extra_images_count"] == "4" && metadata["epochs_completed"] == "2")
        }
    }

    @Test("a server that keeps no digits answers 404")
    func noStore() async throws {
        try await ExplorerFixture.test { client in
            let list = try await client.call(.get, "/api/my-digits").status
            let fineTune = try await client.call(.post, "/api/fine-tune").status
            #expect(list == .notFound && fineTune == .notFound)
        }
    }

    @Test("a token is 64 hex digits from the generator, a classroom's two differ; loopback hosts are told apart")
    func tokenAndHosts() {
        var generator = SplitMix64(seed: 1)
        let token = ExplorerAccess.newToken(using: &generator)
        #expect(token.count == 64 && token.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        var other = SplitMix64(seed: 2)
        #expect(ExplorerAccess.newToken(using: &other) != token)
        let classroom = ExplorerAccess.classroom(hosts: .loopback, using: &other)
        #expect(classroom.studentToken != nil && classroom.studentToken != classroom.teacherToken && classroom.pageToken == classroom.studentToken)
        let personal = ExplorerAccess.personal(using: &other)
        #expect(personal.studentToken == nil && personal.pageToken == personal.teacherToken)
        for host in ["127.0.0.1", "localhost", "::1", "127.1.2.3"] { #expect(ExplorerAccess.isLoopback(host: host), "\(host)") }
        for host in ["0.0.0.0", "192.168.1.5", "::", "example.org", "127.0.0"] { #expect(!ExplorerAccess.isLoopback(host: host), "\(host)") }
    }
}
