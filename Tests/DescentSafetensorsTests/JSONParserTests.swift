import Testing
@testable import DescentSafetensors

@Suite("JSONParser")
struct JSONParserTests {
    func parse(_ text: String) throws(JSONError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    func integer(_ value: Int, _ literal: String? = nil) -> JSONValue {
        .number(JSONNumber(literal: literal ?? String(value), integer: value))
    }

    @Test("Every kind of value parses, members in document order")
    func values() throws {
        let value = try parse(#" {"b": [1, -2, 3.5e-1, true, false, null], "a": {}, "c": "x", "d": []} "#)
        let expected = JSONValue.object([
            JSONMember(key: "b", value: .array([
                integer(1), integer(-2), .number(JSONNumber(literal: "3.5e-1", integer: nil)),
                .bool(true), .bool(false), .null,
            ])),
            JSONMember(key: "a", value: .object([])),
            JSONMember(key: "c", value: .string("x")),
            JSONMember(key: "d", value: .array([])),
        ])
        #expect(value == expected)
    }

    @Test("String escapes, including surrogate pairs, decode to the right text")
    func escapes() throws {
        let value = try parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00 raw é""#)
        #expect(value == .string("\"\\/\u{8}\u{C}\n\r\tAé€😀 raw é"))
    }

    @Test(
        "Malformed strings are refused",
        arguments: [
            #""\ud83d""#, #""\ud83dx""#, #""\ud83d\u0041""#, #""\ude00""#, #""\u00g0""#, #""\a""#, "\"tab\there\"",
            #""open"#, #""\"#,
        ]
    )
    func badStrings(text: String) {
        #expect(throws: JSONError.self) { try parse(text) }
    }

    @Test("Integers keep exact values; fractions, exponents and huge integers keep only their text")
    func numbers() throws {
        #expect(try parse("0") == integer(0))
        #expect(try parse("-0") == integer(0, "-0"))
        #expect(try parse("9223372036854775807") == integer(.max))
        #expect(try parse("-9223372036854775807") == integer(-.max))
        #expect(try parse("9223372036854775808") == .number(JSONNumber(literal: "9223372036854775808", integer: nil)))
        let huge = String(repeating: "9", count: 5000)
        #expect(try parse(huge) == .number(JSONNumber(literal: huge, integer: nil)))
        #expect(try parse("1E+400") == .number(JSONNumber(literal: "1E+400", integer: nil)))
        #expect(JSONNumber(literal: "-0", integer: 0).nonNegativeInteger == nil)
        #expect(JSONNumber(literal: "7", integer: 7).nonNegativeInteger == 7)
    }

    @Test("Malformed numbers are refused", arguments: ["01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "--1", "1.e5", "Infinity"])
    func badNumbers(text: String) {
        #expect(throws: JSONError.self) { try parse(text) }
    }

    @Test("Structural mistakes are refused", arguments: ["", " ", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\"}", "{1:2}", "[1] [2]", "tru", "nul", "[1}"])
    func badStructure(text: String) {
        #expect(throws: JSONError.self) { try parse(text) }
    }

    @Test("Errors report the offset and what was expected")
    func errorDetails() {
        #expect(throws: JSONError.syntax(offset: 5, expected: "a value", found: "'}'")) { try parse(#"{"a":}"#) }
        #expect(throws: JSONError.syntax(offset: 3, expected: "end of input", found: "'x'")) { try parse("[] x") }
        #expect(throws: JSONError.duplicateKey("a", offset: 7, depth: 1)) { try parse(#"{"a":1,"a":2}"#) }
        #expect(throws: JSONError.invalidUTF8(offset: 2)) { try JSONParser.parse([0x22, 0x61, 0xFE, 0x22]) }
        #expect(throws: JSONError.syntax(offset: 1, expected: "a value", found: "byte 0x01")) { try JSONParser.parse([0x5B, 0x01]) }
    }

    @Test(
        "Invalid UTF-8 is found at its first byte",
        arguments: [
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),  // an encoded surrogate
            ([0x22, 0x61, 0xF4, 0x90, 0x80, 0x80, 0x22], 2),  // past U+10FFFF
            ([0x22, 0xE2, 0x82, 0x22], 1),  // a truncated sequence
            ([0x22, 0x80, 0x22], 1),  // a lone continuation byte
        ] as [([UInt8], Int)]
    )
    func invalidUTF8(bytes: [UInt8], offset: Int) {
        #expect(UTF8Validation.firstInvalidOffset(in: bytes) == offset)
        #expect(throws: JSONError.invalidUTF8(offset: offset)) { try JSONParser.parse(bytes) }
        #expect(UTF8Validation.firstInvalidOffset(in: Array("\"é€😀\"".utf8)) == nil)
    }

    @Test("Keys that Swift considers equal (canonically equivalent) are duplicates")
    func canonicalDuplicates() {
        let text = "{\"\u{E9}\":1,\"e\u{301}\":2}"
        #expect(throws: JSONError.self) { try parse(text) }
    }

    @Test("Nesting up to 64 levels parses; 65 is refused")
    func depthLimit() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try parse(ok)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONError.tooDeep(offset: 64, limit: 64)) { try parse(tooDeep) }
        let objects = String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(throws: JSONError.tooDeep(offset: 320, limit: 64)) { try parse(objects) }
    }

    @Test("Random bytes never crash the parser")
    func randomBytes() {
        var generator = SplitMix64(seed: 7)
        let alphabet = Array(#"{}[]":,\u0123456789-+.eEtrufalsn "#.utf8) + [0x00, 0x0A, 0xC3, 0xA9, 0xFF]
        for _ in 0..<5000 {
            let count = Int.random(in: 0..<40, using: &generator)
            let bytes = (0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            _ = try? JSONParser.parse(bytes)
        }
    }

    @Test("Summaries are compact one-line JSON, cut at the limit")
    func summaries() throws {
        #expect(try parse(#"{"a" : [1, "x\n"]}"#).summary() == #"{"a":[1,"x\n"]}"#)
        let long = JSONValue.array(Array(repeating: integer(12345), count: 1000))
        #expect(long.summary(limit: 20) == "[12345,12345,12345,1...")
    }
}
