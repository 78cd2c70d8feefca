import DescentExplorer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Who may do what, from where: each refusal of `HostMiddleware` and `AccessMiddleware`, and what passes.
@Suite("Access: host names, other sites, tokens and JSON bodies")
struct AccessTests {
    static let zeros = pixelsBody(Array(repeating: "0", count: 784))

    @Test("a Host that is not this server's is refused, pages included; loopback names pass", arguments: [
        ("evil.example:8080", HTTPResponse.Status.forbidden), ("127.0.0.1.evil.example", .forbidden), ("192.168.1.5:8080", .forbidden),
        ("127.0.0.1:8080", .ok), ("localhost:8080", .ok), ("[::1]:8080", .ok), ("LOCALHOST", .ok),
    ])
    func personalHosts(host: String, expected: HTTPResponse.Status) async throws {
        try await ExplorerFixture.test { client in
            let (status, json, _) = try await client.call(.get, "/api/model", headers: ["Host": host])
            #expect(status == expected, "\(host)")
            if expected == .forbidden { #expect(errorMessage(json)?.contains("DNS-rebinding") == true) }
            #expect(try await client.call(.get, "/", headers: ["Host": host]).status == expected, "\(host): the page")
        }
    }

    @Test("a classroom takes any IP address and the names it was given, and no other name", arguments: [
        ("192.168.1.5:8080", HTTPResponse.Status.ok), ("[fe80::1]:8080", .ok), ("school.example:8080", .ok),
        ("evil.example", .forbidden), ("192.168.1.5.nip.io", .forbidden),
    ])
    func classroomHosts(host: String, expected: HTTPResponse.Status) async throws {
        try await ExplorerFixture.test(access: ExplorerFixture.classroom) { client in
            let status = try await client.call(.get, "/api/model", headers: ["Host": host]).status
            #expect(status == expected, "\(host)")
        }
    }

    @Test("an Origin of another site is refused; the server's own passes", arguments: [
        ("http://evil.example", HTTPResponse.Status.forbidden), ("null", .forbidden), ("http://localhost.evil.example", .forbidden),
        ("http://127.0.0.1:9999", .forbidden), ("http://localhost", .ok),
    ])
    func origins(origin: String, expected: HTTPResponse.Status) async throws {
        try await ExplorerFixture.test { client in
            let (status, _, text) = try await client.call(.post, "/api/predict", json: Self.zeros, headers: ["Origin": origin])
            #expect(status == expected, "\(origin): \(text)")
            let train = try await client.call(.post, "/api/train", json: "{\"epochs\": 1, \"trainingLimit\": 50}", headers: ["Origin": origin])
            #expect((train.status == .forbidden) == (expected == .forbidden), "\(origin): \(train.text)")
        }
    }

    @Test("Sec-Fetch-Site other than same-origin or none is refused on the API; a link from another site still opens the page", arguments: [
        ("cross-site", HTTPResponse.Status.forbidden), ("same-site", .forbidden), ("same-origin", .ok), ("none", .ok),
    ])
    func fetchSite(site: String, expected: HTTPResponse.Status) async throws {
        try await ExplorerFixture.test { client in
            let read = try await client.call(.get, "/api/model", headers: ["Sec-Fetch-Site": site]).status
            let compute = try await client.call(.post, "/api/predict", json: Self.zeros, headers: ["Sec-Fetch-Site": site]).status
            let page = try await client.call(.get, "/", headers: ["Sec-Fetch-Site": site]).status
            #expect(read == expected && compute == expected, "\(site): \(read), \(compute)")
            #expect(page == .ok, "\(site): the page")
        }
    }

    @Test("a change without the token, or with a wrong one, is refused on loopback too")
    func tokenOnLoopback() async throws {
        try await ExplorerFixture.test { client in
            let body = "{\"pixels\": \(Array(repeating: 0.5, count: 784)), \"label\": 3, \"learningRate\": 0.5}"
            for token in [nil, "", "wrong", String(ExplorerFixture.teacherToken.dropLast()) + "0", ExplorerFixture.studentToken] {
                let (status, json, _) = try await client.call(.post, "/api/step", json: body, token: token)
                #expect(status == .forbidden, "\(String(describing: token))")
                #expect(errorMessage(json)?.contains("needs the token") == true)
                #expect(try await client.call(.post, "/api/train", json: "{\"epochs\": 1}", token: token).status == .forbidden)
            }
            let (stepped, _, text) = try await client.call(.post, "/api/step", json: body)
            #expect(stepped == .ok, "\(text)")
            // Reading and computing need none: the Host and site checks stand between them and other sites.
            #expect(try await client.call(.get, "/api/model", token: nil).status == .ok)
            #expect(try await client.call(.post, "/api/predict", json: Self.zeros, token: nil).status == .ok)
        }
    }

    @Test("a JSON route refuses a body not sent as application/json (415), before reading it", arguments: [
        "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data", "application/jsonp",
    ])
    func jsonContentType(type: String) async throws {
        try await ExplorerFixture.test { client in
            let training = try await client.call(.post, "/api/train", json: "{\"epochs\": 1, \"trainingLimit\": 50}", contentType: type)
            #expect(training.status == .unsupportedMediaType, "\(type): \(training.text)")
            #expect(errorMessage(training.json)?.contains("application/json") == true)
            let example = "{\"pixels\": \(Array(repeating: 0, count: 784)), \"label\": 3, \"learningRate\": 0.5}"
            #expect(try await client.call(.post, "/api/step", json: example, contentType: type).status == .unsupportedMediaType)
            #expect(try await client.call(.post, "/api/gradient", json: example, contentType: type).status == .unsupportedMediaType)
            #expect(try await client.call(.post, "/api/predict", json: Self.zeros, contentType: type).status == .unsupportedMediaType)
            let (_, model, _) = try await client.call(.get, "/api/model")
            #expect((model as? [String: Any])?["version"] as? Int == 1)  // nothing was trained
        }
    }

    @Test("a predict without a Content-Type is refused (415): no other site's page may send one")
    func predictWithoutType() async throws {
        try await ExplorerFixture.test { client in
            let status = try await client.execute(uri: "/api/predict", method: .post, headers: [:], body: ByteBuffer(string: Self.zeros)) { $0.status }
            #expect(status == .unsupportedMediaType)
        }
    }

    @Test("the teacher's token is in no page the server sends")
    func teacherTokenStaysOut() async throws {
        try await ExplorerFixture.test(access: ExplorerFixture.classroom) { client in
            for page in try await client.sitePaths() + ["/index.html", "/api/model", "/api/presets"] {
                let (status, _, text) = try await client.call(.get, page, token: ExplorerFixture.studentToken)
                #expect(status == .ok, "\(page)")
                #expect(!text.contains(ExplorerFixture.teacherToken) && !text.contains(ExplorerFixture.studentToken), "\(page)")
            }
        }
    }
}
