// libFuzzer target: any bytes given to the safetensors reader either decode to a file that encodes
// and decodes back to itself, or throw SafetensorsError; a decoded file given to the model reader
// either becomes a network or throws ModelFileError. Never a trap, an out-of-bounds access or an
// allocation the input's size does not justify.
import Descent
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func fuzzSafetensors(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    let file: SafetensorsFile
    do {
        file = try SafetensorsFile(bytes: bytes, source: "fuzz")
    } catch {
        return 0  // Typed throws: always a SafetensorsError.
    }
    let again = try? SafetensorsFile(bytes: file.encoded(), source: "re-encoded")
    precondition(again == file, "safetensors: a decoded file does not survive encoding")
    _ = try? Network<Float>(safetensors: file, source: "fuzz")
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzSafetensors))
