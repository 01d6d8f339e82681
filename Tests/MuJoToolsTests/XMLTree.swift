import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML document (Foundation's XMLParser), for reading the HTML report back: elements
/// with their attributes, direct text and children. Parsing fails on anything not well-formed.
final class XMLNode {
    let name: String
    let attributes: [String: String]
    var children: [XMLNode] = []
    var text = ""
    init(name: String, attributes: [String: String]) { self.name = name; self.attributes = attributes }

    /// This element's text and all its descendants', in document order.
    var fullText: String { text + children.map(\.fullText).joined() }

    /// Every element below (and including) this one that matches, in document order.
    func all(_ match: (XMLNode) -> Bool) -> [XMLNode] {
        (match(self) ? [self] : []) + children.flatMap { $0.all(match) }
    }
    func all(_ name: String, _ attribute: String? = nil, _ value: String? = nil) -> [XMLNode] {
        all { node in
            node.name == name && (attribute == nil || (value == nil ? node.attributes[attribute!] != nil : node.attributes[attribute!] == value))
        }
    }
    /// Elements whose class attribute holds `className`.
    func all(_ name: String, class className: String) -> [XMLNode] {
        all { $0.name == name && ($0.attributes["class"] ?? "").split(separator: " ").contains(Substring(className)) }
    }
}

struct XMLParseFailure: Error, CustomStringConvertible {
    var description: String
}

final class XMLTreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [XMLNode] = [XMLNode(name: "#document", attributes: [:])]

    static func parse(_ text: String) throws -> XMLNode {
        let parser = XMLParser(data: Data(text.utf8))
        let builder = XMLTreeBuilder()
        parser.delegate = builder
        guard parser.parse() else {
            throw XMLParseFailure(description: "not well-formed at line \(parser.lineNumber), column \(parser.columnNumber): \(parser.parserError.map { "\($0)" } ?? "?")")
        }
        return builder.stack[0]
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        let node = XMLNode(name: elementName, attributes: attributes)
        stack[stack.count - 1].children.append(node)
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack[stack.count - 1].text += string
    }
}
