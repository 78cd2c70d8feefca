// libFuzzer target: the JSON bodies of POST /api/train, /api/step and /api/fine-tune, decoded and
// checked as their routes do (TrainingRequest, LearnRequest, FineTuneRequest), without training or
// stepping anything. The first byte chooses the route, the rest is the body. Each body is accepted
// with values inside the limits its route promises, or refused with an APIError whose status is a
// 4xx: anything else would reach the client as a 500, and is a finding.
//
// The request types are internal to DescentExplorer, so this target imports it @testable (run.sh
// builds with -enable-testing).
@testable import DescentExplorer
import Descent
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum Route: CaseIterable {
    case train, step, fineTune
}

func check(_ route: Route, body: [UInt8]) throws {
    switch route {
    case .train:
        let request = try JSONResponse.decode(TrainingRequest.self, from: body, expected: "a training request")
        let configuration = try request.configuration()
        precondition((1...TrainingRequest.maximumEpochs).contains(configuration.epochs), "train: epochs \(configuration.epochs)")
        precondition((try? configuration.validate(inputCount: configuration.sizes.first ?? 0, classCount: configuration.sizes.last ?? 0)) != nil,
                      "train: an accepted configuration fails validation")
        precondition(request.trainingLimit.map { $0 >= 1 } ?? true, "train: trainingLimit \(request.trainingLimit ?? 0)")
    case .step:
        let request = try JSONResponse.decode(LearnRequest.self, from: body, expected: LearnRequest.expected)
        let input = try request.inputBytes()
        precondition(input.count == 784, "step: \(input.count) input bytes")
        let rate = try request.validatedLearningRate()
        precondition(rate.isFinite && rate > 0 && Double(rate) <= LearnRequest.maximumLearningRate * (1 + 1e-6), "step: learningRate \(rate)")
        let label = try request.validatedLabel(classes: 10)
        precondition((0..<10).contains(label), "step: label \(label)")
    case .fineTune:
        // An empty body asks for the defaults, as the route reads it.
        let request = body.isEmpty ? FineTuneRequest() : try JSONResponse.decode(FineTuneRequest.self, from: body, expected: "a fine-tuning request")
        let options = try request.options()
        precondition((1...FineTuneRequest.maximumEpochs).contains(options.epochs), "fine-tune: epochs \(options.epochs)")
        precondition(options.share > 0 && options.share < 1, "fine-tune: share \(options.share)")
        precondition(options.learningRate.map { $0.isFinite && $0 > 0 } ?? true, "fine-tune: learningRate \(options.learningRate ?? 0)")
    }
}

func fuzzBodies(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let bytes = UnsafeBufferPointer(start: start, count: count)
    let route = Route.allCases[Int(bytes[0]) % Route.allCases.count]
    do {
        try check(route, body: Array(bytes.dropFirst()))
    } catch let error as APIError {
        precondition((400..<500).contains(error.status.code), "\(route): status \(error.status.code): \(error.message)")
    } catch {
        preconditionFailure("\(route): an error that would be a 500: \(error)")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzBodies))
