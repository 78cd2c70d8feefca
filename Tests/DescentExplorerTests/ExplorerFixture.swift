import DescentDatasets
import DescentExplorer
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import DescentLinearAlgebra
import DescentNetwork
import DescentTraining

/// A small random network and made-up images, so the API can be tested without MNIST.
enum ExplorerFixture {
    static func images(count: Int, seed: UInt64) -> LabeledImages {
        var generator = SplitMix64(seed: seed)
        let pixels = (0..<(count * 784)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let labels = (0..<count).map { UInt8($0 % 10) }
        return LabeledImages(rows: 28, columns: 28, pixels: pixels, labels: labels)
    }

    /// The served model's network: the video's 784-16-16-10, sigmoid, quadratic cost, seed 1.
    static func network() throws -> Network<Float> {
        var generator = SplitMix64(seed: 1)
        return try TrainingConfiguration().makeNetwork(using: &generator)
    }

    static func state(trainingCount: Int = 300) throws -> ExplorerState {
        let network = try network()
        let data = ExplorerData(training: images(count: trainingCount, seed: 2), validation: images(count: 50, seed: 3),
                                test: images(count: 100, seed: 4))
        return ExplorerState(model: Model(network: network, metadata: ["seed": "1"]), data: data)
    }

    /// The teacher's token of the test servers (on a personal server, the page's too).
    static let teacherToken = String(repeating: "7e", count: 32)
    /// The students' token of the classroom test servers.
    static let studentToken = String(repeating: "5d", count: 32)
    /// A personal server's access: one token, the teacher's; loopback names.
    static let personal = ExplorerAccess(studentToken: nil, teacherToken: teacherToken, hosts: .loopback)
    /// A classroom's access: both tokens; any IP address and school.example.
    static let classroom = ExplorerAccess(studentToken: studentToken, teacherToken: teacherToken,
                                          hosts: AllowedHosts(acceptsAddresses: true, names: ["school.example"]))

    /// Runs `body` against a router test client of a fresh explorer with `access`.
    static func test(trainingCount: Int = 300, access: ExplorerAccess = personal, limits: WorkLimits = .standard,
                     _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let base = try state(trainingCount: trainingCount)
        let state = ExplorerState(model: await base.model, data: await base.data, limits: limits)
        let app = Application(router: try ExplorerRoutes.router(state: state, access: access))
        try await app.test(.router, body)
    }
}

extension TestClientProtocol {
    /// Sends a request and returns the status and the body parsed as JSON (nil when it is not).
    /// - Parameters:
    ///   - token: Sent as `X-Descent-Token`; by default the teacher's (the page's on a personal server); nil: none.
    ///   - headers: Further header fields (`Host`, `Origin`, `Sec-Fetch-Site`).
    func call(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, body: [UInt8]? = nil,
              contentType: String = "application/json", token: String? = ExplorerFixture.teacherToken,
              headers extra: [String: String] = [:]) async throws -> (status: HTTPResponse.Status, json: Any?, text: String) {
        var headers: HTTPFields = [:]
        if let token, let name = HTTPField.Name("X-Descent-Token") { headers[name] = token }
        for (name, value) in extra { if let name = HTTPField.Name(name) { headers[name] = value } }
        var buffer: ByteBuffer?
        if let json { buffer = ByteBuffer(string: json) }
        if let body { buffer = ByteBuffer(bytes: body) }
        if buffer != nil { headers[.contentType] = contentType }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            let text = String(decoding: response.body.readableBytesView, as: UTF8.self)
            let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8))
            return (response.status, parsed, text)
        }
    }

    /// The paths of the page's files as a browser finds them: "/", then each file of its own that a file
    /// names (`src="main.js"`, `href="style.css"`) or imports (`from "./api.js"`), each once, in that order.
    func sitePaths() async throws -> [String] {
        let reference = try NSRegularExpression(pattern: #"(?:src|href)="([\w.-]+)"|from "\./([\w.-]+)""#)
        var paths = ["/"], index = 0
        while index < paths.count {
            let text = try await call(.get, paths[index], token: nil).text
            index += 1
            for match in reference.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let group = match.range(at: 1).location != NSNotFound ? 1 : 2
                guard let range = Range(match.range(at: group), in: text) else { continue }
                let path = "/" + text[range]
                if !paths.contains(path) { paths.append(path) }
            }
        }
        return paths
    }
}

/// The `error` message of a JSON error body.
func errorMessage(_ json: Any?) -> String? {
    (json as? [String: Any])?["error"] as? String
}

/// 784 pixels as a JSON request body.
func pixelsBody(_ values: [String]) -> String {
    "{\"pixels\": [\(values.joined(separator: ","))]}"
}
