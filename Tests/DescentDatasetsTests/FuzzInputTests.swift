import DescentDatasets
import DescentTestSupport
import Testing

/// The IDX and image fuzzers' seeds and findings: each parses or throws its own typed error.
@Suite("Fuzz inputs: IDX and images")
struct FuzzInputTests {
    @Test("every IDX input parses or throws IDXError / GzipError")
    func idx() {
        let inputs = FuzzInputs.all("idx")
        #expect(inputs.count >= 8)
        for (name, bytes) in inputs {
            do {
                let file = try IDXFile(contents: bytes, source: name)
                #expect(file.dimensions.reduce(1, *) == file.bytes.count, "\(name)")
            } catch is IDXError {
            } catch is GzipError {
            } catch {
                Issue.record("\(name): \(error)")
            }
        }
    }

    @Test("every image input decodes or throws ImageError")
    func images() {
        let inputs = FuzzInputs.all("png")
        #expect(inputs.count >= 8)
        for (name, bytes) in inputs {
            do {
                let image = try GrayImage(bytes: bytes, source: name)
                #expect(image.pixels.count == image.width * image.height, "\(name)")
                if let input = try? DigitPreparation.mnistInput(from: image, source: name) { #expect(input.count == 784) }
            } catch {
                // Typed throws: always an ImageError.
            }
        }
    }
}
