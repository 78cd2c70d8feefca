import DescentPictures
import Testing

@Suite("The HTML report page")
struct ReportPageTests {
    @Test("pictures are inlined as data URIs and every caller string is escaped")
    func page() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]
        let page = ReportPage(title: "Report <1>", blocks: [
            .heading("Settings & such"),
            .table(header: ["setting", "value"], rows: [["learning rate", "3.0"], ["<script>", "x"]]),
            .picture(bytes: png, mediaType: "image/png", caption: "a \"picture\""),
            .picture(bytes: Array("<svg/>".utf8), mediaType: "image/svg+xml", caption: "chart"),
        ])
        let html = page.html
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>Report &lt;1&gt;</title>"))
        #expect(html.contains("src=\"data:image/png;base64,\(Base64.encoded(png))\""))
        #expect(html.contains("data:image/svg+xml;base64,PHN2Zy8+"))
        #expect(html.contains("&lt;script&gt;") && !html.contains("<script>"))
        #expect(html.contains("alt=\"a &quot;picture&quot;\""))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http"))
    }
}
