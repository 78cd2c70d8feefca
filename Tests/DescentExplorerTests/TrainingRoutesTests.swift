import DescentExplorer
import DescentTraining
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

    @Test("one training at a time: the teacher's next waits at the head of the queue, a third gets 429; cancel stops the first and keeps its model out")
    func oneAtATimeAndCancel() async throws {
        let noQueue = WorkLimits(maximumParameters: 2_000_000, maximumBatchWidth: 1 << 18, maximumMemoryBytes: 1 << 30, maximumQueuedTrainings: 0)
        try await ExplorerFixture.test(trainingCount: 3000, limits: noQueue) { client in
            // Wide layers at batch 1: minutes of work, so the cancel always lands while it runs (the
            // video's network at batch 1 could finish its 100 epochs before the cancel arrived).
            let long = "{\"epochs\": 100, \"batchSize\": 1, \"layers\": [784, 256, 256, 10]}"
            let (first, running, _) = try await client.call(.post, "/api/train", json: long)
            #expect(first == .accepted)
            let (second, waiting, _) = try await client.call(.post, "/api/train", json: "{\"epochs\": 1, \"layers\": [784, 8, 10]}")
            #expect(second == .accepted && (waiting as? [String: Any])?["state"] as? String == "queued")
            let (third, json, _) = try await client.call(.post, "/api/train", json: "{\"epochs\": 1}")
            #expect(third == .tooManyRequests)
            #expect(errorMessage(json)?.contains("already waits") == true)
            #expect(try await client.call(.post, "/api/train/cancel").status == .accepted)
            let firstID = try #require((running as? [String: Any])?["id"] as? Int)
            let secondID = try #require((waiting as? [String: Any])?["id"] as? Int)
            var states: [String] = []
            for _ in 0..<600 {
                states = []
                for id in [firstID, secondID] {
                    let (_, status, _) = try await client.call(.get, "/api/train?id=\(id)")
                    states.append((status as? [String: Any])?["state"] as? String ?? "")
                }
                if states == ["cancelled", "finished"] { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(states == ["cancelled", "finished"])
            let (_, model, _) = try await client.call(.get, "/api/model")
            #expect((model as? [String: Any])?["version"] as? Int == 2)  // the waiting one's; the cancelled one left none
            #expect((model as? [String: Any])?["sizes"] as? [Int] == [784, 8, 10])
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

    @Test("a bad field's 400 names the field", arguments: [
        ("{\"activation\": \"swish\"}", "activation \"swish\" is not known"), ("{\"epochs\": \"one\"}", "epochs"),
        ("{\"learningRate\": -1}", "learning-rate -1"), ("{\"precision\": \"fp16\"}", "precision \"fp16\" is not known"),
    ])
    func namesBadField(body: String, expected: String) async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.post, "/api/train", json: body)
            #expect(status == .badRequest, "\(body): \(text)")
            #expect(errorMessage(json)?.contains(expected) == true, "\(body): \(text)")
        }
    }

    @Test("a preset that needs a teacher is refused with 422 and left out of the presets")
    func teacherPresets() async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.post, "/api/train", json: "{\"preset\": \"video-distilled\", \"epochs\": 1}")
            #expect(status == .unprocessableContent, "\(text)")
            #expect(errorMessage(json)?.contains("teacher") == true, "\(text)")
            let (_, presets, _) = try await client.call(.get, "/api/presets")
            let names = (presets as? [String: Any]).map { Set($0.keys) } ?? []
            #expect(names.contains("video-best") && names.contains("mlp99"))
            #expect(!names.contains("video-distilled"))
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

/// The page's training is the library's run: the same options give the same model as `TrainingRun`.
@Suite("Training from the page matches the library")
struct TrainingMatchesLibraryTests {
    @Test("a deskewing, augmenting, dropout, bfloat16 run from the page equals TrainingRun's, weights and metadata")
    func sameModel() async throws {
        let state = try ExplorerFixture.state(trainingCount: 300)
        let app = Application(router: try ExplorerRoutes.router(state: state, access: ExplorerFixture.personal))
        let body = "{\"preset\": \"video-best\", \"layers\": [784, 12, 10], \"epochs\": 2, \"trainingLimit\": 200, \"shift\": 1, \"rotation\": 4, \"dropout\": 0.1, \"precision\": \"bf16\"}"
        try await app.test(.router) { client in
            #expect(try await client.call(.post, "/api/train", json: body).status == .accepted)
            let (_, _, events) = try await client.call(.get, "/api/train/events")
            #expect(events.contains("event: initial"))
            #expect(events.contains("event: finished"))
        }
        var options = TrainingOptions()
        options.preset = .videoBest
        options.layers = [784, 12, 10]
        options.epochs = 2
        options.shift = 1
        options.rotation = 4
        options.dropout = 0.1
        options.precision = .bf16
        let data = await state.data
        let expected = try TrainingRun(
            configuration: options.configuration(),
            data: TrainingData(name: data.name, training: data.training.prefix(200), validation: data.validation, test: data.test)).run()
        let served = await state.model
        #expect(served.network == expected.model.network)
        #expect(served.metadata["preprocessing"] == "deskew")
        #expect(served.metadata["precision"] == "bf16")
        #expect(served.metadata.filter { $0.key != "trained_by" } == expected.model.metadata)
    }
}
