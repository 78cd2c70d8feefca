import DescentExplorer
import DescentTraining
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Bounded work: trainings over a limit are refused before they start, and at most one runs and a few wait.
@Suite("Work limits and the training queue")
struct WorkLimitsTests {
    @Test("every preset fits the standard limits on all of MNIST's training images", arguments: TrainingConfiguration.Preset.allCases)
    func presetsFit(preset: TrainingConfiguration.Preset) throws {
        try WorkLimits.standard.check(TrainingConfiguration(preset: preset), trainingCount: 60_000)
    }

    @Test("a training over a limit is refused with 422 naming the value and the option", arguments: [
        ("{\"layers\": [784, 30000, 10]}", "--max-parameters"),
        ("{\"layers\": [784, 100000, 100000, 10]}", "--max-parameters"),
        ("{\"layers\": [784, 1000, 10], \"batchSize\": 4096}", "--max-batch-width"),
    ])
    func overLimit(body: String, option: String) async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.post, "/api/train", json: body)
            #expect(status == .unprocessableContent, "\(body): \(text)")
            #expect(errorMessage(json)?.contains(option) == true, "\(text)")
            #expect(try await client.call(.get, "/api/train").status == .notFound)  // nothing started
        }
    }

    @Test("a training over the memory limit is refused with 422")
    func overMemory() async throws {
        let small = WorkLimits(maximumParameters: 2_000_000, maximumBatchWidth: 1 << 18, maximumMemoryBytes: 4 << 20, maximumQueuedTrainings: 4)
        try await ExplorerFixture.test(limits: small) { client in
            let (status, json, _) = try await client.call(.post, "/api/train", json: "{\"layers\": [784, 800, 800, 10]}")
            #expect(status == .unprocessableContent && errorMessage(json)?.contains("--max-training-memory") == true)
            #expect(try await client.call(.post, "/api/train", json: "{\"layers\": [784, 8, 10], \"epochs\": 1}").status == .accepted)
        }
    }

    @Test("one training runs, one waits (queued, then run), a third gets 429; GET /api/train?id=N follows each")
    func queue() async throws {
        let one = WorkLimits(maximumParameters: 2_000_000, maximumBatchWidth: 1 << 18, maximumMemoryBytes: 1 << 30, maximumQueuedTrainings: 1)
        try await ExplorerFixture.test(trainingCount: 3000, limits: one) { client in
            let long = "{\"epochs\": 100, \"batchSize\": 1, \"layers\": [784, 256, 256, 10]}"
            let (_, first, _) = try await client.call(.post, "/api/train", json: long)
            let (second, waiting, _) = try await client.call(.post, "/api/train", json: "{\"epochs\": 1, \"layers\": [784, 8, 10], \"trainingLimit\": 100}")
            #expect(second == .accepted && (waiting as? [String: Any])?["state"] as? String == "queued")
            #expect(try await client.call(.post, "/api/train", json: "{\"epochs\": 1}").status == .tooManyRequests)
            let secondID = try #require((waiting as? [String: Any])?["id"] as? Int)
            #expect((first as? [String: Any])?["id"] as? Int != secondID)
            #expect(try await client.call(.post, "/api/train/cancel").status == .accepted)
            // The waiting one starts when the first has stopped, and replaces the model.
            var state = ""
            for _ in 0..<600 where state != "finished" {
                let (_, status, _) = try await client.call(.get, "/api/train?id=\(secondID)")
                state = (status as? [String: Any])?["state"] as? String ?? ""
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(state == "finished")
            let (_, model, _) = try await client.call(.get, "/api/model")
            #expect((model as? [String: Any])?["sizes"] as? [Int] == [784, 8, 10])
            #expect(try await client.call(.get, "/api/train?id=999").status == .notFound)
            #expect(try await client.call(.get, "/api/train?id=x").status == .badRequest)
        }
    }
}
