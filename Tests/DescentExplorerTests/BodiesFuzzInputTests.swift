@testable import DescentExplorer
import DescentTestSupport
import Testing

/// The bodies fuzzer's seeds and findings (fuzz/corpus/bodies, fuzz/regressions/bodies): the JSON
/// bodies of POST /api/train, /api/step and /api/fine-tune, decoded and checked as their routes do.
/// Each is accepted within its route's limits or refused with a 4xx APIError (anything else would
/// reach the client as a 500). The first byte picks the route, as in fuzz/Sources/FuzzBodies/main.swift.
@Suite("Fuzz inputs: train, step and fine-tune bodies")
struct BodiesFuzzInputTests {
    enum Route: CaseIterable { case train, step, fineTune }

    /// What the route does with `body` before any work: nil when it is accepted, else the refusal.
    func refusal(_ route: Route, body: [UInt8]) throws -> APIError? {
        do {
            switch route {
            case .train:
                let request = try JSONResponse.decode(TrainingRequest.self, from: body, expected: "a training request")
                let configuration = try request.configuration()
                #expect((1...TrainingRequest.maximumEpochs).contains(configuration.epochs))
            case .step:
                let request = try JSONResponse.decode(LearnRequest.self, from: body, expected: LearnRequest.expected)
                let (input, rate, label) = (try request.inputBytes(), try request.validatedLearningRate(), try request.validatedLabel(classes: 10))
                #expect(input.count == 784 && rate > 0 && Double(rate) <= LearnRequest.maximumLearningRate * (1 + 1e-6) && (0..<10).contains(label))
            case .fineTune:
                let request = body.isEmpty ? FineTuneRequest() : try JSONResponse.decode(FineTuneRequest.self, from: body, expected: "a fine-tuning request")
                let options = try request.options()
                #expect((1...FineTuneRequest.maximumEpochs).contains(options.epochs) && options.share > 0 && options.share < 1)
            }
            return nil
        } catch let error as APIError {
            return error
        }
    }

    @Test("every body is accepted within its route's limits or refused with a 4xx; the good seeds are accepted")
    func bodies() throws {
        let inputs = FuzzInputs.all("bodies")
        #expect(inputs.count >= 9)
        var accepted: [String] = []
        for (name, bytes) in inputs where !bytes.isEmpty {
            let route = Route.allCases[Int(bytes[0]) % Route.allCases.count]
            if let error = try refusal(route, body: Array(bytes.dropFirst())) {
                #expect((400..<500).contains(error.status.code), "\(name): \(error.status) \(error.message)")
            } else {
                accepted.append(name)
            }
        }
        let good = ["train-preset.json", "train-full.json", "step-pixels.json", "step-drawing.json", "fine-tune.json", "fine-tune-empty"]
        #expect(Set(good.map { "corpus/bodies/" + $0 }) == Set(accepted.filter { $0.hasPrefix("corpus/") }), "\(accepted)")
    }
}
