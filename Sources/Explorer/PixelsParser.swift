/// A fast path for the one body the load falls on: `{"pixels": [n, n, ...]}` with plain JSON numbers.
/// It only ever accepts; anything else (other keys, strings, `null`, a malformed number) returns nil
/// and the request goes through `JSONDecoder`, which gives the error message. Measured on loopback it
/// is what lets `/api/predict` keep up with thousands of requests a second (see docs/web-explorer.md).
enum PixelsParser {
    /// The numbers of `{"pixels": [...]}`, or nil when the body is anything else.
    static func pixels(in bytes: [UInt8]) -> [Double]? {
        var reader = Reader(bytes: bytes)
        guard reader.expect(UInt8(ascii: "{")), reader.expect(Array("\"pixels\"".utf8)), reader.expect(UInt8(ascii: ":")),
              reader.expect(UInt8(ascii: "[")) else { return nil }
        var values: [Double] = []
        values.reserveCapacity(784)
        if !reader.expect(UInt8(ascii: "]")) {
            repeat {
                guard let value = reader.number() else { return nil }
                values.append(value)
            } while reader.expect(UInt8(ascii: ","))
            guard reader.expect(UInt8(ascii: "]")) else { return nil }
        }
        guard reader.expect(UInt8(ascii: "}")) else { return nil }
        reader.skipSpace()
        return reader.isAtEnd ? values : nil
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0

        var isAtEnd: Bool { index == bytes.count }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func expect(_ literal: [UInt8]) -> Bool {
            skipSpace()
            guard bytes.count - index >= literal.count, bytes[index..<index + literal.count].elementsEqual(literal) else { return false }
            index += literal.count
            return true
        }

        /// A number in JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func number() -> Double? {
            skipSpace()
            let start = index
            func digits() -> Int {
                let first = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                return index - first
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            let integerStart = index
            let integerDigits = digits()
            guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { return nil }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { return nil }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { return nil }
            }
            guard index - start <= 64 else { return nil }
            return Double(String(decoding: bytes[start..<index], as: UTF8.self))
        }
    }
}
