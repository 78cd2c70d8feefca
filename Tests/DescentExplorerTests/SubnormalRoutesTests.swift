import DescentExplorer
import DescentLinearAlgebra
import DescentNetwork
import DescentTraining
import Foundation
import Testing

@Suite("Every route reads a model as descent evaluate does: subnormals flushed")
struct SubnormalRoutesTests {
    /// 784-1-10: the hidden ReLU neuron sums 784 products of a subnormal weight (1e-39) and a pixel.
    /// Flushed, the weight reads as 0 and every output ties (class 0); not flushed, the sum is a normal
    /// number that the output layer scales up to pick class 1.
    static func model() throws -> Model {
        let tiny = Float(bitPattern: 0x000A_E398)  // about 1e-39, subnormal
        let hidden = Layer<Float>(weights: Matrix(rows: 1, columns: 784, repeating: tiny), biases: [0], activation: .relu)
        var scale = Array(repeating: Float(0), count: 10)
        scale[1] = 1e37
        let output = Layer<Float>(weights: Matrix(rows: 10, columns: 1, elements: scale), biases: Array(repeating: 0, count: 10),
                                  activation: .softmax)
        return Model(network: try Network(layers: [hidden, output], cost: .crossEntropy), metadata: ["seed": "1"])
    }

    @Test("predict, gradient, step and the confusion matrix all read class 0, as the flushed library does",
          .enabled(if: SubnormalFlushing.isAvailable, "not run: this architecture has no flush-to-zero mode"))
    func sameReading() async throws {
        let model = try Self.model()
        let ones = Array(repeating: Float(1), count: 784)
        #expect(model.network.prediction(for: ones).label == 1, "the control: unflushed, the subnormal products add up to class 1")
        #expect(SubnormalFlushing.flushed { model.network.prediction(for: ones).label } == 0)
        try await ExplorerFixture.test(model: model) { client in
            let pixels = pixelsBody(Array(repeating: "1", count: 784))
            let (_, predicted, text) = try await client.call(.post, "/api/predict", json: pixels)
            #expect((predicted as? [String: Any])?["digit"] as? Int == 0, "\(text.prefix(200))")
            let body = "{\"pixels\": [\(Array(repeating: "1", count: 784).joined(separator: ","))], \"label\": 1, \"learningRate\": 0.01}"
            let (_, gradient, _) = try await client.call(.post, "/api/gradient", json: body)
            #expect((gradient as? [String: Any])?["digit"] as? Int == 0)
            let (_, step, _) = try await client.call(.post, "/api/step", json: body)
            #expect(((step as? [String: Any])?["before"] as? [String: Any])?["digit"] as? Int == 0)
            let (_, confusion, _) = try await client.call(.get, "/api/confusion")
            let matrix = try #require((confusion as? [String: Any])?["matrix"] as? [[Int]])
            #expect(matrix.allSatisfy { row in row.enumerated().allSatisfy { $0.offset == 0 || $0.element == 0 } },
                    "every test image read as class 0: \(matrix)")
        }
    }
}
