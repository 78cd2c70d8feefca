// libFuzzer target: any bytes given to the JPEG decoder (libjpeg, with Descent's Exif orientation
// reader) either decode to an image whose pixel count matches its size, gray and RGB alike, or throw
// ImageError; a decoded image of modest size then goes through the photo preparation that
// `descent predict --photo` and the explorer's photo upload use. Never a trap, an out-of-bounds
// access or an allocation the input's size does not justify.
import Descent
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func fuzzJPEG(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    if let gray = try? GrayImage(jpegBytes: bytes, source: "fuzz") {
        precondition(gray.pixels.count == gray.width * gray.height, "gray: \(gray.width)x\(gray.height)")
        if gray.width * gray.height <= 1 << 20, let input = try? DigitPreparation.mnistInput(from: gray, mode: .photo, source: "fuzz") {
            precondition(input.count == 784, "prepared photo has \(input.count) pixels")
        }
    }
    if let color = try? RGBImage(jpegBytes: bytes, source: "fuzz") {
        precondition(color.pixels.count == 3 * color.width * color.height, "rgb: \(color.width)x\(color.height)")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzJPEG))
