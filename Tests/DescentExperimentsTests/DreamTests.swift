@testable import DescentExperiments
import DescentLinearAlgebra
import DescentNetwork
import Testing

@Suite("Dream")
struct DreamTests {
    @Test("gradient ascent raises the chosen output and keeps pixels in 0...1",
          arguments: [DreamStart.noise, .blank], [InputGradientTarget.output(3), .neuron(layer: 0, index: 2)])
    func raises(start: DreamStart, target: InputGradientTarget) throws {
        var generator = SplitMix64(seed: 5)
        let network = try Network<Float>(sizes: [9, 6, 10], using: &generator)
        var settings = DreamSettings(target: target)
        settings.start = start
        settings.steps = 100
        settings.stepSize = 0.05
        let result = Dream.run(network, settings: settings, side: 3, using: &generator)
        #expect(result.finalValue > result.startValue)
        #expect(result.trace.count == 101)
        #expect(result.pixels.allSatisfy { (0...1).contains($0) })
    }

    @Test("the penalties' gradient matches finite differences")
    func penaltyGradient() {
        var settings = DreamSettings(target: .output(0))
        settings.l2 = 0.7
        settings.smoothness = 1.3
        var generator = SplitMix64(seed: 6)
        let side = 4
        let x = (0..<(side * side)).map { _ in generator.uniformDouble() }
        func penalty(_ x: [Double]) -> Double {
            var smooth = 0.0
            for row in 0..<side {
                for column in 0..<side {
                    if column + 1 < side { smooth += pow2(x[row * side + column] - x[row * side + column + 1]) }
                    if row + 1 < side { smooth += pow2(x[row * side + column] - x[(row + 1) * side + column]) }
                }
            }
            return settings.l2 * x.map(pow2).reduce(0, +) / Double(x.count) + settings.smoothness * smooth / Double(2 * side * (side - 1))
        }
        let gradient = Dream.penaltyGradient(x, side: side, settings: settings)
        for index in x.indices {
            var plus = x, minus = x
            plus[index] += 1e-6
            minus[index] -= 1e-6
            #expect(abs((penalty(plus) - penalty(minus)) / 2e-6 - gradient[index]) < 1e-8)
        }
    }

    @Test("a smoothness penalty makes the picture smoother")
    func smoother() throws {
        var generator = SplitMix64(seed: 7)
        let network = try Network<Float>(sizes: [64, 10, 10], using: &generator)
        func roughness(_ smoothness: Double) -> Double {
            var settings = DreamSettings(target: .output(1))
            settings.smoothness = smoothness
            var seeded = SplitMix64(seed: 8)
            let pixels = Dream.run(network, settings: settings, side: 8, using: &seeded).pixels
            return (0..<63).filter { $0 % 8 != 7 }.reduce(0) { $0 + abs(pixels[$1] - pixels[$1 + 1]) }
        }
        #expect(roughness(50) < roughness(0))
    }
}

private func pow2(_ x: Double) -> Double { x * x }
