import DescentDatasets
import DescentLinearAlgebra
import DescentTestSupport
import Testing
import DescentTraining

/// MNIST's test digits written on a page, photographed in poor light and saved as JPEG, then read back
/// through the photo preparation: a model trained on MNIST reads them nearly as often as the same
/// digits saved as clean drawings. Runs on the real MNIST (skipped without it, failing under CI=true).
@Suite("Photos of digits on paper", .enabled(if: TestData.mnistFolder != nil || TestData.isCI, "needs ../shared/mnist"))
struct PhotoDigitsTests {
    @Test("500 photographed test digits are read right at least 90% as often as the clean ones")
    func photographedDigitsReadAlmostAsWellAsCleanOnes() throws {
        let mnist = try MNIST(folder: try #require(TestData.mnistFolder, "MNIST not found: set DESCENT_TEST_MNIST to its folder"))
        var configuration = TrainingConfiguration(preset: .video)
        configuration.epochs = 3
        let model = try TrainingRun(configuration: configuration, data: TrainingData(mnist)).run().model
        var generator = SplitMix64(seed: 2024)
        var (clean, photographed, photosSeenAsPhotos, cleanSeenAsPhotos) = (0, 0, 0, 0)
        let count = 500
        for index in 0..<count {
            // 28x28 enlarged 4 times (112 pixels) with a margin of 24: a 160x160 page.
            let (ink, side) = PhotoPage.enlarged(Array(mnist.test.image(index)), side: 28, factor: 4, margin: 24)
            let label = Int(mnist.test.labels[index])
            let cleanPNG = try GrayImage(width: side, height: side, pixels: ink.map { 255 - $0 }).pngEncoded()
            let cleanImage = try GrayImage(bytes: cleanPNG, source: "clean-\(index).png")
            let photoJPEG = try RGBImage(width: side, height: side, pixels: PhotoPage.photograph(ink: ink, width: side, height: side, using: &generator))
                .jpegEncoded(quality: 80)
            let photoImage = try GrayImage(bytes: photoJPEG, source: "photo-\(index).jpg")
            if DigitPreparation.looksLikePhoto(photoImage) { photosSeenAsPhotos += 1 }
            if DigitPreparation.looksLikePhoto(cleanImage) { cleanSeenAsPhotos += 1 }
            let cleanInput = try DigitPreparation.mnistInput(from: cleanImage, mode: .automatic, source: "clean-\(index).png")
            let photoInput = try DigitPreparation.mnistInput(from: photoImage, mode: .automatic, source: "photo-\(index).jpg")
            if try model.prediction(forImage: cleanInput).label == label { clean += 1 }
            if try model.prediction(forImage: photoInput).label == label { photographed += 1 }
        }
        #expect(photosSeenAsPhotos == count && cleanSeenAsPhotos == 0)
        #expect(clean >= count * 8 / 10, "clean digits read right: \(clean) of \(count)")
        let ratio = Double(photographed) / Double(clean)
        #expect(ratio >= 0.9, "photographed \(photographed), clean \(clean) of \(count): ratio \(ratio)")
        print("photographed digits read right: \(photographed) of \(count); clean: \(clean); ratio \(ratio)")
    }
}
