#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Numbers written for people in pictures, without Foundation: a fixed count of decimals, or
/// about three significant digits.
package enum NumberText {
    /// `value` rounded to `decimals` places: `fixed(0.125, decimals: 2)` is `"0.13"` (ties away from
    /// zero), `fixed(-0.001, decimals: 2)` is `"0.00"`; infinities and NaN are spelled out.
    package static func fixed(_ value: Double, decimals: Int) -> String {
        precondition(decimals >= 0 && decimals <= 12, "NumberText.fixed: \(decimals) decimals")
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
        let factor = pow(10, Double(decimals))
        let scaled = (abs(value) * factor).rounded()
        guard scaled < 9e15 else { return scientific(value) }
        let whole = UInt64(scaled)
        let unit = UInt64(factor)
        let sign = value < 0 && whole != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        let fraction = String(whole % unit)
        return sign + String(whole / unit) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// About three significant digits: `0.0123`, `1.23`, `123`, `12346`; very large or small
    /// magnitudes as `1.23e-05`.
    package static func short(_ value: Double) -> String {
        guard value.isFinite, value != 0 else { return fixed(value, decimals: 0) }
        let magnitude = abs(value)
        if magnitude >= 1e5 || magnitude < 1e-3 { return scientific(value) }
        let exponent = Int(floor(log10(magnitude)))
        return trimmed(fixed(value, decimals: max(0, 2 - exponent)))
    }

    /// `value` as `m.mme±XX`, three significant digits.
    package static func scientific(_ value: Double) -> String {
        guard value.isFinite, value != 0 else { return fixed(value, decimals: 0) }
        var exponent = Int(floor(log10(abs(value))))
        var mantissa = value / pow(10, Double(exponent))
        if abs(mantissa) >= 9.995 {  // Rounding to two decimals would give 10.00.
            exponent += 1
            mantissa /= 10
        }
        let digits = String(abs(exponent))
        return fixed(mantissa, decimals: 2) + "e" + (exponent < 0 ? "-" : "+") + (digits.count < 2 ? "0" : "") + digits
    }

    /// A share as a percentage with `decimals` places: `percent(0.9712)` is `"97.1%"`.
    package static func percent(_ share: Double, decimals: Int = 1) -> String {
        fixed(share * 100, decimals: decimals) + "%"
    }

    /// A signed number with an explicit `+` for positive values: `+0.12`, `-0.50`.
    package static func signed(_ value: Double, decimals: Int) -> String {
        let text = fixed(value, decimals: decimals)
        return text.hasPrefix("-") || text == fixed(0, decimals: decimals) ? text : "+" + text
    }

    /// Drops trailing zeros after a decimal point, and the point if nothing follows it.
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = Substring(text)
        while result.hasSuffix("0") { result = result.dropLast() }
        if result.hasSuffix(".") { result = result.dropLast() }
        return String(result)
    }
}
