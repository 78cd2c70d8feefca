@testable import DescentExplorer
import Hummingbird
import DescentTestSupport
import Testing

/// The predict fuzzer's seeds and findings: the body decoder returns 784 bytes or throws an APIError
/// with a 4xx status (anything else would reach the client as a 500). The first byte of each input
/// picks the Content-Type, as in fuzz/Sources/FuzzPredict/main.swift.
@Suite("Fuzz inputs: predict bodies")
struct FuzzInputTests {
    static let contentTypes: [String?] = [nil, "application/json", "image/png", "application/json; charset=utf-8", "text/plain"]

    @Test("every predict input decodes to 784 bytes or is a 4xx")
    func predict() {
        let inputs = FuzzInputs.all("predict")
        #expect(inputs.count >= 5)
        for (name, bytes) in inputs where !bytes.isEmpty {
            let contentType = Self.contentTypes[Int(bytes[0]) % Self.contentTypes.count]
            do {
                let input = try ExplorerRoutes.predictionInput(body: Array(bytes.dropFirst()), contentType: contentType)
                #expect(input.count == 784, "\(name)")
            } catch let error as APIError {
                #expect((400..<500).contains(error.status.code), "\(name): \(error.status) \(error.message)")
            } catch {
                Issue.record("\(name): \(error)")
            }
        }
    }
}
