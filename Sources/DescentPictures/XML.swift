/// Text made safe for XML and HTML.
package enum XML {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities, usable in element content and in
    /// quoted attributes alike. Control characters XML 1.0 forbids (all below U+0020 but tab, line
    /// feed and carriage return) become U+FFFD, so no input can make the document malformed.
    package static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
