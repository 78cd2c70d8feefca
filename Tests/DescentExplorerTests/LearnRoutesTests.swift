import DescentDatasets
import DescentExperiments
import DescentExplorer
import DescentNetwork
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

@Suite("POST /api/gradient and /api/step: learning from one example")
struct LearnRoutesTests {
    /// A vertical bar: 784 pixels, each k/255, so that they come back as the same bytes.
    static let pixels: [Double] = (0..<784).map { (index: Int) -> Double in
        let (row, column) = (index / 28, index % 28)
        return (13...14).contains(column) && (4..<24).contains(row) ? 1 : 0
    }

    static func body(label: String? = "1", learningRate: String? = nil, session: String? = nil,
                     pixels: [Double] = LearnRoutesTests.pixels) -> String {
        var fields = ["\"pixels\": [\(pixels.map { "\($0)" }.joined(separator: ","))]"]
        if let label { fields.append("\"label\": \(label)") }
        if let learningRate { fields.append("\"learningRate\": \(learningRate)") }
        if let session { fields.append("\"session\": \"\(session)\"") }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    @Test("the nudges are the library's ExampleNudges of the served model, in the API's shapes")
    func gradientShapes() async throws {
        let nudges = ExampleNudges(network: try ExplorerFixture.network(), input: Self.pixels.map { Float($0) }, label: 1)
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.post, "/api/gradient", json: Self.body())
            #expect(status == .ok, "\(text)")
            let object = try #require(json as? [String: Any])
            #expect(object["label"] as? Int == 1)
            #expect(object["costName"] as? String == "quadratic" && object["outputActivation"] as? String == "sigmoid")
            let cost = try #require(object["cost"] as? Double)
            let terms = try #require(object["costTerms"] as? [Double])
            #expect(terms.count == 10 && abs(terms.reduce(0, +) - cost) < 1e-5)
            #expect(abs(cost - Double(nudges.example.cost)) < 1e-6)
            let outputs = try #require(object["outputs"] as? [Double])
            // Quadratic: each term is ½(a − y)².
            for (digit, term) in terms.enumerated() {
                let y = digit == 1 ? 1.0 : 0
                #expect(abs(term - (outputs[digit] - y) * (outputs[digit] - y) / 2) < 1e-6)
            }
            let desires = try #require(object["desiredOutputChanges"] as? [Double])
            #expect(zip(desires, nudges.desiredOutputChanges).allSatisfy { abs($0 - Double($1)) < 1e-6 })
            let hidden = try #require(object["hiddenDesires"] as? [[Double]])
            #expect(hidden.map(\.count) == [16, 16])
            #expect(zip(hidden.joined(), nudges.hiddenDesires.joined()).allSatisfy { abs($0 - Double($1)) <= 1e-6 * max(1, abs($0)) })
            let tiles = try #require(object["firstLayerNudges"] as? [[String: Any]])
            #expect(tiles.count == 16 && tiles.allSatisfy { ($0["nudges"] as? [Double])?.count == 784 })
            let firstTile = try #require(tiles.first?["nudges"] as? [Double])
            #expect(zip(firstTile, nudges.firstLayerNudges(limit: 32)[0].nudges).allSatisfy { abs($0 - Double($1)) <= 1e-6 * max(1, abs($0)) })
            let largest = try #require(object["largest"] as? [[String: Any]])
            #expect(largest.count == 10)
            let sizes = largest.compactMap { ($0["derivative"] as? Double).map(abs) }
            #expect(sizes.count == 10 && zip(sizes, sizes.dropFirst()).allSatisfy { $0 >= $1 })
            let top = try #require(largest.first)
            #expect(top["layer"] as? Int == nudges.analysis.ranked[0].layer + 1)
            let share = try #require(top["share"] as? Double)
            #expect(abs(share - nudges.analysis.share(of: nudges.analysis.ranked[0])) < 1e-9)
            #expect(abs((object["norm"] as? Double ?? 0) - nudges.analysis.norm) < 1e-9)
            #expect(object["parameterCount"] as? Int == 13002)
            #expect((object["input"] as? [Int])?.count == 784)
            #expect(object["session"] == nil)
        }
    }

    @Test("the answer is binary: DGR1, the JSON part without pictures or input, then Float32 pictures and the input bytes")
    func gradientIsBinary() async throws {
        let nudges = ExampleNudges(network: try ExplorerFixture.network(), input: Self.pixels.map { Float($0) }, label: 1)
        try await ExplorerFixture.test { client in
            var headers: HTTPFields = [.contentType: "application/json"]
            if let name = HTTPField.Name("X-Descent-Token") { headers[name] = ExplorerFixture.teacherToken }
            try await client.execute(uri: "/api/gradient", method: .post, headers: headers, body: ByteBuffer(string: Self.body())) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/octet-stream")
                let bytes = Array(response.body.readableBytesView)
                let decoded = try BinaryGradient(bytes)
                let jsonPart = String(decoding: bytes[8..<(8 + decoded.jsonCount)], as: UTF8.self)
                #expect(!jsonPart.contains("\"nudges\"") && !jsonPart.contains("\"input\":["), "the JSON part carries no pictures")
                let expected = nudges.firstLayerNudges(limit: 32)
                #expect(decoded.pictures.count == expected.count)
                #expect(decoded.pictures == expected.map(\.nudges), "Float32 values, bit for bit")
                #expect(decoded.input.count == 784 && decoded.input[4 * 28 + 13] == 255 && decoded.input[0] == 0)
                // 51 KB of JSON before; now the pictures are 4 bytes a value.
                #expect(bytes.count < 16 + decoded.jsonCount + 3 + 4 * 16 * 784 + 784 + 1)
            }
        }
    }

    @Test("a drawing in base64 is prepared as /api/predict prepares it")
    func gradientFromDrawing() async throws {
        var image = GrayImage(width: 200, height: 200, filledWith: 255)
        for y in 40..<160 { for x in 95..<105 { image.pixels[y * 200 + x] = 0 } }
        let png = Data(try image.pngEncoded()).base64EncodedString()
        let expected = try DigitPreparation.mnistInput(from: image, source: "test")
        try await ExplorerFixture.test { client in
            for drawing in [png, "data:image/png;base64," + png] {
                let (status, json, text) = try await client.call(.post, "/api/gradient", json: "{\"drawing\": \"\(drawing)\", \"label\": 1}")
                #expect(status == .ok, "\(text)")
                #expect((json as? [String: Any])?["input"] as? [Int] == expected.map(Int.init))
            }
        }
    }

    @Test("repeated small steps lower the label's cost; the served model's bytes and version do not change")
    func stepsLowerTheCostOfACopy() async throws {
        try await ExplorerFixture.test { client in
            let (_, modelBefore, _) = try await client.call(.get, "/api/model")
            let fileBefore = try await client.call(.get, "/api/model/file").text
            let (_, predictBefore, _) = try await client.call(.post, "/api/predict", json: pixelsBody(Self.pixels.map { "\($0)" }))
            var session: String?
            var costs: [Double] = []
            for number in 1...10 {
                let (status, json, text) = try await client.call(.post, "/api/step", json: Self.body(learningRate: "0.5", session: session))
                #expect(status == .ok, "\(text)")
                let object = try #require(json as? [String: Any])
                let copy = try #require(object["session"] as? [String: Any])
                #expect(session == nil || copy["id"] as? String == session)
                session = copy["id"] as? String
                #expect(copy["steps"] as? Int == number && copy["outdated"] as? Bool == false)
                let before = try #require((object["before"] as? [String: Any])?["cost"] as? Double)
                let after = try #require((object["after"] as? [String: Any])?["cost"] as? Double)
                #expect(after < before, "step \(number): \(before) -> \(after)")
                #expect(abs((object["costChange"] as? Double ?? 0) - (after - before)) < 1e-6)
                if costs.isEmpty { costs.append(before) }
                costs.append(after)
            }
            #expect(try #require(costs.last) < costs[0] * 0.9, "\(costs)")
            // The gradient of the copy is at the copy's cost.
            let (_, gradient, _) = try await client.call(.post, "/api/gradient", json: Self.body(session: session))
            #expect((gradient as? [String: Any])?["cost"] as? Double == costs.last)
            // The served model is as it was.
            let (_, modelAfter, _) = try await client.call(.get, "/api/model")
            #expect((modelAfter as? [String: Any])?["version"] as? Int == (modelBefore as? [String: Any])?["version"] as? Int)
            #expect(try await client.call(.get, "/api/model/file").text == fileBefore)
            let (_, predictAfter, _) = try await client.call(.post, "/api/predict", json: pixelsBody(Self.pixels.map { "\($0)" }))
            #expect((predictAfter as? [String: Any])?["outputs"] as? [Double] == (predictBefore as? [String: Any])?["outputs"] as? [Double])
            let (_, plain, _) = try await client.call(.post, "/api/gradient", json: Self.body())
            #expect((plain as? [String: Any])?["cost"] as? Double == costs[0])
        }
    }

    @Test("undo takes back the last step exactly; reset returns to the served model; nothing to undo is 409")
    func undoAndReset() async throws {
        try await ExplorerFixture.test { client in
            let (_, first, _) = try await client.call(.post, "/api/step", json: Self.body(learningRate: "1"))
            let id = try #require(((first as? [String: Any])?["session"] as? [String: Any])?["id"] as? String)
            let afterFirst = ((first as? [String: Any])?["after"] as? [String: Any])?["cost"] as? Double
            let original = ((first as? [String: Any])?["before"] as? [String: Any])?["cost"] as? Double
            _ = try await client.call(.post, "/api/step", json: Self.body(learningRate: "1", session: id))
            let (undoStatus, undone, _) = try await client.call(.post, "/api/step/undo", json: Self.body(session: id))
            #expect(undoStatus == .ok)
            let undoObject = try #require(undone as? [String: Any])
            #expect((undoObject["after"] as? [String: Any])?["cost"] as? Double == afterFirst)
            #expect((undoObject["session"] as? [String: Any])?["steps"] as? Int == 1)
            #expect(((undoObject["session"] as? [String: Any])?["history"] as? [Any])?.count == 1)
            _ = try await client.call(.post, "/api/step", json: Self.body(learningRate: "1", session: id))
            let (resetStatus, reset, _) = try await client.call(.post, "/api/step/reset", json: Self.body(session: id))
            #expect(resetStatus == .ok)
            #expect(((reset as? [String: Any])?["after"] as? [String: Any])?["cost"] as? Double == original)
            #expect(((reset as? [String: Any])?["session"] as? [String: Any])?["steps"] as? Int == 0)
            let (nothing, json, _) = try await client.call(.post, "/api/step/undo", json: Self.body(session: id))
            #expect(nothing == .conflict)
            #expect(errorMessage(json)?.contains("undo") == true)
        }
    }

    /// Each bad request: its name, the endpoint, the body, the status and a word the error must contain.
    static let badRequests: [(name: String, uri: String, body: String, status: Int, field: String)] = [
        ("no label", "/api/gradient", body(label: nil), 400, "label"),
        ("label 10", "/api/gradient", body(label: "10"), 400, "label"),
        ("label -1", "/api/gradient", body(label: "-1"), 400, "label"),
        ("label a string", "/api/gradient", body(label: "\"3\""), 400, "label"),
        ("label 3.5", "/api/gradient", body(label: "3.5"), 400, "label"),
        ("783 pixels", "/api/gradient", body(pixels: Array(repeating: 0.5, count: 783)), 400, "pixels"),
        ("pixel 1.5", "/api/gradient", body(pixels: [1.5] + Array(repeating: 0, count: 783)), 400, "pixels"),
        ("no ink", "/api/gradient", body(pixels: Array(repeating: 0, count: 784)), 422, "draw a digit"),
        ("no example", "/api/gradient", "{\"label\": 1}", 400, "pixels"),
        ("pixels and drawing", "/api/gradient", "{\"pixels\": [], \"drawing\": \"\", \"label\": 1}", 400, "drawing"),
        ("drawing not base64", "/api/gradient", "{\"drawing\": \"not base64!\", \"label\": 1}", 400, "drawing"),
        ("drawing not a PNG", "/api/gradient", "{\"drawing\": \"aGVsbG8gdGhlcmUsIG5vdCBhIFBORyBhdCBhbGw=\", \"label\": 1}", 400, "drawing"),
        ("unknown session", "/api/gradient", body(session: "nope"), 404, "session"),
        ("session a number", "/api/gradient", "{\"pixels\": [0], \"label\": 1, \"session\": 5}", 400, "session"),
        ("not JSON", "/api/gradient", "NaN", 400, "not valid JSON"),
        ("no learning rate", "/api/step", body(), 400, "learningRate"),
        ("learning rate 0", "/api/step", body(learningRate: "0"), 400, "learningRate"),
        ("learning rate -1", "/api/step", body(learningRate: "-1"), 400, "learningRate"),
        ("learning rate 100.5", "/api/step", body(learningRate: "100.5"), 400, "learningRate"),
        ("learning rate 1e-300", "/api/step", body(learningRate: "1e-300"), 400, "learningRate"),
        ("learning rate 1e999", "/api/step", body(learningRate: "1e999"), 400, "learningRate"),
        ("learning rate NaN", "/api/step", body(learningRate: "NaN"), 400, "not valid JSON"),
        ("learning rate a string", "/api/step", body(learningRate: "\"fast\""), 400, "learningRate"),
        ("step label 10", "/api/step", body(label: "10", learningRate: "1"), 400, "label"),
        ("step unknown session", "/api/step", body(learningRate: "1", session: "nope"), 404, "session"),
        ("step no ink", "/api/step", body(learningRate: "1", pixels: Array(repeating: 0, count: 784)), 422, "draw a digit"),
        ("undo without session", "/api/step/undo", body(), 400, "session"),
        ("reset without session", "/api/step/reset", body(), 400, "session"),
        ("undo unknown session", "/api/step/undo", body(session: "nope"), 404, "session"),
    ]

    @Test("bad examples, labels, learning rates and sessions get a 4xx naming the field", arguments: badRequests.map(\.name))
    func rejectsBadRequests(name: String) async throws {
        let bad = try #require(Self.badRequests.first { $0.name == name })
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.post, bad.uri, json: bad.body)
            #expect(status.code == bad.status, "\(name): \(text)")
            #expect(errorMessage(json)?.contains(bad.field) == true, "\(name): \(text)")
        }
    }

    @Test("a blank drawing gets 422, as /api/predict answers it")
    func blankDrawing() async throws {
        let blank = Data(try GrayImage(width: 50, height: 50, filledWith: 255).pngEncoded()).base64EncodedString()
        try await ExplorerFixture.test { client in
            let (status, json, _) = try await client.call(.post, "/api/gradient", json: "{\"drawing\": \"\(blank)\", \"label\": 1}")
            #expect(status == .unprocessableContent)
            #expect(errorMessage(json)?.contains("draw a digit") == true)
        }
    }

    @Test("a refused step leaves the copy as it was")
    func refusedStepChangesNothing() async throws {
        try await ExplorerFixture.test { client in
            let (_, first, _) = try await client.call(.post, "/api/step", json: Self.body(learningRate: "1"))
            let id = try #require(((first as? [String: Any])?["session"] as? [String: Any])?["id"] as? String)
            let (status, _, _) = try await client.call(.post, "/api/step", json: Self.body(label: "12", learningRate: "1", session: id))
            #expect(status == .badRequest)
            let (_, gradient, _) = try await client.call(.post, "/api/gradient", json: Self.body(session: id))
            #expect(((gradient as? [String: Any])?["session"] as? [String: Any])?["steps"] as? Int == 1)
        }
    }

    @Test("the server keeps the 64 most recently used copies; the oldest is forgotten")
    func boundedCopies() async throws {
        try await ExplorerFixture.test { client in
            var ids: [String] = []
            for _ in 0..<65 {
                let (_, json, _) = try await client.call(.post, "/api/step", json: Self.body(learningRate: "0.1"))
                ids.append(try #require(((json as? [String: Any])?["session"] as? [String: Any])?["id"] as? String))
            }
            #expect(Set(ids).count == 65)
            #expect(try await client.call(.post, "/api/gradient", json: Self.body(session: ids[0])).status == .notFound)
            #expect(try await client.call(.post, "/api/gradient", json: Self.body(session: ids[1])).status == .ok)
            #expect(try await client.call(.post, "/api/gradient", json: Self.body(session: ids[64])).status == .ok)
        }
    }
}
