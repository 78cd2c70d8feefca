/// A parsed JSON value (RFC 8259), as produced by `JSONParser`.
///
/// Objects keep their members in document order; the parser has already refused duplicate keys.
/// Numbers keep their literal text, and their exact value when it is an integer that fits in `Int`,
/// so that no floating-point conversion ever happens on hostile input.
indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The value as compact JSON, cut to about `limit` bytes with a trailing `...`: a one-line
    /// description of what was found, for error messages.
    func summary(limit: Int = 60) -> String {
        var out: [UInt8] = []
        append(to: &out, limit: limit)
        if out.count > limit {
            return String(decoding: out.prefix(limit), as: UTF8.self) + "..."
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends compact JSON to `out`, stopping early once `out` is longer than `limit`.
    private func append(to out: inout [UInt8], limit: Int) {
        guard out.count <= limit else { return }
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let value): out += Array((value ? "true" : "false").utf8)
        case .number(let number): out += Array(number.literal.utf8)
        case .string(let string): JSONWriter.appendString(string, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                guard out.count <= limit else { return }
                if position > 0 { out.append(UInt8(ascii: ",")) }
                element.append(to: &out, limit: limit)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (position, member) in members.enumerated() {
                guard out.count <= limit else { return }
                if position > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                member.value.append(to: &out, limit: limit)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

/// One `"key": value` pair of a JSON object.
struct JSONMember: Equatable, Sendable {
    var key: String
    var value: JSONValue
}

/// A JSON number: its literal text, and its value when it is an integer literal (no fraction, no
/// exponent) that fits in `Int`.
struct JSONNumber: Equatable, Sendable {
    /// The number exactly as written in the document.
    var literal: String
    /// The exact value, or `nil` for fractions, exponents and integers outside `Int`'s range.
    var integer: Int?

    /// The value if it is a non-negative integer literal (`-0` is refused: a size is never signed).
    var nonNegativeInteger: Int? {
        guard let integer, integer >= 0, !literal.hasPrefix("-") else { return nil }
        return integer
    }
}

/// Writes compact JSON text the way serde_json does, so headers match the reference writer.
enum JSONWriter {
    /// Appends `string` quoted, escaping `"`, `\` and control characters; everything else,
    /// including non-ASCII text and `/`, is written as raw UTF-8.
    static func appendString(_ string: String, to out: inout [UInt8]) {
        let hexDigits = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x00..<0x20:
                out += Array("\\u00".utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends the decimal digits of `value`.
    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        out += Array(String(value).utf8)
    }

    /// `string` as a quoted JSON string, for naming tensors and keys in one-line error messages.
    static func quoted(_ string: String, limit: Int = 80) -> String {
        JSONValue.string(string).summary(limit: limit)
    }
}
