import DescentExplorer
import DescentLinearAlgebra
import DescentNetwork
import DescentTraining
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `descent serve --compare`: the shelf's models answer beside the served one.
@Suite("Models side by side")
struct CompareRoutesTests {
    static func model(seed: UInt64, teacher: String? = nil, deskew: Bool = false) throws -> Model {
        var configuration = TrainingConfiguration(preset: .videoBest)
        configuration.sizes = [784, 12, 10]
        var generator = SplitMix64(seed: seed)
        var metadata = ["test_accuracy": "0.5", "preprocessing": deskew ? "deskew" : "none"]
        if let teacher { metadata["teacher"] = teacher }
        return Model(network: try configuration.makeNetwork(using: &generator), metadata: metadata)
    }

    static func shelf() throws -> ModelShelf {
        try ModelShelf([(name: "alone.safetensors", model: model(seed: 5)),
                        (name: "taught.safetensors", model: model(seed: 6, teacher: "mlp99.safetensors", deskew: true))])
    }

    static func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: try ExplorerRoutes.router(state: try ExplorerFixture.state(), shelf: try shelf(), access: ExplorerFixture.personal))
        try await app.test(.router, body)
    }

    @Test("GET /api/models lists the served model and the shelf's, with their layers and teachers")
    func listing() async throws {
        try await Self.test { client in
            let (status, json, text) = try await client.call(.get, "/api/models")
            #expect(status == .ok, "\(text)")
            let models = (json as? [String: Any])?["models"] as? [[String: Any]] ?? []
            #expect(models.map { $0["name"] as? String } == ["served", "alone.safetensors", "taught.safetensors"])
            #expect(models.map { $0["served"] as? Bool } == [true, false, false])
            #expect(models[2]["teacher"] as? String == "mlp99.safetensors")
            #expect(models[1]["layers"] as? [Int] == [784, 12, 10])
        }
    }

    @Test("POST /api/predict/compare: every model's answer, each as its own network computes it")
    func answers() async throws {
        var generator = SplitMix64(seed: 9)
        var pixels = [Double](repeating: 0, count: 784)
        for row in 6..<22 { for column in 12..<16 { pixels[row * 28 + column + (row - 6) / 4] = Double(generator.next() % 100) / 100 + 0.01 } }
        let body = "{\"pixels\": [" + pixels.map { "\($0)" }.joined(separator: ",") + "]}"
        let bytes = pixels.map { UInt8(($0 * 255).rounded()) }
        let shelf = try Self.shelf()
        try await Self.test { client in
            let (status, json, text) = try await client.call(.post, "/api/predict/compare", json: body)
            #expect(status == .ok, "\(text)")
            let models = (json as? [String: Any])?["models"] as? [[String: Any]] ?? []
            guard models.count == 3 else {
                Issue.record("\(models.count) answers; expected 3")
                return
            }
            for (index, entry) in shelf.entries.enumerated() {
                let input = try entry.model.preprocessing.apply(to: bytes).map { Float($0) / 255 }
                let expected = entry.model.network.prediction(for: input)
                #expect(models[index + 1]["digit"] as? Int == expected.label, "\(entry.name)")
                let outputs = models[index + 1]["outputs"] as? [Double] ?? []
                #expect(outputs.count == 10 && zip(outputs, expected.outputs).allSatisfy { abs($0 - $1) < 1e-12 }, "\(entry.name)")
            }
            #expect(models[0]["served"] as? Bool == true)
        }
    }

    @Test("bad bodies get the same 4xx as /api/predict", arguments: [
        ("{\"pixels\": [1, 2]}", HTTPResponse.Status.badRequest), ("not json", .badRequest),
        ("{\"pixels\": [" + Array(repeating: "2", count: 784).joined(separator: ",") + "]}", .badRequest),
    ])
    func badBodies(body: String, expected: HTTPResponse.Status) async throws {
        try await Self.test { client in
            let (status, _, text) = try await client.call(.post, "/api/predict/compare", json: body)
            #expect(status == expected, "\(text)")
        }
    }

    @Test("a shelf refuses a model of another shape, a name given twice, and too many models")
    func refusals() throws {
        var generator = SplitMix64(seed: 1)
        let wide = Model(network: try Network<Float>(sizes: [100, 5, 10], using: &generator))
        #expect(throws: ModelShelfError.self) { try ModelShelf([(name: "wide", model: wide)]) }
        let one = try Self.model(seed: 1)
        #expect(throws: ModelShelfError.self) { try ModelShelf([(name: "a", model: one), (name: "a", model: one)]) }
        #expect(throws: ModelShelfError.self) { try ModelShelf((0..<9).map { (name: "m\($0)", model: one) }) }
        let unknown = Model(network: one.network, metadata: ["preprocessing": "sharpen"])
        do {
            _ = try ModelShelf([(name: "odd.safetensors", model: unknown)])
            Issue.record("an unknown preprocessing was accepted")
        } catch {
            #expect(error.description.contains("odd.safetensors"), "\(error)")
        }
        #expect(ModelShelf().entries.isEmpty)
    }
}
