import DescentPictures
import Testing

@Suite("Axes and ticks")
struct AxisTests {
    @Test("a range is widened to round ticks of 1, 2 or 5 times a power of ten")
    func covering() {
        let axis = Axis(covering: 0.13, 0.97)
        #expect(axis.lower <= 0.13 && axis.upper >= 0.97)
        #expect(axis.step == 0.2)
        #expect(axis.ticks.map { axis.label($0) } == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let epochs = Axis(covering: 1, 30)
        #expect(epochs.step == 5 && epochs.ticks.first == 0 && epochs.ticks.last == 30)
        #expect(epochs.label(15) == "15")
    }

    @Test("an exact axis keeps its ends; percentages and degenerate ranges")
    func exact() {
        let axis = Axis(exactly: 0, 1)
        #expect(axis.lower == 0 && axis.upper == 1)
        #expect(axis.label(0.4, percent: true) == "40%")
        #expect(axis.position(of: 0.25, from: 100, to: 0) == 75)
        let flat = Axis(covering: 3, 3)
        #expect(flat.lower < 3 && flat.upper > 3)
        let broken = Axis(covering: .nan, .infinity)
        #expect(broken.lower.isFinite && broken.upper.isFinite && broken.upper > broken.lower)
    }
}
