import DescentPictures
import Testing

@Suite("XML escaping and Base64")
struct XMLTests {
    @Test("markup characters become entities and forbidden control characters U+FFFD")
    func escaping() {
        #expect(XML.escaped("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
        #expect(XML.escaped("tab\there\u{01}") == "tab\there\u{FFFD}")
        #expect(XML.escaped("σ → ∇") == "σ → ∇")
    }

    @Test("Base64 matches RFC 4648's test vectors",
          arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                      ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func base64(input: String, expected: String) {
        #expect(Base64.encoded(Array(input.utf8)) == expected)
    }

    @Test("data URIs name the media type")
    func dataURI() {
        #expect(Base64.dataURI([0xFF, 0x00], mediaType: "image/png") == "data:image/png;base64,/wA=")
    }
}
