/// A colour for each number in 0...1, interpolated linearly between evenly spaced stops.
package struct ColorMap: Equatable, Sendable {
    /// The colours at 0, 1/(n−1), ..., 1.
    package let stops: [Color]

    /// A map through `stops`, at least two.
    package init(stops: [Color]) {
        precondition(stops.count >= 2, "ColorMap: \(stops.count) stops; at least 2 needed")
        self.stops = stops
    }

    /// The colour at `t`, clamped to 0...1 (NaN gives the first stop).
    package func color(at t: Double) -> Color {
        let t = min(max(t.isNaN ? 0 : t, 0), 1)
        let position = t * Double(stops.count - 1)
        let lower = min(Int(position), stops.count - 2)
        return stops[lower].mixed(with: stops[lower + 1], by: position - Double(lower))
    }

    /// Blue for negative, white for zero, red for positive (ColorBrewer RdBu, reversed; Brewer,
    /// colorbrewer2.org): the map for weights and gradients, whose sign matters.
    package static let diverging = ColorMap(stops: [
        Color(hex: 0x053061), Color(hex: 0x2166AC), Color(hex: 0x4393C3), Color(hex: 0x92C5DE), Color(hex: 0xD1E5F0),
        Color(hex: 0xFFFFFF),
        Color(hex: 0xFDDBC7), Color(hex: 0xF4A582), Color(hex: 0xD6604D), Color(hex: 0xB2182B), Color(hex: 0x67001F),
    ])

    /// White to dark blue (ColorBrewer Blues): a count or share, where more is darker.
    package static let blues = ColorMap(stops: [
        Color(hex: 0xF7FBFF), Color(hex: 0xDEEBF7), Color(hex: 0xC6DBEF), Color(hex: 0x9ECAE1), Color(hex: 0x6BAED6),
        Color(hex: 0x4292C6), Color(hex: 0x2171B5), Color(hex: 0x08519C), Color(hex: 0x08306B),
    ])

    /// White to dark red (ColorBrewer Reds): mistakes, where more is worse.
    package static let reds = ColorMap(stops: [
        Color(hex: 0xFFF5F0), Color(hex: 0xFEE0D2), Color(hex: 0xFCBBA1), Color(hex: 0xFC9272), Color(hex: 0xFB6A4A),
        Color(hex: 0xEF3B2C), Color(hex: 0xCB181D), Color(hex: 0xA50F15), Color(hex: 0x67000D),
    ])

    /// Dark purple through teal to yellow, evenly bright in steps (viridis, van der Walt & Smith for
    /// matplotlib 2.0): heights of a landscape, low dark and high light.
    package static let viridis = ColorMap(stops: [
        Color(hex: 0x440154), Color(hex: 0x482878), Color(hex: 0x3E4A89), Color(hex: 0x31688E), Color(hex: 0x26828E),
        Color(hex: 0x1F9E89), Color(hex: 0x35B779), Color(hex: 0x6ECE58), Color(hex: 0xB5DE2B), Color(hex: 0xFDE725),
    ])
}

/// A colour map applied to numbers in `lower...upper`.
package struct ColorScale: Equatable, Sendable {
    /// The colours.
    package let map: ColorMap
    /// The value shown in the map's first colour.
    package let lower: Double
    /// The value shown in the map's last colour.
    package let upper: Double

    /// A scale from `lower` to `upper`; an empty range is widened so every value has a colour.
    package init(map: ColorMap, lower: Double, upper: Double) {
        self.map = map
        self.lower = lower
        self.upper = upper > lower ? upper : lower + 1
    }

    /// The diverging map from −limit to +limit, so that white is exactly zero: one symmetric scale.
    package static func symmetric(limit: Double, map: ColorMap = .diverging) -> ColorScale {
        let limit = limit.isFinite && limit > 0 ? limit : 1
        return ColorScale(map: map, lower: -limit, upper: limit)
    }

    /// The diverging map from −L to +L, L the `percentile` of |values| (or their largest, or 1, when
    /// that is zero), so that a few large numbers do not wash out all the others.
    /// - Complexity: O(n log n) for n values.
    package static func symmetric(covering values: [Double], percentile: Double = 0.99, map: ColorMap = .diverging) -> ColorScale {
        let magnitudes = values.filter(\.isFinite).map(abs).sorted()
        guard let largest = magnitudes.last, largest > 0 else { return symmetric(limit: 1, map: map) }
        let index = min(magnitudes.count - 1, max(0, Int((percentile * Double(magnitudes.count)).rounded(.down))))
        return symmetric(limit: magnitudes[index] > 0 ? magnitudes[index] : largest, map: map)
    }

    /// The colour of `value`; values outside the range get the end colours.
    package func color(for value: Double) -> Color {
        map.color(at: (value - lower) / (upper - lower))
    }
}
