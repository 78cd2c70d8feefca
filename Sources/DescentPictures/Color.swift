// Pictures: PNG sheets drawn pixel by pixel (with a bitmap font), SVG charts written by hand, and a
// self-contained HTML page. It reads numbers, images and networks; it knows nothing of training,
// never prints, and returns bytes or text for the caller to write. Public are the pictures a program
// would make itself (WeightPicture.image, TileSheet, LineChart, Figure, ConfusionChart, Color); the
// report page, contour maps, neuron sheets and the drawing primitives behind them are `package`.

/// An 8-bit sRGB colour.
public struct Color: Equatable, Hashable, Sendable {
    /// The red channel, 0...255.
    public var red: UInt8
    /// The green channel, 0...255.
    public var green: UInt8
    /// The blue channel, 0...255.
    public var blue: UInt8

    /// A colour from its three channels.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour written as `0xRRGGBB`.
    public init(hex: UInt32) {
        self.init(red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF))
    }

    /// `#rrggbb`, as SVG and CSS write it.
    public var hexString: String {
        let digits = Array("0123456789abcdef")
        var text = "#"
        for channel in [red, green, blue] {
            text.append(digits[Int(channel >> 4)])
            text.append(digits[Int(channel & 0x0F)])
        }
        return text
    }

    /// The colour a share `t` (clamped to 0...1) of the way from this one to `other`, mixed per channel.
    public func mixed(with other: Color, by t: Double) -> Color {
        let t = min(max(t.isNaN ? 0 : t, 0), 1)
        func channel(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded())
        }
        return Color(red: channel(red, other.red), green: channel(green, other.green), blue: channel(blue, other.blue))
    }

    /// Relative luminance in 0...1 from the sRGB values (ITU-R BT.709 weights, without linearising):
    /// enough to choose black or white text over a fill.
    public var luminance: Double {
        (0.2126 * Double(red) + 0.7152 * Double(green) + 0.0722 * Double(blue)) / 255
    }

    /// Black or white, whichever reads better on this colour.
    public var contrastingText: Color { luminance > 0.55 ? .black : .white }

    /// Paper and backgrounds.
    public static let white = Color(hex: 0xFFFFFF)
    /// Ink and text.
    public static let black = Color(hex: 0x000000)
    /// Text and axes that should recede a little.
    public static let darkGray = Color(hex: 0x444444)
    /// Grid lines and frames.
    public static let lightGray = Color(hex: 0xDDDDDD)
    /// Right answers in captions.
    public static let green = Color(hex: 0x1A7F37)
    /// Wrong answers in captions.
    public static let red = Color(hex: 0xC62828)

    /// Colours for lines and markers told apart by hue, in order (Okabe & Ito, "Color universal
    /// design", 2008, with black moved last): distinguishable with the common colour-vision deficiencies.
    public static let series: [Color] = [
        Color(hex: 0x0072B2), Color(hex: 0xD55E00), Color(hex: 0x009E73), Color(hex: 0xCC79A7),
        Color(hex: 0xE69F00), Color(hex: 0x56B4E9), Color(hex: 0xF0E442), Color(hex: 0x000000),
    ]

    /// The `index`-th series colour, repeating after the last.
    public static func series(_ index: Int) -> Color { series[((index % series.count) + series.count) % series.count] }
}
