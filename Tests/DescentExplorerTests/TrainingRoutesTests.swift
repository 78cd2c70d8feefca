import DescentExplorer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Training from the page")
struct TrainingRoutesTests {
    @Test("a training streams its epochs, ends finished, and replaces the model")
    func trainsAndReplacesTheModel() async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.post, "/api/train", json: "{\"epochs\": 2, \"trainingLimit\": 100, \"layers\": [784, 8, 10]}")
            #expect(status == .accepted, "\(text)")
            #expect((json as? [String: Any])?["state"] as? String == "running")
            let (eventsStatus, _, events) = try await client.call(.get, "/api/train/events")
            #expect(eventsStatus == .ok)
            #expect(events.contains("event: started"))
            #expect(events.components(separatedBy: "event: epoch\n").count == 3)
            #expect(events.hasSuffix("event: finished\ndata: {\"message\":\"finished; the Draw page now uses this model (version 2)\",\"state\":\"finished\"}\n\n"))
            let (_, model, _) = try await client.call(.get, "/api/model")
            #expect((model as? [String: Any])?["sizes"] as? [Int] == [784, 8, 10])
            #expect((model as? [String: Any])?["version"] as? Int == 2)
            let (_, trainStatus, _) = try await client.call(.get, "/api/train")
            #expect((trainStatus as? [String: Any])?["state"] as? String == "finished")
            #expect(((trainStatus as? [String: Any])?["reports"] as? [Any])?.count == 2)
        }
    }

    @Test("one training at a time: a second is refused with 409; cancel stops the first and keeps the model")
    func oneAtATimeAndCancel() async throws {
        try await ExplorerFixture.test(trainingCount: 3000) { client in
            let long = "{\"epochs\": 100, \"batchSize\": 1}"
            #expect(try await client.call(.post, "/api/train", json: long).status == .accepted)
            let (second, json, _) = try await client.call(.post, "/api/train", json: "{\"epochs\": 1}")
            #expect(second == .conflict)
            #expect(errorMessage(json)?.contains("one training at a time") == true)
            #expect(try await client.call(.post, "/api/train/cancel").status == .accepted)
            let (_, _, events) = try await client.call(.get, "/api/train/events")
            #expect(events.contains("event: cancelled"))
            let (_, model, _) = try await client.call(.get, "/api/model")
            #expect((model as? [String: Any])?["version"] as? Int == 1)
            #expect(try await client.call(.post, "/api/train/cancel").status == .conflict)
        }
    }

    @Test("bad training requests get 400", arguments: [
        "{\"preset\": \"huge\"}", "{\"epochs\": 0}", "{\"epochs\": 1000}", "{\"layers\": [784, 16, 5]}", "{\"layers\": [10, 16, 10]}",
        "{\"learningRate\": -1}", "{\"batchSize\": 0}", "{\"momentum\": 1}", "{\"activation\": \"softmax\"}", "{\"cost\": \"l1\"}",
        "{\"trainingLimit\": 0}", "{\"epochs\": \"one\"}", "[1]", "not json", "",
    ])
    func rejectsBadRequests(body: String) async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.post, "/api/train", json: body)
            #expect(status == .badRequest, "\(body): \(text)")
            #expect(errorMessage(json) != nil, "\(body): \(text)")
        }
    }

    @Test("before any training: status and events 404, cancel 409")
    func nothingStarted() async throws {
        try await ExplorerFixture.test { client in
            let status = try await client.call(.get, "/api/train").status
            let events = try await client.call(.get, "/api/train/events").status
            let cancel = try await client.call(.post, "/api/train/cancel").status
            #expect(status == .notFound)
            #expect(events == .notFound)
            #expect(cancel == .conflict)
        }
    }
}
