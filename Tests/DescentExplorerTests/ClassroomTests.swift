import DescentExplorer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A classroom: each student's fine-tuning changes their own copy; only the teacher changes the class's model.
@Suite("A sandbox per student")
struct ClassroomTests {
    /// The outputs of `POST /api/predict` for a fixed drawing, with the copy `session` or the served model.
    static func outputs(_ client: some TestClientProtocol, session: String?) async throws -> (outputs: [Double], model: String?) {
        let uri = session.map { "/api/predict?session=\($0)" } ?? "/api/predict"
        let (status, json, text, _) = try await client.send(.post, uri, body: MyDigitsServer.drawing(1), token: nil)
        #expect(status == .ok, "\(text)")
        let answer = json as? [String: Any]
        return (answer?["outputs"] as? [Double] ?? [], answer?["model"] as? String)
    }

    /// A step on a copy, a new one; its session id.
    static func newCopy(_ client: some TestClientProtocol, cookie: String) async throws -> String {
        let body = "{\"pixels\": \(Array(repeating: 0.5, count: 784)), \"label\": 3, \"learningRate\": 0.5}"
        let (status, json, text, _) = try await client.send(.post, "/api/step", body: Array(body.utf8), contentType: "application/json",
                                                            token: MyDigitsServer.token, cookie: cookie)
        #expect(status == .ok, "\(text)")
        return try #require(((json as? [String: Any])?["session"] as? [String: Any])?["id"] as? String)
    }

    @Test("a student's fine-tune changes only that student's copy: not another's, not the class's model")
    func fineTuneIsolation() async throws {
        let server = try MyDigitsServer(shared: true, recipe: true, trainingCount: 200)
        try await server.test { client in
            let student = MyDigitsServer.token
            let added = try await client.send(.post, "/api/my-digits?label=1", body: MyDigitsServer.drawing(0), token: student)
            let alice = try #require(browserID(added.headers))
            _ = try await client.send(.post, "/api/my-digits?label=8", body: MyDigitsServer.drawing(3), token: student, cookie: alice)
            let aliceCopy = try await Self.newCopy(client, cookie: alice)
            let bobCopy = try await Self.newCopy(client, cookie: "0123456789abcdef0123456789abcdef")
            let (served, bob, aliceBefore) = (try await Self.outputs(client, session: nil), try await Self.outputs(client, session: bobCopy),
                                             try await Self.outputs(client, session: aliceCopy))
            #expect(served.model == "served" && bob.model == "copy")

            let body = Array("{\"epochs\": 1, \"session\": \"\(aliceCopy)\"}".utf8)
            let (status, json, text, _) = try await client.send(.post, "/api/fine-tune", body: body, contentType: "application/json", token: student, cookie: alice)
            #expect(status == .accepted, "\(text)")
            #expect((json as? [String: Any])?["session"] as? String == aliceCopy)
            let id = try #require((json as? [String: Any])?["id"] as? Int)
            var final: [String: Any] = [:]
            for _ in 0..<600 where !["finished", "failed", "cancelled"].contains(final["state"] as? String ?? "") {
                final = (try await client.send(.get, "/api/train?id=\(id)", token: nil).json as? [String: Any]) ?? [:]
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(final["state"] as? String == "finished", "\(final)")
            #expect((final["message"] as? String)?.contains("the class's model (version 1) is unchanged") == true)

            let (_, model, _, _) = try await client.send(.get, "/api/model", token: nil)
            #expect((model as? [String: Any])?["version"] as? Int == 1)
            #expect(try await Self.outputs(client, session: nil).outputs == served.outputs)
            #expect(try await Self.outputs(client, session: bobCopy).outputs == bob.outputs)
            #expect(try await Self.outputs(client, session: aliceCopy).outputs != aliceBefore.outputs)
        }
    }

    @Test("only the teacher clears the class: every copy goes, the class's model stays")
    func clearClass() async throws {
        let server = try MyDigitsServer(shared: true)
        try await server.test { client in
            let copy = try await Self.newCopy(client, cookie: "0123456789abcdef0123456789abcdef")
            #expect(try await client.send(.post, "/api/class/clear", token: MyDigitsServer.token).status == .forbidden)
            #expect(try await Self.outputs(client, session: copy).model == "copy")
            let (status, json, _, _) = try await client.send(.post, "/api/class/clear", token: ExplorerFixture.teacherToken)
            #expect(status == .ok && (json as? [String: Any])?["copiesDropped"] as? Int == 1)
            #expect(try await client.send(.post, "/api/predict?session=\(copy)", body: MyDigitsServer.drawing(1), token: nil).status == .notFound)
            #expect(try await Self.outputs(client, session: nil).model == "served")
        }
    }

    /// A new copy's answer: its status, session id and the cookie set, if any.
    static func step(_ client: some TestClientProtocol, cookie: String?) async throws -> (status: HTTPResponse.Status, id: String?, cookie: String?, text: String) {
        let body = "{\"pixels\": \(Array(repeating: 0.5, count: 784)), \"label\": 3, \"learningRate\": 0.5}"
        let (status, json, text, headers) = try await client.send(.post, "/api/step", body: Array(body.utf8), contentType: "application/json",
                                                                  token: MyDigitsServer.token, cookie: cookie)
        return (status, ((json as? [String: Any])?["session"] as? [String: Any])?["id"] as? String, browserID(headers), text)
    }

    @Test("a browser without a cookie gets one with its first copy; past its quota it drops its own oldest copy, never another's")
    func copiesPerBrowser() async throws {
        let server = try MyDigitsServer(shared: true, recipe: true, trainingCount: 50)
        try await server.test { client in
            let first = try await Self.step(client, cookie: nil)
            #expect(first.status == .ok, "\(first.text)")
            let alice = try #require(first.cookie, "the first copy sets the browser's cookie")
            let bob = try #require(try await Self.step(client, cookie: "0123456789abcdef0123456789abcdef").id)
            var alices = [try #require(first.id)]
            for _ in 1...4 { alices.append(try #require(try await Self.step(client, cookie: alice).id)) }
            // Alice's fifth copy took the place of her first; Bob's is kept.
            #expect(try await client.send(.post, "/api/predict?session=\(alices[0])", body: MyDigitsServer.drawing(1), token: nil).status == .notFound)
            for id in alices.dropFirst() + [bob] {
                #expect(try await client.send(.post, "/api/predict?session=\(id)", body: MyDigitsServer.drawing(1), token: nil).status == .ok)
            }
        }
    }

    @Test("a class at its bound refuses a new browser's copy with a 429 instead of dropping a working student's")
    func classBound() async throws {
        let server = try MyDigitsServer(shared: true, recipe: true, trainingCount: 50)
        try await server.test { client in
            let browsers = (0..<16).map { String(format: "%032x", $0 + 1) }
            var ids: [String] = []
            for browser in browsers {
                for _ in 0..<4 { ids.append(try #require(try await Self.step(client, cookie: browser).id)) }
            }
            let refused = try await Self.step(client, cookie: String(format: "%032x", 99))
            #expect(refused.status == .tooManyRequests, "\(refused.text)")
            #expect(refused.text.contains("copies"))
            // Every student's copy is still there; a student at their own quota still gets a new one, in place of their own oldest.
            #expect(try await client.send(.post, "/api/predict?session=\(ids[5])", body: MyDigitsServer.drawing(1), token: nil).status == .ok)
            let again = try await Self.step(client, cookie: browsers[0])
            #expect(again.status == .ok, "\(again.text)")
            #expect(try await client.send(.post, "/api/predict?session=\(ids[0])", body: MyDigitsServer.drawing(1), token: nil).status == .notFound)
            #expect(try await client.send(.post, "/api/predict?session=\(ids[4])", body: MyDigitsServer.drawing(1), token: nil).status == .ok)
        }
    }
}
