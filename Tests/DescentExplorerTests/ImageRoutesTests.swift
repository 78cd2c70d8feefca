import DescentExplorer
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Weights, test images and the confusion matrix")
struct ImageRoutesTests {
    @Test("each weight layer has its shape", arguments: [(1, 16, 784), (2, 16, 16), (3, 10, 16)])
    func weights(layer: Int, rows: Int, columns: Int) async throws {
        try await ExplorerFixture.test { client in
            let (status, json, _) = try await client.call(.get, "/api/weights/\(layer)")
            #expect(status == .ok)
            let object = try #require(json as? [String: Any])
            #expect(object["rows"] as? Int == rows)
            #expect(object["columns"] as? Int == columns)
            #expect((object["weights"] as? [Double])?.count == rows * columns)
            #expect((object["biases"] as? [Double])?.count == rows)
        }
    }

    @Test("unknown layers, neurons and indexes: 404; not integers: 400", arguments: [
        ("/api/weights/0", 404), ("/api/weights/4", 404), ("/api/weights/-1", 404), ("/api/weights/x", 400),
        ("/api/weights/99999999999999999999", 400), ("/api/weights/1/16/top", 404), ("/api/weights/1/a/top", 400),
        ("/api/weights/1/0/top?count=0", 400), ("/api/weights/1/0/top?count=101", 400), ("/api/weights/1/0/top?count=z", 400),
        ("/api/test/100", 404), ("/api/test/-1", 404), ("/api/test/1.5", 400), ("/api/test/", 404),
        ("/api/confusion/10/0", 404), ("/api/confusion/0/x", 400), ("/api/confusion/0/0?count=1000", 400),
    ])
    func rejectsUnknown(uri: String, expected: Int) async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.get, uri)
            #expect(status.code == expected, "\(uri): \(text)")
            #expect(errorMessage(json) != nil, "\(uri): \(text)")
        }
    }

    @Test("a neuron's top test images come in decreasing activation")
    func topImages() async throws {
        try await ExplorerFixture.test { client in
            let (status, json, _) = try await client.call(.get, "/api/weights/1/3/top?count=5")
            #expect(status == .ok)
            let images = try #require((json as? [String: Any])?["images"] as? [[String: Any]])
            #expect(images.count == 5)
            let scores = images.compactMap { $0["score"] as? Double }
            #expect(scores == scores.sorted(by: >))
            #expect(images.allSatisfy { ($0["bytes"] as? [Int])?.count == 784 })
        }
    }

    @Test("a test image with its label")
    func testImage() async throws {
        try await ExplorerFixture.test { client in
            let (status, json, _) = try await client.call(.get, "/api/test/13")
            #expect(status == .ok)
            let object = try #require(json as? [String: Any])
            #expect(object["label"] as? Int == 3)
            #expect((object["bytes"] as? [Int])?.count == 784)
        }
    }

    @Test("the confusion matrix counts every test image, and a cell lists its images")
    func confusion() async throws {
        try await ExplorerFixture.test { client in
            let (status, json, _) = try await client.call(.get, "/api/confusion")
            #expect(status == .ok)
            let matrix = try #require((json as? [String: Any])?["matrix"] as? [[Int]])
            #expect(matrix.count == 10 && matrix.allSatisfy { $0.count == 10 })
            #expect(matrix.joined().reduce(0, +) == 100)
            let (actual, predicted) = try #require((0..<100).lazy.map { ($0 / 10, $0 % 10) }.first { matrix[$0.0][$0.1] > 0 })
            let (cellStatus, cellJSON, _) = try await client.call(.get, "/api/confusion/\(actual)/\(predicted)?count=100")
            #expect(cellStatus == .ok)
            let cell = try #require(cellJSON as? [String: Any])
            #expect(cell["count"] as? Int == matrix[actual][predicted])
            #expect((cell["images"] as? [[String: Any]])?.allSatisfy { $0["label"] as? Int == actual } == true)
        }
    }
}
