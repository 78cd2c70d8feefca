import DescentDatasets
import DescentExperiments
import DescentLinearAlgebra
import Testing
import DescentTraining

@Suite("Label noise and memorisation")
struct MemorizationTests {
    @Test("spoiled labels: none keeps them, replaced changes about p·9/10, shuffled keeps the class sizes")
    func relabeling() {
        let images = randomImages(count: 4000, seed: 10)
        var generator = SplitMix64(seed: 11)
        #expect(images.relabeled(.none, using: &generator) == images)
        let half = images.relabeled(.replaced(probability: 0.5), using: &generator)
        #expect(abs(half.labelAgreement(with: images) - 0.55) < 0.03)
        #expect(half.pixels == images.pixels)
        let shuffled = images.relabeled(.shuffled, using: &generator)
        #expect(shuffled.labels.sorted() == images.labels.sorted())
        #expect(shuffled.labelAgreement(with: images) < 0.15)
        #expect(LabelNoise.standard.map(\.name) == ["true labels", "20% replaced", "50% replaced", "shuffled labels"])
    }

    @Test("a wide network fits shuffled labels of a tiny set well above chance, and true ones faster")
    func memorizes() throws {
        // 60 random 8x8 "images" whose labels are a function of the pixels (the brightest quarter),
        // so true labels are learnable and shuffled ones are not.
        var generator = SplitMix64(seed: 12)
        let side = 8
        let images = randomImages(count: 60, side: side, seed: 13)
        let labels = (0..<images.count).map { index in
            UInt8(images.image(index).prefix(10).enumerated().max { $0.element < $1.element }?.offset ?? 0)
        }
        let training = LabeledImages(rows: side, columns: side, pixels: images.pixels, labels: labels)
        var configuration = Memorization.defaultConfiguration
        configuration.sizes = [side * side, 128, 10]
        configuration.epochs = 40
        configuration.learningRate = 0.02
        let runs = try Memorization(configuration: configuration, variants: [.none, .shuffled])
            .run(training: training, test: training.prefix(10), using: &generator)
        #expect(runs.count == 2 && runs.allSatisfy { $0.epochs.count == 40 })
        let shuffled = runs[1].epochs
        #expect(shuffled.last!.trainingAccuracy > 0.5, "shuffled labels reached \(shuffled.last!.trainingAccuracy)")
        #expect(shuffled.last!.trainingAccuracy > shuffled.first!.trainingAccuracy)
        let area = { (run: MemorizationRun) in run.epochs.reduce(0) { $0 + $1.trainingAccuracy } }
        #expect(area(runs[0]) > area(runs[1]))
    }
}
