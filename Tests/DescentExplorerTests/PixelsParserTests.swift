@testable import DescentExplorer
import Foundation
import DescentLinearAlgebra
import Testing

@Suite("The fast path for {\"pixels\": [...]}")
struct PixelsParserTests {
    struct Body: Decodable { let pixels: [Double] }

    @Test("it reads what JSONDecoder reads, number for number", arguments: [
        "{\"pixels\": [0, 1, 0.5, 0.0039, 1e-3, 2.5E+2, -0, -0.25]}", "{\"pixels\":[]}", " {\n\"pixels\" :\t[ 0 ,1 ] } \n",
        "{\"pixels\": [0.30000000000000004, 123456789012345678901234567890]}",
    ])
    func agreesWithJSONDecoder(body: String) throws {
        let fast = try #require(PixelsParser.pixels(in: Array(body.utf8)))
        let decoded = try JSONDecoder().decode(Body.self, from: Data(body.utf8)).pixels
        #expect(fast == decoded)
    }

    @Test("its fast path gives the correctly rounded double the standard parser gives, for 20,000 random numbers")
    func fastPathIsExact() throws {
        var generator = SplitMix64(seed: 7)
        var texts: [String] = []
        for _ in 0..<20_000 {
            let digits = String((0..<(1 + generator.uniformInt(below: 18))).map { _ in Character("\(generator.uniformInt(below: 10))") })
            let point = generator.uniformInt(below: digits.count + 1)
            var text = point == 0 ? "0" : String(digits.prefix(point)).drop { $0 == "0" }.description
            if text.isEmpty { text = "0" }
            if point < digits.count { text += "." + digits.dropFirst(point) }
            if generator.uniformInt(below: 4) == 0 { text += "e\(generator.uniformInt(below: 61) - 30)" }
            if generator.uniformInt(below: 5) == 0 { text = "-" + text }
            texts.append(text)
        }
        let values = try #require(PixelsParser.pixels(in: Array("{\"pixels\": [\(texts.joined(separator: ","))]}".utf8)))
        for (text, value) in zip(texts, values) where value.bitPattern != Double(text)!.bitPattern {
            Issue.record("\(text) read as \(value), expected \(Double(text)!)")
        }
    }

    @Test("anything else is left to JSONDecoder", arguments: [
        "{\"pixels\": [01]}", "{\"pixels\": [1.]}", "{\"pixels\": [.5]}", "{\"pixels\": [+1]}", "{\"pixels\": [NaN]}",
        "{\"pixels\": [\"a\"]}", "{\"pixels\": [null]}", "{\"pixels\": [1,]}", "{\"pixels\": [1] } x", "{\"pixels\": [1], \"x\": 2}",
        "{\"pixel\": [1]}", "{\"pixels\": [1e]}", "{\"pixels\": [-]}", "{\"pixels\": [1 2]}", "", "[1]", "{\"pixels\": [1]",
    ])
    func declines(body: String) {
        #expect(PixelsParser.pixels(in: Array(body.utf8)) == nil)
    }
}
