#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One axis of a chart: a range widened to round numbers, its ticks, and the map from values to
/// picture coordinates.
package struct Axis: Equatable, Sendable {
    /// The value at the start of the axis (left or bottom).
    package let lower: Double
    /// The value at its end (right or top).
    package let upper: Double
    /// Tick values, every `step` from `lower` to `upper`.
    package let ticks: [Double]
    /// The distance between ticks: 1, 2 or 5 times a power of ten (Heckbert, "Nice numbers for graph
    /// labels", Graphics Gems, 1990).
    package let step: Double

    /// An axis covering `lower...upper` with about `tickCount` ticks at round values, its ends
    /// moved out to the ticks around them. Non-finite bounds give 0...1; an empty range is widened.
    package init(covering lower: Double, _ upper: Double, tickCount: Int = 6) {
        var low = lower.isFinite ? lower : 0
        var high = upper.isFinite ? upper : max(low + 1, 1)
        if high < low { swap(&low, &high) }
        if high - low < 1e-12 * max(1, abs(low)) {
            let pad = abs(low) > 0 ? abs(low) * 0.1 : 1
            (low, high) = (low - pad, high + pad)
        }
        let step = Axis.niceStep((high - low) / Double(max(1, tickCount - 1)))
        let first = floor(low / step + 1e-9) * step
        let last = ceil(high / step - 1e-9) * step
        var ticks: [Double] = []
        var index = 0.0
        while first + index * step <= last + step * 1e-6 {
            ticks.append(first + index * step)
            index += 1
        }
        self.lower = first
        self.upper = last
        self.step = step
        self.ticks = ticks
    }

    /// An axis exactly `lower...upper` with ticks at round values inside it (for ranges that must
    /// not grow, like 0...1 for accuracy or a grid's extent).
    package init(exactly lower: Double, _ upper: Double, tickCount: Int = 6) {
        let nice = Axis(covering: lower, upper, tickCount: tickCount)
        self.lower = lower
        self.upper = upper > lower ? upper : lower + 1
        self.step = nice.step
        self.ticks = nice.ticks.filter { $0 >= lower - nice.step * 1e-6 && $0 <= upper + nice.step * 1e-6 }
    }

    /// 1, 2 or 5 times a power of ten, the nearest to `raw` (Heckbert's rounding).
    static func niceStep(_ raw: Double) -> Double {
        let raw = raw > 0 && raw.isFinite ? raw : 1
        let power = pow(10, floor(log10(raw)))
        let fraction = raw / power
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        return nice * power
    }

    /// Where `value` falls between `start` (at `lower`) and `end` (at `upper`) in picture coordinates.
    package func position(of value: Double, from start: Double, to end: Double) -> Double {
        start + (value - lower) / (upper - lower) * (end - start)
    }

    /// A tick's label, with as many decimals as the step needs (`0.25` but `1`, `2`, `3`).
    package func label(_ value: Double, percent: Bool = false) -> String {
        let shown = percent ? value * 100 : value
        let step = percent ? self.step * 100 : self.step
        if abs(shown) >= 1e6 || (step < 1e-4) { return NumberText.scientific(shown) + (percent ? "%" : "") }
        let decimals = step >= 1 ? 0 : Int(ceil(-log10(step) - 1e-9))
        let text = NumberText.fixed(abs(shown) < step * 1e-6 ? 0 : shown, decimals: min(decimals, 6))
        return text + (percent ? "%" : "")
    }
}
