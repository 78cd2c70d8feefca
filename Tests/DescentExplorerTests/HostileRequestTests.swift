import DescentDatasets
import DescentExplorer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Hostile bodies that reach the routes: each gets a 4xx with a JSON message, never a 5xx or a crash.
/// (Hostile HTTP itself, below the routes, is tests/robustness/abuse.py's; the predict fuzzer's seeds
/// and findings, fuzz/corpus/predict and fuzz/regressions/predict, are replayed by FuzzInputTests.)
@Suite("POST /api/predict under abuse")
struct HostileRequestTests {
    static let invalidUTF8: [(String, [UInt8])] = [
        ("invalid UTF-8 in a number", Array("{\"pixels\": [".utf8) + [0xFF, 0xFE] + Array("]}".utf8)),
        ("invalid UTF-8 in a key", Array("{\"pixels".utf8) + [0xC3, 0x28] + Array("\": [0]}".utf8)),
        ("a lone surrogate escape", Array("{\"pixels\": [0], \"x\": \"\\udc00\"}".utf8)),
        ("NUL bytes", Array("{\"pixels\": [0\u{0}]}".utf8)),
    ]

    @Test("invalid UTF-8 and control bytes get 400", arguments: invalidUTF8)
    func invalidText(name: String, body: [UInt8]) async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.post, "/api/predict", body: body)
            #expect(status == .badRequest, "\(name): \(text)")
            #expect(errorMessage(json) != nil, "\(name): \(text)")
        }
    }

    static let nestedBodies: [(String, String)] = [
        ("500,000 arrays", String(repeating: "[", count: 500_000)),
        ("pixels 100,000 deep", "{\"pixels\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"),
        ("objects 50,000 deep", String(repeating: "{\"a\":", count: 50_000) + "1" + String(repeating: "}", count: 50_000)),
        ("pixels of arrays", pixelsBody(Array(repeating: "[0]", count: 784))),
    ]

    @Test("deeply nested JSON gets 400", arguments: nestedBodies)
    func nested(name: String, body: String) async throws {
        try await ExplorerFixture.test { client in
            let (status, json, text) = try await client.call(.post, "/api/predict", json: body)
            #expect(status == .badRequest, "\(name): \(text.prefix(200))")
            #expect(errorMessage(json) != nil, "\(name)")
        }
    }

    static let zeros: String = Array(repeating: "0", count: 784).joined(separator: ",")
    static let oddBodies: [(String, String)] = [
        ("an escaped key", "{\"pi\\u0078els\": [" + zeros + "]}"),
        ("an extra key", "{\"pixels\": [" + zeros + "], \"other\": {\"a\": [1]}}"),
        ("exponents", pixelsBody(Array(repeating: "1e-400", count: 784))),
    ]

    @Test("odd but valid JSON is still read", arguments: oddBodies)
    func oddButValid(name: String, body: String) async throws {
        try await ExplorerFixture.test { client in
            let (status, _, text) = try await client.call(.post, "/api/predict", json: body)
            #expect(status == .ok, "\(name): \(text.prefix(200))")
        }
    }

    @Test("PNG headers that lie get 400 or 413, not an allocation of what they claim")
    func lyingPNGHeaders() async throws {
        var claims4G = try GrayImage(width: 8, height: 8, filledWith: 0).pngEncoded()
        claims4G.replaceSubrange(16..<24, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        var claims4000 = try GrayImage(width: 8, height: 8, filledWith: 0).pngEncoded()
        claims4000.replaceSubrange(16..<24, with: [0, 0, 0x0F, 0xA0, 0, 0, 0x0F, 0xA0])  // 4000x4000, 8x8 of data
        let (huge, large) = (claims4G, claims4000)
        try await ExplorerFixture.test { client in
            let hugeStatus = try await client.call(.post, "/api/predict", body: huge, contentType: "image/png").status
            #expect(hugeStatus == .contentTooLarge)
            let largeStatus = try await client.call(.post, "/api/predict", body: large, contentType: "image/png").status
            #expect(largeStatus == .badRequest)
            let cutStatus = try await client.call(.post, "/api/predict", body: Array(large.prefix(30)), contentType: "image/png").status
            #expect(cutStatus == .badRequest)
        }
    }
}

@Suite("The server's limits")
struct ServerLimitsTests {
    @Test("a live server with the limits answers, and refuses a header over the limit")
    func liveServer() async throws {
        let state = try ExplorerFixture.state()
        var limits = ServerLimits.standard
        limits.maximumHeaderBytes = 4096
        let app = try ExplorerRoutes.application(state: state, host: "127.0.0.1", port: 0, limits: limits, access: ExplorerFixture.personal)
        try await app.test(.live) { client in
            let ok = try await client.execute(uri: "/api/model", method: .get) { $0.status }
            #expect(ok == .ok)
            var headers: HTTPFields = [:]
            headers[.init("X-Big")!] = String(repeating: "a", count: 10_000)
            let refused: HTTPResponse.Status? = try? await client.execute(uri: "/api/model", method: .get, headers: headers) { $0.status }
            #expect(refused != .ok, "a 10 KB header over a 4 KB limit was answered \(String(describing: refused))")
        }
    }
}
