import DescentExplorer
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The Descent page's landscapes")
struct LandscapeRoutesTests {
    @Test("the five surfaces of `descent landscape` with two inputs, each with a grid")
    func surfaces() async throws {
        try await ExplorerFixture.test { client in
            let (status, json, _) = try await client.call(.get, "/api/landscapes")
            #expect(status == .ok)
            let names = (json as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == ["bowl", "elongated-bowl", "rosenbrock", "himmelblau", "wavy"])
            for name in names ?? [] {
                let (gridStatus, grid, _) = try await client.call(.get, "/api/landscapes/\(name)?size=20")
                #expect(gridStatus == .ok)
                #expect(((grid as? [String: Any])?["heights"] as? [Double])?.count == 400)
            }
        }
    }

    @Test("a descent path starts where asked and goes down")
    func descent() async throws {
        try await ExplorerFixture.test { client in
            let body = "{\"start\": {\"x\": 2, \"y\": 1}, \"learningRate\": 0.1, \"momentum\": 0.5, \"steps\": 30}"
            let (status, json, _) = try await client.call(.post, "/api/landscapes/bowl/descent", json: body)
            #expect(status == .ok)
            let path = try #require((json as? [String: Any])?["path"] as? [[String: Any]])
            #expect(path.count == 31)
            let values = path.compactMap { $0["value"] as? Double }
            #expect(values[0] == 5)
            #expect(values[30] < values[0])
        }
    }

    @Test("bad landscape requests", arguments: [
        ("/api/landscapes/volcano", "", 404), ("/api/landscapes/bowl?size=1", "", 400), ("/api/landscapes/bowl?size=x", "", 400),
        ("/api/landscapes/bowl/descent", "{\"start\": {\"x\": 0, \"y\": 0}, \"learningRate\": 0, \"steps\": 5}", 400),
        ("/api/landscapes/bowl/descent", "{\"start\": {\"x\": 0, \"y\": 0}, \"learningRate\": 0.1, \"momentum\": 1, \"steps\": 5}", 400),
        ("/api/landscapes/bowl/descent", "{\"start\": {\"x\": 0, \"y\": 0}, \"learningRate\": 0.1, \"steps\": 0}", 400),
        ("/api/landscapes/bowl/descent", "{\"start\": {\"x\": 1e9, \"y\": 0}, \"learningRate\": 0.1, \"steps\": 5}", 400),
        ("/api/landscapes/bowl/descent", "{\"start\": [0, 0], \"learningRate\": 0.1, \"steps\": 5}", 400),
        ("/api/landscapes/volcano/descent", "{\"start\": {\"x\": 0, \"y\": 0}, \"learningRate\": 0.1, \"steps\": 5}", 404),
    ])
    func rejectsBadRequests(uri: String, body: String, expected: Int) async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(body.isEmpty ? .get : .post, uri, json: body.isEmpty ? nil : body)
            #expect(status.code == expected, "\(uri) \(body): \(text)")
            #expect(errorMessage(json) != nil)
        }
    }
}
