/// A fast path for the one body the load falls on: `{"pixels": [n, n, ...]}` with plain JSON numbers.
/// It only ever accepts; anything else (other keys, strings, `null`, a malformed number) returns nil
/// and the request goes through `JSONDecoder`, which gives the error message. Measured on loopback it
/// is what lets `/api/predict` keep up with thousands of requests a second (see docs/explorer.md, "Load").
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
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
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
        ///
        /// Numbers of at most 19 significant digits whose mantissa and power of ten are both exact
        /// doubles (mantissa ≤ 2^53, power within 10^±22: every pixel a browser sends) are computed
        /// as one correctly rounded multiply or divide (Clinger's fast path, "How to read floating
        /// point numbers accurately", 1990); the rest go through the standard library's parser.
        mutating func number() -> Double? {
            skipSpace()
            let start = index
            var mantissa: UInt64 = 0
            var significant = 0
            var exponent = 0
            func digits(fraction: Bool) -> Int {
                let first = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                    if significant < 19 {
                        mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- 0x30)
                        if mantissa > 0 { significant += 1 }
                        if fraction { exponent -= 1 }
                    } else if !fraction {
                        exponent += 1
                    }
                    index += 1
                }
                return index - first
            }
            let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            let integerStart = index
            let integerDigits = digits(fraction: false)
            guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { return nil }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits(fraction: true) > 0 else { return nil }
            }
            var written = 0
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                var sign = 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    if bytes[index] == UInt8(ascii: "-") { sign = -1 }
                    index += 1
                }
                let first = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                    if written < 100_000 { written = written * 10 + Int(bytes[index] - 0x30) }
                    index += 1
                }
                guard index > first else { return nil }
                written *= sign
            }
            guard index - start <= 64 else { return nil }
            let power = exponent + written
            if mantissa <= 1 << 53, (-22...22).contains(power), significant < 19 {
                let value = power < 0 ? Double(mantissa) / Self.powersOfTen[-power] : Double(mantissa) * Self.powersOfTen[power]
                return negative ? -value : value
            }
            return Double(String(decoding: bytes[start..<index], as: UTF8.self))
        }

        /// 10^0 ... 10^22, each exact in a double.
        static let powersOfTen: [Double] = (0...22).map { power in (0..<power).reduce(1.0) { value, _ in value * 10 } }
    }
}
