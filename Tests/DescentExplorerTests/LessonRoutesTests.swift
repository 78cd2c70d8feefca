@testable import DescentExplorer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The Lesson page's API: each chapter's route answers with the library's numbers, and refuses bad input with a 4xx.
@Suite("The Lesson page's routes")
struct LessonRoutesTests {
    /// The JSON lines of a streamed answer.
    static func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test("weights come as Float32 rows behind a four-number header, cut to the rows there are")
    func weightRows() async throws {
        try await ExplorerFixture.test { client in
            let bytes = try await client.execute(uri: "/api/weights/1/rows?first=2&count=100", method: .get, headers: [:], body: nil) { Array($0.body.readableBytesView) }
            let header = (0..<4).map { index in bytes[(4 * index)..<(4 * index + 4)].reversed().reduce(0) { $0 << 8 | Int($1) } }
            #expect(header == [14, 784, 2, 1])  // rows 2..<16 of 16, 784 columns, the served model's version
            #expect(bytes.count == 16 + 4 * 14 * 784)
            let json = try await client.call(.get, "/api/weights/1")
            let weights = try #require((json.json as? [String: Any])?["weights"] as? [Double])
            let first = bytes[16..<20].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(Float(bitPattern: first) == Float(weights[2 * 784]))
        }
    }

    @Test("bad weight-row requests", arguments: [
        ("/api/weights/4/rows", 404), ("/api/weights/x/rows", 400), ("/api/weights/1/rows?first=16", 400),
        ("/api/weights/1/rows?count=0", 400), ("/api/weights/1/rows?count=ten", 400), ("/api/weights/1/rows?session=nope", 404),
    ])
    func badWeightRows(uri: String, expected: Int) async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.get, uri)
            #expect(status.code == expected, "\(uri): \(text)")
            #expect(errorMessage(json) != nil)
        }
    }

    @Test("the cost over the test set: its mean, and the cheapest and dearest examples in order")
    func cost() async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.get, "/api/lesson/cost")
            #expect(status == .ok, "\(text.prefix(200))")
            let answer = try #require(json as? [String: Any])
            #expect(answer["count"] as? Int == 100)
            #expect((answer["histogram"] as? [Int])?.reduce(0, +) == 100)
            let mean = try #require(answer["mean"] as? Double)
            let cheapest = try #require(answer["cheapest"] as? [[String: Any]]).compactMap { $0["score"] as? Double }
            let dearest = try #require(answer["dearest"] as? [[String: Any]]).compactMap { $0["score"] as? Double }
            #expect(cheapest.count == 8 && dearest.count == 8)
            #expect(cheapest == cheapest.sorted() && dearest == dearest.sorted(by: >))
            #expect(cheapest[0] <= mean && mean <= dearest[0])
        }
    }

    @Test("the valley the ball ends in depends on where it starts")
    func valleys() async throws {
        try await ExplorerFixture.test { client in
            let curve = try #require(try await client.call(.get, "/api/lesson/valleys").json as? [String: Any])
            let minima = try #require(curve["minima"] as? [Double])
            #expect(minima.count == 2 && abs(minima[0] + 1.30) < 0.01 && abs(minima[1] - 1.13) < 0.01)
            var ends: [Double] = []
            for start in [1.5, -0.5] {
                let (status, json, _) = try await client.call(.post, "/api/lesson/valleys/descent", json: "{\"start\": \(start), \"steps\": 80}")
                #expect(status == .ok)
                let path = try #require((json as? [String: Any])?["path"] as? [[String: Any]])
                #expect(path.count == 81 && path[0]["x"] as? Double == start)
                ends.append(try #require(path.last?["x"] as? Double))
            }
            #expect(abs(ends[0] - 1.13) < 0.01 && abs(ends[1] + 1.30) < 0.01)
        }
    }

    @Test("bad lesson bodies name the field", arguments: [
        ("/api/lesson/valleys/descent", "{\"start\": 9}", 400, "start"),
        ("/api/lesson/valleys/descent", "{}", 400, "start"),
        ("/api/lesson/valleys/descent", "{\"start\": 1, \"learningRate\": 2}", 400, "learningRate"),
        ("/api/lesson/valleys/descent", "{\"start\": 1, \"steps\": 501}", 400, "steps"),
        ("/api/lesson/valleys/descent", "{\"start\": \"left\"}", 400, "start"),
        ("/api/lesson/probe", "{\"seed\": -1}", 400, "seed"),
        ("/api/lesson/probe", "{\"seed\": 1.5}", 400, "seed"),
        ("/api/lesson/probe", "{\"session\": \"nope\"}", 404, "session"),
        ("/api/lesson/dream", "{\"digit\": 10}", 400, "digit"),
        ("/api/lesson/dream", "{}", 400, "digit"),
        ("/api/lesson/dream", "{\"digit\": 5, \"steps\": 1000}", 400, "steps"),
        ("/api/lesson/train", "{\"epochs\": 0}", 400, "epochs"),
        ("/api/lesson/train", "{\"epochs\": 31}", 400, "epochs"),
        ("/api/lesson/train", "{\"trainingLimit\": 5}", 400, "trainingLimit"),
        ("/api/lesson/train", "{\"session\": \"nope\"}", 404, "session"),
        ("/api/lesson/memorize", "{\"epochs\": 61}", 400, "epochs"),
        ("/api/lesson/memorize", "{\"trainingLimit\": 100000}", 400, "trainingLimit"),
        ("/api/lesson/minima", "{\"seeds\": 6}", 400, "seeds"),
        ("/api/lesson/minima", "{\"seeds\": 3, \"epochs\": 100}", 400, "epochs"),
        ("/api/lesson/minima", "[1, 2]", 400, ""),
    ])
    func rejectsBadBodies(uri: String, body: String, expected: Int, field: String) async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.post, uri, json: body)
            #expect(status.code == expected, "\(uri) \(body): \(text)")
            let message = try #require(errorMessage(json))
            #expect(field.isEmpty || message.contains(field), "\(message)")
        }
    }

    @Test("a run in the lesson's slot needs the page token, and text is not JSON", arguments: ["/api/lesson/train", "/api/lesson/memorize", "/api/lesson/minima"])
    func runsNeedTheToken(uri: String) async throws {
        try await ExplorerFixture.test { client in
            let anonymous = try await client.call(.post, uri, json: "{}", token: nil)
            #expect(anonymous.status == .forbidden)
            let text = try await client.call(.post, uri, json: "{}", contentType: "text/plain")
            #expect(text.status == .unsupportedMediaType)
        }
    }

    @Test("noise is read as digits; the same seed gives the same answer")
    func probe() async throws {
        try await ExplorerFixture.test { client in
            let first = try await client.call(.post, "/api/lesson/probe", json: "{\"seed\": 3}")
            let again = try await client.call(.post, "/api/lesson/probe", json: "{\"seed\": 3}")
            let other = try await client.call(.post, "/api/lesson/probe", json: "{\"seed\": 4}")
            #expect(first.status == .ok)
            let reports = try #require((first.json as? [String: Any])?["reports"] as? [[String: Any]])
            #expect(reports.compactMap { $0["kind"] as? String } == ["uniform-noise", "test"])
            #expect((reports[0]["digitCounts"] as? [Int])?.reduce(0, +) == 1000)
            #expect((reports[0]["examples"] as? [Any])?.count == 8)
            #expect(first.text == again.text)
            #expect(first.text != other.text)
        }
    }

    @Test("a dream raises its output")
    func dream() async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.post, "/api/lesson/dream", json: "{\"digit\": 5, \"steps\": 50}")
            #expect(status == .ok, "\(text.prefix(200))")
            let answer = try #require(json as? [String: Any])
            let trace = try #require(answer["trace"] as? [Double])
            #expect(trace.count >= 2 && (trace.last ?? 0) > trace[0])
            #expect((answer["bytes"] as? [Int])?.count == 784)
        }
    }

    @Test("a lesson training runs on the student's copy, never on the served model")
    func training() async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.post, "/api/lesson/train", json: "{\"seed\": 2, \"epochs\": 2}")
            #expect(status == .accepted, "\(text)")
            let job = try #require(json as? [String: Any])
            let session = try #require(job["session"] as? String)
            let id = try #require(job["id"] as? Int)
            var state = ""
            for _ in 0..<200 where !["finished", "failed", "cancelled"].contains(state) {
                try await Task.sleep(for: .milliseconds(20))
                state = (try await client.call(.get, "/api/train?id=\(id)").json as? [String: Any])?["state"] as? String ?? ""
            }
            #expect(state == "finished")
            let copy = try #require(try await client.call(.get, "/api/lesson/learned?session=\(session)").json as? [String: Any])
            #expect(copy["model"] as? String == "copy" && copy["count"] as? Int == 100)
            let served = try #require(try await client.call(.get, "/api/model").json as? [String: Any])
            #expect(served["version"] as? Int == 1)  // the served model was not replaced
            let copyWeights = try await client.call(.get, "/api/weights/1/rows?count=1&session=\(session)").text
            let servedWeights = try await client.call(.get, "/api/weights/1/rows?count=1").text
            #expect(copyWeights != servedWeights)
        }
    }

    @Test("memorising streams both runs, epoch by epoch, then a summary")
    func memorize() async throws {
        try await ExplorerFixture.test { client in
            let (status, _, text) = try await client.call(.post, "/api/lesson/memorize", json: "{\"epochs\": 3, \"trainingLimit\": 100}")
            #expect(status == .ok)
            let lines = Self.lines(text)
            #expect(lines.count == 2 * 4 + 1, "\(text.prefix(300))")
            #expect(Set(lines.dropLast().compactMap { $0["variant"] as? String }) == ["true labels", "shuffled labels"])
            let done = try #require(lines.last)
            #expect(done["done"] as? Bool == true && (done["runs"] as? [Any])?.count == 2)
            #expect(done["trainingCount"] as? Int == 100)
        }
    }

    @Test("many valleys: a line a seed, then the costs on the straight line, before and after matching")
    func minima() async throws {
        try await ExplorerFixture.test { client in
            let (status, _, text) = try await client.call(.post, "/api/lesson/minima", json: "{\"seeds\": 2, \"epochs\": 1}")
            #expect(status == .ok)
            let lines = Self.lines(text)
            #expect(lines.count == 3, "\(text.prefix(300))")
            #expect(lines.prefix(2).compactMap { $0["seed"] as? Int } == [0, 1])
            let done = try #require(lines.last)
            let path = try #require(done["path"] as? [Double])
            let aligned = try #require(done["alignedPath"] as? [Double])
            #expect(path.count == 21 && aligned.count == 21)
            #expect(path.first == aligned.first)  // both lines start at the first network
        }
    }

    @Test("the lesson's slot lets one run and a few wait, and refuses the rest with a 429")
    func slot() async throws {
        let slot = LessonSlot(waitingLimit: 1, executor: WorkExecutor(threads: 1, queueLimit: 4, nice: 10))
        try await slot.enter()
        let waiting = Task { try await slot.enter() }
        try await Task.sleep(for: .milliseconds(50))
        await #expect(throws: APIError.self) { try await slot.enter() }
        await slot.leave()  // hands the slot to the waiting one
        try await waiting.value
        await slot.leave()
        try await slot.enter()  // free again
        await slot.leave()
    }
}
