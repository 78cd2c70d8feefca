import DescentDatasets
import DescentExperiments
import DescentLinearAlgebra
import DescentNetwork
import Testing

/// `count` random 4x4 images with labels 0...9.
func randomImages(count: Int, side: Int = 4, seed: UInt64) -> LabeledImages {
    var generator = SplitMix64(seed: seed)
    let pixels = (0..<(count * side * side)).map { _ in UInt8(generator.uniformInt(below: 256)) }
    let labels = (0..<count).map { _ in UInt8(generator.uniformInt(below: 10)) }
    return LabeledImages(rows: side, columns: side, pixels: pixels, labels: labels)
}

@Suite("Probe")
struct ProbeTests {
    @Test("each kind of input is what it says")
    func inputs() {
        let test = randomImages(count: 20, seed: 1)
        var generator = SplitMix64(seed: 2)
        let blank = Probe.inputs(.blank, count: 5, test: test, using: &generator)
        #expect(blank.count == 5 && blank.pixels.allSatisfy { $0 == 0 })
        #expect(Probe.inputs(.white, count: 3, test: test, using: &generator).pixels.allSatisfy { $0 == 255 })
        let real = Probe.inputs(.test, count: 10, test: test, using: &generator)
        var again = SplitMix64(seed: 2)
        _ = Probe.inputs(.blank, count: 5, test: test, using: &again)
        _ = Probe.inputs(.white, count: 3, test: test, using: &again)
        let inverted = Probe.inputs(.inverted, count: 10, test: test, using: &again)
        #expect(zip(real.pixels, inverted.pixels).allSatisfy { $0 == 255 - $1 } && real.labels == inverted.labels)
        let uniform = Probe.inputs(.uniformNoise, count: 50, test: test, using: &generator)
        let mean = Double(uniform.pixels.reduce(0) { $0 + Int($1) }) / Double(uniform.pixels.count)
        #expect(abs(mean - 127.5) < 10)
        let gaussian = Probe.inputs(.gaussianNoise, count: 50, test: test, using: &generator)
        #expect(Set(gaussian.pixels).count > 100)
    }

    @Test("reports count every input once and their numbers agree")
    func reports() throws {
        var generator = SplitMix64(seed: 3)
        let network = try Network<Float>(sizes: [16, 8, 10], output: .softmax, cost: .crossEntropy, using: &generator)
        let reports = Probe.run(network, count: 200, test: randomImages(count: 300, seed: 4), threshold: 0.2, using: &generator)
        #expect(reports.map(\.kind) == ProbeKind.allCases)
        for report in reports {
            #expect(report.count == 200 && report.digitCounts.reduce(0, +) == 200 && report.histogram().reduce(0, +) == 200)
            #expect(report.quantile(0.1) <= report.quantile(0.5) && report.quantile(0.5) <= report.quantile(0.9))
            #expect(report.confidentCount == report.topOutputs.filter { $0 >= 0.2 }.count)
            #expect(report.topOutputs.allSatisfy { $0 >= 0.1 - 1e-6 && $0 <= 1 })  // Softmax's top of 10 is at least 1/10.
            #expect((report.accuracy != nil) == report.kind.hasLabels)
            #expect(report.examples.count == 8)
        }
        // Every blank page is the same input, so it gets one answer.
        let blank = try #require(reports.first { $0.kind == .blank })
        #expect(blank.digitCounts.filter { $0 > 0 }.count == 1)
    }
}
