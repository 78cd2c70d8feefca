@testable import Explorer
import Foundation
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

    @Test("anything else is left to JSONDecoder", arguments: [
        "{\"pixels\": [01]}", "{\"pixels\": [1.]}", "{\"pixels\": [.5]}", "{\"pixels\": [+1]}", "{\"pixels\": [NaN]}",
        "{\"pixels\": [\"a\"]}", "{\"pixels\": [null]}", "{\"pixels\": [1,]}", "{\"pixels\": [1] } x", "{\"pixels\": [1], \"x\": 2}",
        "{\"pixel\": [1]}", "{\"pixels\": [1e]}", "{\"pixels\": [-]}", "{\"pixels\": [1 2]}", "", "[1]", "{\"pixels\": [1]",
    ])
    func declines(body: String) {
        #expect(PixelsParser.pixels(in: Array(body.utf8)) == nil)
    }
}
