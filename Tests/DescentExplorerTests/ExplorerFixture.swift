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
                     model: Model? = nil, executor: WorkExecutor? = nil, metrics: ExplorerMetrics? = nil,
                     _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let base = try state(trainingCount: trainingCount)
        let served = if let model { model } else { await base.model }
        let state = ExplorerState(model: served, data: await base.data, limits: limits, executor: executor)
        let app = Application(router: try ExplorerRoutes.router(state: state, access: access, metrics: metrics))
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
            let bytes = Array(response.body.readableBytesView)
            if let decoded = try? BinaryGradient(bytes) {
                return (response.status, decoded.object, String(decoding: bytes.prefix(8 + decoded.jsonCount), as: UTF8.self))
            }
            let text = String(decoding: bytes, as: UTF8.self)
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

/// `POST /api/gradient`'s binary answer read back, as the page reads it: the JSON part, with each
/// picture's nudges and the input put back where a JSON answer would have them.
struct BinaryGradient {
    struct Malformed: Error, CustomStringConvertible { let description: String }

    /// The JSON part with `firstLayerNudges[i]["nudges"]` and `input` restored.
    let object: [String: Any]
    let jsonCount: Int
    let pictures: [[Float]]
    let input: [UInt8]

    /// - Throws: `Malformed` when the magic, a length or the total size is wrong.
    init(_ bytes: [UInt8]) throws {
        guard bytes.count >= 8, Array(bytes[0..<4]) == Array("DGR1".utf8) else { throw Malformed(description: "no DGR1 magic") }
        func uint32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        let count = uint32(4)
        let padded = (count + 3) & ~3
        guard bytes.count >= 8 + padded + 8 else { throw Malformed(description: "JSON of \(count) bytes in \(bytes.count)") }
        guard var object = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + count)])) as? [String: Any] else {
            throw Malformed(description: "the JSON part is not an object")
        }
        guard bytes[(8 + count)..<(8 + padded)].allSatisfy({ $0 == 0 }) else { throw Malformed(description: "padding is not zeros") }
        let (p, n) = (uint32(8 + padded), uint32(12 + padded))
        let start = 16 + padded
        guard bytes.count == start + 4 * p * n + n else { throw Malformed(description: "\(bytes.count) bytes for \(p) pictures of \(n)") }
        pictures = (0..<p).map { picture in
            (0..<n).map { value in Float(bitPattern: UInt32(truncatingIfNeeded: uint32(start + 4 * (picture * n + value)))) }
        }
        input = Array(bytes[(start + 4 * p * n)...])
        var tiles = object["firstLayerNudges"] as? [[String: Any]] ?? []
        guard tiles.count == p else { throw Malformed(description: "\(tiles.count) pictures in the JSON, \(p) in binary") }
        for index in tiles.indices { tiles[index]["nudges"] = pictures[index].map(Double.init) }
        object["firstLayerNudges"] = tiles
        object["input"] = input.map(Int.init)
        self.object = object
        jsonCount = count
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
