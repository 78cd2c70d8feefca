import DescentDatasets
import DescentExplorer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("POST /api/predict and GET /api/model")
struct PredictRoutesTests {
    @Test("784 pixels give a digit, ten outputs and every layer's activations")
    func predictsFromPixels() async throws {
        try await ExplorerFixture.test { client in
            let values = (0..<784).map { $0 % 28 == 14 ? "1" : "0" }
            let (status, json, _) = try await client.call(.post, "/api/predict", json: pixelsBody(values))
            #expect(status == .ok)
            let object = try #require(json as? [String: Any])
            let digit = try #require(object["digit"] as? Int)
            #expect((0...9).contains(digit))
            #expect((object["outputs"] as? [Double])?.count == 10)
            #expect((object["activations"] as? [[Double]])?.map(\.count) == [16, 16, 10])
            #expect((object["input"] as? [Int])?.count == 784)
        }
    }

    @Test("a PNG drawing is prepared as descent predict prepares it")
    func predictsFromDrawing() async throws {
        var image = GrayImage(width: 200, height: 200, filledWith: 255)
        for y in 40..<160 { for x in 95..<105 { image.pixels[y * 200 + x] = 0 } }
        let png = try image.pngEncoded()
        let expected = try DigitPreparation.mnistInput(from: image, source: "test")
        try await ExplorerFixture.test { client in
            let (status, json, _) = try await client.call(.post, "/api/predict", body: png, contentType: "image/png")
            #expect(status == .ok)
            #expect((json as? [String: Any])?["input"] as? [Int] == expected.map(Int.init))
        }
    }

    @Test("bad pixel bodies get 400 with a JSON message", arguments: [
        ("wrong length", pixelsBody(Array(repeating: "0", count: 783))),
        ("too long", pixelsBody(Array(repeating: "0", count: 785))),
        ("not numbers", pixelsBody(Array(repeating: "\"a\"", count: 784))),
        ("null", pixelsBody(["null"] + Array(repeating: "0", count: 783))),
        ("NaN", pixelsBody(["NaN"] + Array(repeating: "0", count: 783))),
        ("infinite", pixelsBody(["1e999"] + Array(repeating: "0", count: 783))),
        ("above 1", pixelsBody(["1.5"] + Array(repeating: "0", count: 783))),
        ("negative", pixelsBody(Array(repeating: "0", count: 783) + ["-0.1"])),
        ("no pixels key", "{\"pixel\": []}"),
        ("pixels not an array", "{\"pixels\": 3}"),
        ("not JSON", "hello"),
        ("empty", ""),
    ])
    func rejectsBadPixels(name: String, body: String) async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.post, "/api/predict", json: body)
            #expect(status == .badRequest, "\(name): \(text)")
            #expect(errorMessage(json) != nil, "\(name): \(text)")
        }
    }

    @Test("a body over 1 MB gets 413")
    func rejectsLargeBody() async throws {
        try await ExplorerFixture.test { client in
            let body = "{\"pixels\": [" + String(repeating: "0, ", count: 400_000) + "0]}"
            let (status, json, _) = try await client.call(.post, "/api/predict", json: body)
            #expect(status == .contentTooLarge)
            #expect(errorMessage(json)?.contains("1 MB") == true)
        }
    }

    @Test("bad drawings: not a PNG 400, blank 422, huge 413, other content types 415")
    func rejectsBadDrawings() async throws {
        let blank = try GrayImage(width: 50, height: 50, filledWith: 255).pngEncoded()
        var claimsHuge = try GrayImage(width: 8, height: 8, filledWith: 0).pngEncoded()
        claimsHuge.replaceSubrange(16..<24, with: [0, 1, 0, 0, 0, 1, 0, 0])  // Claims 65536x65536.
        let huge = claimsHuge
        try await ExplorerFixture.test { client in
            #expect(try await client.call(.post, "/api/predict", body: [1, 2, 3], contentType: "image/png").status == .badRequest)
            let (status, json, _) = try await client.call(.post, "/api/predict", body: blank, contentType: "image/png")
            #expect(status == .unprocessableContent)
            #expect(errorMessage(json)?.isEmpty == false)
            #expect(try await client.call(.post, "/api/predict", body: huge, contentType: "image/png").status == .contentTooLarge)
            #expect(try await client.call(.post, "/api/predict", json: "x", contentType: "text/plain").status == .unsupportedMediaType)
        }
    }

    @Test("the model's architecture, metadata and test accuracy")
    func model() async throws {
        try await ExplorerFixture.test { client in
            let (status, json, _) = try await client.call(.get, "/api/model")
            #expect(status == .ok)
            let object = try #require(json as? [String: Any])
            #expect(object["sizes"] as? [Int] == [784, 16, 16, 10])
            #expect(object["activations"] as? [String] == ["sigmoid", "sigmoid", "sigmoid"])
            #expect(object["parameterCount"] as? Int == 13002)
            #expect(object["testCount"] as? Int == 100)
            #expect((object["metadata"] as? [String: String])?["seed"] == "1")
        }
    }

    @Test("unknown routes, wrong methods and paths that look like files get 404 JSON", arguments: [
        (HTTPRequest.Method.get, "/api/nope"), (.get, "/Package.swift"), (.get, "/../../etc/passwd"),
        (.get, "/Site/index.html"), (.get, "/%2e%2e/Package.swift"), (.delete, "/api/model"), (.get, "/api/predict"),
    ])
    func unknownRoutes(method: HTTPRequest.Method, uri: String) async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(method, uri)
            #expect(status == .notFound || status == .methodNotAllowed, "\(uri): \(status)")
            #expect(errorMessage(json) != nil, "\(uri): \(text)")
        }
    }

    @Test("the pages are served from the bundle", arguments: ["/", "/index.html", "/main.js", "/style.css"])
    func pages(uri: String) async throws {
        try await ExplorerFixture.test { client in
            let (status, _, text) = try await client.call(.get, uri)
            #expect(status == .ok)
            #expect(!text.isEmpty)
            #expect(!text.contains("http://") && !text.contains("https://"), "no other host is referenced")
        }
    }

    @Test("every module the page loads is served as JavaScript, from this host alone")
    func modules() async throws {
        try await ExplorerFixture.test { client in
            let paths = try await client.sitePaths()
            let modules = paths.filter { $0.hasSuffix(".js") }
            // main.js, and through its imports every page's module and the shared ones.
            #expect(modules.first == "/main.js" && modules.count >= 20, "\(paths)")
            for name in ["/api.js", "/events.js", "/pad.js", "/figures.js", "/lesson.js", "/lesson-limits.js", "/draw-learn.js"] {
                #expect(modules.contains(name), "\(name) is imported: \(paths)")
            }
            for path in modules {
                try await client.execute(uri: path, method: .get) { response in
                    let text = String(decoding: response.body.readableBytesView, as: UTF8.self)
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == "text/javascript; charset=utf-8", "\(path)")
                    #expect(!text.contains("http://") && !text.contains("https://"), "\(path): no other host is referenced")
                }
            }
        }
    }

    @Test("the favicon is served as SVG at /favicon.svg and /favicon.ico", arguments: ["/favicon.svg", "/favicon.ico"])
    func favicon(uri: String) async throws {
        try await ExplorerFixture.test { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/svg+xml")
                #expect(String(decoding: response.body.readableBytesView, as: UTF8.self).hasPrefix("<svg"))
            }
        }
    }
}
