/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014;
/// the constants of Vigna's reference C code). Small, fast, and the same stream on every platform
/// and Swift version, so a seed names one training run forever.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable, Codable {
    /// The whole state; saving it and restoring it resumes the stream exactly.
    public var state: UInt64

    /// A generator whose stream is fixed by `seed`: the same seed gives the same numbers everywhere.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits: the state advances by the golden-ratio constant 0x9E3779B97F4A7C15, then
    /// is mixed by two xor-shift-multiply rounds (Stafford's "Mix13" variant).
    public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.mixed(state)
    }

    /// What the state advances by at each draw.
    @inlinable public static var increment: UInt64 { 0x9E37_79B9_7F4A_7C15 }

    /// The draw whose advanced state is `state`: `next()` returns `mixed(state + increment)`, and the
    /// k-th draw from here is `mixed(state + k · increment)`, so a loop can make draws independently
    /// of each other (and in any order) and then set `state` past the last.
    @inlinable @inline(__always)
    public static func mixed(_ state: UInt64) -> UInt64 {
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Draws whose algorithms are fixed here rather than left to the standard library, whose
/// `shuffle` and `random(in:)` may change between Swift versions and so change a seeded run.
extension RandomNumberGenerator {
    /// A uniform integer in `0..<bound` (Lemire, "Fast random integer generation in an interval", 2019).
    @inlinable
    public mutating func uniformInt(below bound: Int) -> Int {
        precondition(bound > 0, "uniformInt: bound \(bound)")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func uniformDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal draw, N(0, 1), by the Box–Muller transform.
    public mutating func standardNormal() -> Double {
        let u1 = 1 - uniformDouble()  // in (0, 1], so the logarithm is finite
        let u2 = uniformDouble()
        return (-2 * Double.log(u1)).squareRoot() * cosine(2 * Double.pi * u2)
    }

    /// Shuffles `array` in place by Fisher–Yates (Knuth, TAOCP vol. 2, Algorithm P). Inlinable so
    /// that it is specialised where it is called: unspecialised, each swap allocated.
    @inlinable
    public mutating func shuffle<Element>(_ array: inout [Element]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, uniformInt(below: i + 1))
        }
    }
}

#if canImport(Glibc)
import Glibc
private func cosine(_ x: Double) -> Double { Glibc.cos(x) }
#elseif canImport(Darwin)
import Darwin
private func cosine(_ x: Double) -> Double { Darwin.cos(x) }
#endif
