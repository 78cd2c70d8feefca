import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What Foundation's XML parser found in a document: whether it is well-formed, and the elements,
/// attributes and text the tests look at.
struct XMLSummary {
    var parsed = false
    var error: String?
    var root: String?
    var counts: [String: Int] = [:]
    var attributes: [String: [[String: String]]] = [:]
    var texts: [String] = []

    /// Parses `text` strictly (any malformation fails).
    init(_ text: String) {
        let parser = XMLParser(data: Data(text.utf8))
        let collector = Collector()
        parser.delegate = collector
        parsed = parser.parse()
        error = parsed ? nil : "\(parser.parserError.map { "\($0)" } ?? "unknown") at line \(parser.lineNumber)"
        root = collector.root
        counts = collector.counts
        attributes = collector.attributes
        texts = collector.texts
    }

    func count(_ element: String) -> Int { counts[element] ?? 0 }
    var allText: String { texts.joined() }
}

/// The parser's delegate, collecting as it goes.
private final class Collector: NSObject, XMLParserDelegate {
    var root: String?
    var counts: [String: Int] = [:]
    var attributes: [String: [[String: String]]] = [:]
    var texts: [String] = []

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if root == nil { root = elementName }
        counts[elementName, default: 0] += 1
        self.attributes[elementName, default: []].append(attributes)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        texts.append(string)
    }
}
