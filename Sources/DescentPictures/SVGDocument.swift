/// A rectangle in picture coordinates: x to the right, y down, from the top-left corner.
package struct Frame: Equatable, Sendable {
    /// The left edge.
    package var x: Double
    /// The top edge.
    package var y: Double
    /// The width, to the right.
    package var width: Double
    /// The height, downwards.
    package var height: Double

    /// A rectangle from its top-left corner and size.
    package init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The right edge.
    package var right: Double { x + width }
    /// The bottom edge.
    package var bottom: Double { y + height }
}

/// Where a text's anchor point lies on it.
package enum TextAnchor: String, Sendable {
    /// SVG's `text-anchor`: the text begins at, is centred on, or ends at its point.
    case start, middle, end
}

/// An SVG 1.1 document written element by element (SVG 1.1, W3C 2011). Every string that reaches
/// the document passes through `XML.escaped`; numbers are written with at most two decimals.
public struct SVGDocument: Sendable {
    /// The picture's width in pixels.
    public let width: Double
    /// The picture's height in pixels.
    public let height: Double
    private var elements: [String] = []
    private var clipCount = 0

    /// An empty white picture of the given size in pixels.
    package init(width: Double, height: Double) {
        self.width = width
        self.height = height
        rect(Frame(x: 0, y: 0, width: width, height: height), fill: .white)
    }

    /// The font the text asks for: DejaVu Sans is on most Linux systems, the others elsewhere.
    package static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

    /// A filled (and optionally outlined) rectangle.
    package mutating func rect(_ frame: Frame, fill: Color?, stroke: Color? = nil, strokeWidth: Double = 1, title: String? = nil) {
        let tooltip = title.map { "<title>\(XML.escaped($0))</title>" } ?? ""
        let close = tooltip.isEmpty ? "/>" : ">\(tooltip)</rect>"
        elements.append("<rect x=\"\(n(frame.x))\" y=\"\(n(frame.y))\" width=\"\(n(frame.width))\" height=\"\(n(frame.height))\" "
            + "\(paint(fill: fill, stroke: stroke, strokeWidth: strokeWidth))\(close)")
    }

    /// A straight line.
    package mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: Color, width: Double = 1, dashed: Bool = false) {
        elements.append("<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" "
            + "\(paint(fill: nil, stroke: stroke, strokeWidth: width))\(dash(dashed))/>")
    }

    /// A polyline through `points`; needs at least two.
    package mutating func polyline(_ points: [(x: Double, y: Double)], stroke: Color, width: Double = 1.5, dashed: Bool = false) {
        guard points.count >= 2 else { return }
        let list = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
        elements.append("<polyline points=\"\(list)\" \(paint(fill: nil, stroke: stroke, strokeWidth: width))"
            + "\(dash(dashed)) stroke-linejoin=\"round\"/>")
    }

    /// A path from SVG path data (`M x y L x y ...`), drawn without fill.
    package mutating func path(_ data: String, stroke: Color, width: Double = 1, opacity: Double = 1) {
        guard !data.isEmpty else { return }
        elements.append("<path d=\"\(XML.escaped(data))\" \(paint(fill: nil, stroke: stroke, strokeWidth: width)) "
            + "stroke-opacity=\"\(n(opacity))\"/>")
    }

    /// A circle.
    package mutating func circle(x: Double, y: Double, radius: Double, fill: Color?, stroke: Color? = nil, strokeWidth: Double = 1) {
        elements.append("<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(radius))\" "
            + "\(paint(fill: fill, stroke: stroke, strokeWidth: strokeWidth))/>")
    }

    /// Text with its anchor at (`x`, `y`) on the baseline, optionally rotated about that point.
    package mutating func text(
        _ string: String, x: Double, y: Double, size: Double = 13, anchor: TextAnchor = .start,
        color: Color = .black, bold: Bool = false, rotation: Double = 0
    ) {
        let turn = rotation == 0 ? "" : " transform=\"rotate(\(n(rotation)) \(n(x)) \(n(y)))\""
        let weight = bold ? " font-weight=\"bold\"" : ""
        elements.append("<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor.rawValue)\" "
            + "fill=\"\(color.hexString)\"\(weight)\(turn)>\(XML.escaped(string))</text>")
    }

    /// A PNG stretched over `frame`, inlined as a `data:` URI so the file stands alone.
    package mutating func image(png: [UInt8], in frame: Frame, smooth: Bool = true) {
        let rendering = smooth ? "" : " image-rendering=\"pixelated\" style=\"image-rendering:pixelated\""
        elements.append("<image x=\"\(n(frame.x))\" y=\"\(n(frame.y))\" width=\"\(n(frame.width))\" height=\"\(n(frame.height))\" "
            + "preserveAspectRatio=\"none\"\(rendering) xlink:href=\"\(Base64.dataURI(png, mediaType: "image/png"))\"/>")
    }

    /// Runs `draw` with everything it adds clipped to `frame` (lines leaving a plot stop at its edge).
    package mutating func clipped(to frame: Frame, _ draw: (inout SVGDocument) -> Void) {
        clipCount += 1
        let id = "clip\(clipCount)"
        elements.append("<clipPath id=\"\(id)\"><rect x=\"\(n(frame.x))\" y=\"\(n(frame.y))\" width=\"\(n(frame.width))\" "
            + "height=\"\(n(frame.height))\"/></clipPath><g clip-path=\"url(#\(id))\">")
        draw(&self)
        elements.append("</g>")
    }

    /// The whole document, with its XML declaration.
    public var text: String {
        let header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" "
            + "width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" "
            + "font-family=\"\(XML.escaped(Self.fontFamily))\">\n"
        return header + elements.joined(separator: "\n") + "\n</svg>\n"
    }

    /// The document as UTF-8 bytes, ready to write to a `.svg` file.
    public var bytes: [UInt8] { Array(text.utf8) }

    private func paint(fill: Color?, stroke: Color?, strokeWidth: Double) -> String {
        var parts = ["fill=\"\(fill?.hexString ?? "none")\""]
        if let stroke { parts.append("stroke=\"\(stroke.hexString)\" stroke-width=\"\(n(strokeWidth))\"") }
        return parts.joined(separator: " ")
    }

    private func dash(_ dashed: Bool) -> String { dashed ? " stroke-dasharray=\"6 4\"" : "" }

    private func n(_ value: Double) -> String { Self.number(value) }

    /// A coordinate with at most two decimals, as path data wants it; a non-finite one (which SVG
    /// cannot hold) as 0.
    package static func number(_ value: Double) -> String {
        NumberText.trimmed(NumberText.fixed(value.isFinite ? value : 0, decimals: 2))
    }
}
