// libFuzzer target: the body of POST /api/predict. The first byte chooses the Content-Type (JSON,
// PNG, none, or another), the rest is the body. The decoder returns 784 bytes or throws an APIError
// with a 4xx status: anything else would reach the client as a 500, and is a finding.
//
// Imported @testable (run.sh builds with -enable-testing), as FuzzBodies is: the decoder is a seam
// for this fuzzer, not a promise to a program outside the package, so it need not stay public.
@testable import DescentExplorer
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum Choice {
    static let contentTypes: [String?] = [nil, "application/json", "image/png", "application/json; charset=utf-8", "text/plain"]
}

func fuzzPredict(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let bytes = UnsafeBufferPointer(start: start, count: count)
    let contentType = Choice.contentTypes[Int(bytes[0]) % Choice.contentTypes.count]
    do {
        let input = try ExplorerRoutes.predictionInput(body: Array(bytes.dropFirst()), contentType: contentType)
        precondition(input.count == 784, "predict: \(input.count) input bytes")
    } catch let error as APIError {
        precondition((400..<500).contains(error.status.code), "predict: status \(error.status.code): \(error.message)")
    } catch {
        preconditionFailure("predict: an error that would be a 500: \(error)")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzPredict))
