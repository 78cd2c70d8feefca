// libFuzzer target: any bytes given to the image readers (PNG through libpng, JPEG through libjpeg, or
// PGM) either decode
// to an image whose pixel count matches its size, or throw ImageError; a decoded image of modest
// size then goes through the digit preparation `descent predict` uses. Never a trap, an
// out-of-bounds access or an allocation the input's size does not justify.
import Descent
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func fuzzPNG(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    if let image = try? GrayImage(bytes: bytes, source: "fuzz") {
        precondition(image.pixels.count == image.width * image.height, "gray: \(image.width)x\(image.height)")
        if image.width * image.height <= 1 << 20 {
            if let input = try? DigitPreparation.mnistInput(from: image, source: "fuzz") {
                precondition(input.count == 784, "prepared digit has \(input.count) pixels")
            }
        }
    }
    if GrayImage.isPNG(bytes), let image = try? RGBImage(pngBytes: bytes, source: "fuzz") {
        precondition(image.pixels.count == 3 * image.width * image.height, "rgb: \(image.width)x\(image.height)")
    }
    if GrayImage.isJPEG(bytes), let image = try? RGBImage(jpegBytes: bytes, source: "fuzz") {
        precondition(image.pixels.count == 3 * image.width * image.height, "rgb: \(image.width)x\(image.height)")
        if image.width * image.height <= 1 << 20, let gray = try? GrayImage(jpegBytes: bytes, source: "fuzz"),
           let input = try? DigitPreparation.mnistInput(from: gray, mode: .photo, source: "fuzz") {
            precondition(input.count == 784, "prepared photo has \(input.count) pixels")
        }
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzPNG))
