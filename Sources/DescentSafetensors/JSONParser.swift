// Hand-written rather than Foundation's JSONSerialization, because a safetensors header is
// untrusted input whose every byte must be checked before a tensor is read. Tried on Swift 6.3 on
// Linux, JSONSerialization accepts `{"a":1,"a":2}` (keeping 2 without a word), a trailing comma
// (`{"a":1,}`), and hands back `1.0` and `1e0` as numbers that cast to `Int` 1, so a shape or a data
// offset written as a fraction would pass as an integer; its errors give a character position and
// no expectation. This parser refuses all three: duplicate keys (compared as Swift `String`s, the
// equality the tensor dictionary uses), trailing commas and comments, and it keeps each number's
// literal beside its exact `Int` value, which exists only for an integer literal that fits, so
// SafetensorsFile takes sizes and offsets only from plain non-negative integers. It also refuses
// invalid UTF-8, raw control characters in strings, lone surrogates, leading zeros and NaN, nests
// at most 64 deep, and reports the byte offset with what it expected there. It is no library's
// strictness setting: it is what the fuzz target FuzzSafetensors aims at.

/// A failure to parse JSON text, with the byte offset at which it was noticed.
enum JSONError: Error, Equatable, Sendable {
    /// The bytes at `offset` are not valid UTF-8.
    case invalidUTF8(offset: Int)
    /// The grammar wanted `expected` at `offset` but found `found`.
    case syntax(offset: Int, expected: String, found: String)
    /// An object repeats `key`; `depth` is the nesting level of that object (1 at the top).
    case duplicateKey(String, offset: Int, depth: Int)
    /// Arrays and objects nest deeper than `limit` levels at `offset`.
    case tooDeep(offset: Int, limit: Int)
}

/// A strict JSON parser (RFC 8259) for untrusted input.
///
/// Strict: exactly one value surrounded by optional whitespace; no comments, trailing commas,
/// leading zeros, lone surrogates, raw control characters in strings, or duplicate keys.
/// Duplicate keys are compared with Swift `String` equality (canonical equivalence), the same
/// equality the `[String: Tensor]` dictionary uses, so two keys that would collapse into one are
/// refused. Safe on any input: nesting is limited to `maximumDepth`, integers are accumulated with
/// overflow checks, and every read is bounds-checked, so hostile bytes produce an error, never a
/// trap (this is the code a fuzzer should aim at, through `SafetensorsFile(bytes:source:)`).
struct JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    static let maximumDepth = 64

    private let bytes: [UInt8]
    private var index = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses `bytes` as one JSON document.
    ///
    /// - Throws: `JSONError` with the offset of the first problem.
    /// - Complexity: O(`bytes.count`).
    static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
        if let offset = UTF8Validation.firstInvalidOffset(in: bytes) { throw .invalidUTF8(offset: offset) }
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.unexpected("end of input") }
        return value
    }

    // MARK: - Values

    private mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
        guard let byte = peek() else { throw unexpected("a value") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw unexpected("a value")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= JSONParser.maximumDepth else { throw .tooDeep(offset: index, limit: JSONParser.maximumDepth) }
        index += 1  // "{"
        var members: [JSONMember] = []
        var seen: Set<String> = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw unexpected("a string key") }
            let keyOffset = index
            let key = try parseString()
            guard seen.insert(key).inserted else { throw .duplicateKey(key, offset: keyOffset, depth: depth) }
            skipWhitespace()
            try expect(":", "':' after a key")
            skipWhitespace()
            members.append(JSONMember(key: key, value: try parseValue(depth: depth)))
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { index += 1; return .object(members) }
            try expect(",", "',' or '}' in an object")
            skipWhitespace()
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= JSONParser.maximumDepth else { throw .tooDeep(offset: index, limit: JSONParser.maximumDepth) }
        index += 1  // "["
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { index += 1; return .array(elements) }
            try expect(",", "',' or ']' in an array")
            skipWhitespace()
        }
    }

    // MARK: - Strings

    private mutating func parseString() throws(JSONError) -> String {
        index += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else { throw unexpected("'\"' closing the string") }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                // The input is valid UTF-8 and escapes append whole scalars, so nothing is replaced.
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                try parseEscape(into: &out)
            case 0x00..<0x20:
                throw unexpected("a control character written as an escape")
            default:
                out.append(byte)
                index += 1
            }
        }
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws(JSONError) {
        guard let byte = peek() else { throw unexpected("an escape character") }
        if let replacement = simpleEscape(byte) {
            out.append(replacement)
            index += 1
            return
        }
        guard byte == UInt8(ascii: "u") else { throw unexpected("one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u") }
        index += 1
        let escapeOffset = index - 2
        var value = try parseHex4()
        if (0xD800...0xDBFF).contains(value) {
            // A high surrogate must be followed by an escaped low surrogate; together they are one scalar.
            guard peek() == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") else {
                throw .syntax(offset: index, expected: "\\u and a low surrogate after a high surrogate", found: describeNext())
            }
            index += 2
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw .syntax(offset: index - 6, expected: "a low surrogate (DC00-DFFF)", found: "\\u\(hex(low))")
            }
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw .syntax(offset: escapeOffset, expected: "a high surrogate before a low surrogate", found: "\\u\(hex(value))")
        }
        UTF8.encode(scalar) { out.append($0) }
    }

    /// The byte that `\\` followed by `byte` stands for, unless it is `u` or not an escape.
    private func simpleEscape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return byte
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        default: return nil
        }
    }

    private mutating func parseHex4() throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek(), let digit = hexValue(byte) else { throw unexpected("four hexadecimal digits after \\u") }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    // MARK: - Numbers and literals

    private mutating func parseNumber() throws(JSONError) -> JSONNumber {
        let start = index
        let negative = peek() == UInt8(ascii: "-")
        if negative { index += 1 }
        var magnitude: Int? = 0
        guard let first = peek(), isDigit(first) else { throw unexpected("a digit") }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = peek(), isDigit(next) { throw unexpected("no leading zero") }
        } else {
            while let byte = peek(), isDigit(byte) {
                if let current = magnitude {
                    let (times10, overflow1) = current.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                    magnitude = overflow1 || overflow2 ? nil : sum
                }
                index += 1
            }
        }
        var isInteger = true
        if peek() == UInt8(ascii: ".") {
            index += 1
            isInteger = false
            try skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            isInteger = false
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            try skipDigits()
        }
        let literal = String(decoding: bytes[start..<index], as: UTF8.self)
        guard isInteger, let magnitude else { return JSONNumber(literal: literal, integer: nil) }
        return JSONNumber(literal: literal, integer: negative ? -magnitude : magnitude)
    }

    /// Consumes one or more digits.
    private mutating func skipDigits() throws(JSONError) {
        guard let first = peek(), isDigit(first) else { throw unexpected("a digit") }
        while let byte = peek(), isDigit(byte) { index += 1 }
    }

    private mutating func expectLiteral(_ word: String) throws(JSONError) {
        for expected in word.utf8 {
            guard peek() == expected else { throw unexpected("'\(word)'") }
            index += 1
        }
    }

    // MARK: - Bytes

    private func peek(_ ahead: Int = 0) -> UInt8? {
        let position = index + ahead
        return position < bytes.count ? bytes[position] : nil
    }

    private mutating func expect(_ character: Unicode.Scalar, _ what: String) throws(JSONError) {
        guard peek() == UInt8(ascii: character) else { throw unexpected(what) }
        index += 1
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private func unexpected(_ expected: String) -> JSONError {
        .syntax(offset: index, expected: expected, found: describeNext())
    }

    private func describeNext() -> String { JSONParser.describe(peek()) }

    /// A byte as a short readable phrase: `'x'`, `byte 0x0A`, or `end of input` for `nil`.
    static func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "end of input" }
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let digits = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(digits.count == 1 ? "0" : "")\(digits)"
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
