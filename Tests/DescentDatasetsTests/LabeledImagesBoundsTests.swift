import DescentDatasets
import Testing

@Suite("LabeledImages bounds")
struct LabeledImagesBoundsTests {
    @Test("pixels that are not rows x columns per label stop with the numbers")
    func mismatchedPixels() async {
        await #expect(processExitsWith: .failure) {
            _ = LabeledImages(rows: 28, columns: 28, pixels: [UInt8](repeating: 0, count: 700), labels: [1])
        }
    }
}
