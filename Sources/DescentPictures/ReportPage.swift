/// A self-contained HTML page: headings, paragraphs, tables and pictures, every picture inlined as
/// a `data:` URI so the one file opens from disk anywhere, with no network and no other files.
package struct ReportPage: Sendable {
    /// One piece of the page, in order.
    package enum Block: Sendable {
        /// A section heading (`<h2>`), escaped.
        case heading(String)
        /// A paragraph of plain text (`<p>`), escaped.
        case paragraph(String)
        /// A table with a header row.
        case table(header: [String], rows: [[String]])
        /// A picture with its caption; `mediaType` is `image/png` or `image/svg+xml`.
        case picture(bytes: [UInt8], mediaType: String, caption: String)
    }

    /// The page's title and first heading.
    package var title: String
    /// The content, top to bottom.
    package var blocks: [Block]

    /// A page with `blocks`.
    package init(title: String, blocks: [Block] = []) {
        self.title = title
        self.blocks = blocks
    }

    /// The page as HTML5 text; every string from the caller is escaped.
    package var html: String {
        var lines = [
            "<!DOCTYPE html>", "<html lang=\"en\">", "<head>", "<meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>\(XML.escaped(title))</title>", "<style>\(Self.style)</style>", "</head>", "<body>",
            "<h1>\(XML.escaped(title))</h1>",
        ]
        for block in blocks { lines.append(html(of: block)) }
        lines += ["</body>", "</html>", ""]
        return lines.joined(separator: "\n")
    }

    /// The page as UTF-8 bytes.
    package var bytes: [UInt8] { Array(html.utf8) }

    private func html(of block: Block) -> String {
        switch block {
        case .heading(let text):
            return "<h2>\(XML.escaped(text))</h2>"
        case .paragraph(let text):
            return "<p>\(XML.escaped(text))</p>"
        case .table(let header, let rows):
            let head = "<tr>" + header.map { "<th>\(XML.escaped($0))</th>" }.joined() + "</tr>"
            let body = rows.map { "<tr>" + $0.map { "<td>\(XML.escaped($0))</td>" }.joined() + "</tr>" }
            return "<table>\n\(head)\n\(body.joined(separator: "\n"))\n</table>"
        case .picture(let bytes, let mediaType, let caption):
            return "<figure><img src=\"\(Base64.dataURI(bytes, mediaType: XML.escaped(mediaType)))\" alt=\"\(XML.escaped(caption))\">"
                + "<figcaption>\(XML.escaped(caption))</figcaption></figure>"
        }
    }

    private static let style = """
        body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\
        h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ddd}\
        table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left}\
        th{background:#f4f4f4}figure{margin:1em 0}img{max-width:100%;height:auto;border:1px solid #eee}\
        figcaption{color:#555;font-size:.9em;margin-top:.3em}
        """
}
