// Hand-written rather than a font library: the PNG pictures carry text (axes, captions, labels) on
// machines with no FreeType, fontconfig or installed fonts (a server, CI, a container), and a glyph
// table drawn pixel by pixel gives the same pixels everywhere, so a picture's bytes can be compared
// in tests and across machines; a rasteriser would antialias differently with each version and font.
// The glyphs come from scripts/make_font.py (BitmapFont+Glyphs.swift); this file only looks them up.

/// The X11 misc-fixed 6x13 font (public domain), drawn pixel by pixel into PNG pictures so that
/// captions need no font library. Every glyph is 6 pixels wide and 13 high, baseline 2 from the bottom.
package enum BitmapFont {
    /// The advance of one character, in pixels at scale 1.
    package static let width = 6
    /// The height of one line, in pixels at scale 1.
    package static let height = 13

    /// The 13 row bitmaps of `character` (bit 7 leftmost), or of `?` for one the font lacks here.
    static func rows(of character: Character) -> [UInt8] {
        let hex = glyphRows[character] ?? glyphRows["?"] ?? ""
        var rows: [UInt8] = []
        rows.reserveCapacity(height)
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            rows.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return rows
    }

    /// Whether the font has a glyph for `character` (others are drawn as `?`).
    package static func covers(_ character: Character) -> Bool { glyphRows[character] != nil }

    /// The width of `text` drawn at `scale`, in pixels.
    package static func width(of text: String, scale: Int = 1) -> Int { text.count * width * scale }
}
