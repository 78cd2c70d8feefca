import DescentDatasets
import DescentExplorer
import Foundation
import Hummingbird
import HummingbirdTesting
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

    /// Runs `body` against a router test client of a fresh explorer.
    static func test(trainingCount: Int = 300, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let state = try state(trainingCount: trainingCount)
        let app = Application(router: try ExplorerRoutes.router(state: state))
        try await app.test(.router, body)
    }
}

extension TestClientProtocol {
    /// Sends a request and returns the status and the body parsed as JSON (nil when it is not).
    func call(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, body: [UInt8]? = nil,
              contentType: String = "application/json") async throws -> (status: HTTPResponse.Status, json: Any?, text: String) {
        var headers: HTTPFields = [:]
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
}

/// The `error` message of a JSON error body.
func errorMessage(_ json: Any?) -> String? {
    (json as? [String: Any])?["error"] as? String
}

/// 784 pixels as a JSON request body.
func pixelsBody(_ values: [String]) -> String {
    "{\"pixels\": [\(values.joined(separator: ","))]}"
}
