// libFuzzer target: any bytes given to the IDX reader (raw, or gzip through zlib) either parse to a
// file whose dimensions describe its payload exactly, or throw IDXError / GzipError. Never a trap,
// an out-of-bounds access (AddressSanitizer) or an allocation the input's size does not justify
// (run.sh passes -malloc_limit_mb).
import Descent
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func fuzzIDX(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    do {
        let file = try IDXFile(contents: bytes, source: "fuzz")
        precondition(file.dimensions.reduce(1, *) == file.bytes.count, "IDX: \(file.dimensions) vs \(file.bytes.count) bytes")
    } catch is IDXError {
    } catch is GzipError {
    } catch {
        preconditionFailure("IDX: unexpected error \(error)")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzIDX))
