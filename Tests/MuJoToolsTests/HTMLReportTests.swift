import XCTest
import Foundation
@testable import MuJoTools

/// The report's confusion matrix and recall chart on a hand-computed example, rendered into the
/// page and read back with XMLParser: counts, recall values and label names (with markup
/// characters and non-ASCII text) must survive the round trip.
final class HTMLReportTests: XCTestCase {
    // Names that break naive markup: quotes, <, &, an apostrophe, non-ASCII.
    let a = "walk \"fast\" & <slow>"
    let b = "Treppe über Stufen"
    let c = "it's <c>"

    /// truth a a a b b c, recognised a b a b b a:
    ///            a  b  c
    ///   truth a  2  1  0    recall 2/3
    ///   truth b  0  2  0    recall 1
    ///   truth c  1  0  0    recall 0
    var example: ConfusionMatrix {
        ConfusionMatrix(truth: [a, a, a, b, b, c], recognised: [a, b, a, b, b, a], order: [a, b, c])
    }

    func testConfusionMatrixCountsByHand() {
        let m = example
        XCTAssertEqual(m.labels, [a, b, c])
        XCTAssertEqual(m.counts, [[2, 1, 0], [0, 2, 0], [1, 0, 0]])
        XCTAssertEqual(m.total, 6)
        XCTAssertEqual(m.accuracy, 4.0 / 6.0, accuracy: 1e-12)
        XCTAssertEqual(m.recall.map(\.label), [a, b, c])
        XCTAssertEqual(m.recall.map(\.windows), [3, 2, 1])
        XCTAssertEqual(m.recall[0].recall, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(m.recall[1].recall, 1.0, accuracy: 1e-12)
        XCTAssertEqual(m.recall[2].recall, 0.0, accuracy: 1e-12)
    }

    func testLabelsOnlyRecognisedGetAColumnAndNoRecallBar() {
        // "unknown" is not in the order: it goes after the known names; it is never truth.
        let m = ConfusionMatrix(truth: ["x", "y", "y"], recognised: ["unknown", "y", "x"], order: ["y", "x", "z"])
        XCTAssertEqual(m.labels, ["y", "x", "unknown"])
        XCTAssertEqual(m.counts, [[1, 1, 0], [0, 0, 1], [0, 0, 0]])
        XCTAssertEqual(m.recall.map(\.label), ["y", "x"])
    }

    func testRecallAgreesWithClassMetrics() {
        let names = ["p", "q", "r", "s"]
        let targets = [0, 0, 1, 1, 1, 2, 3, 3, 0, 2]
        let predictions = [0, 1, 1, 1, 0, 2, 2, 3, 0, 0]
        let metrics = Evaluation.metrics(targets: targets, predictions: predictions)
        let m = ConfusionMatrix(truth: targets.map { names[$0] }, recognised: predictions.map { names[$0] }, order: names)
        XCTAssertEqual(m.recall.map(\.label), metrics.classes.map { names[$0] })
        for (mine, theirs) in zip(m.recall.map(\.recall), metrics.recall) { XCTAssertEqual(mine, theirs, accuracy: 1e-12) }
        XCTAssertEqual(m.accuracy, metrics.accuracy, accuracy: 1e-12)
    }

    func testEscape() {
        XCTAssertEqual(Markup.escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;")
        XCTAssertEqual(Markup.escape("über 日本"), "über 日本")
        XCTAssertEqual(Markup.escape("bell\u{07}tab\t"), "bell\u{FFFD}tab\t")
    }

    func testConfusionMatrixAndRecallParseBack() throws {
        var page = HTMLReport(title: "test <&> \"report\"", model: "m&m.mujo")
        page.confusion = example
        page.chance = 1.0 / 3.0
        page.labelOrder = [a, b, c]
        page.figures = [("accuracy", "66.7 %")]
        let html = page.render()
        XCTAssertFalse(html.contains("<script"), "no JavaScript")
        XCTAssertFalse(html.contains("src="), "nothing loaded from elsewhere")
        let doc = try XMLTreeBuilder.parse(html)
        XCTAssertEqual(doc.all("title").first?.fullText, "test <&> \"report\"")

        let svg = try XCTUnwrap(doc.all("svg", class: "confusion").first)
        let cells = svg.all("g", class: "cell")
        XCTAssertEqual(cells.count, 9)
        var counts = [[Int]](repeating: [0, 0, 0], count: 3)
        for cell in cells {
            let r = Int(cell.attributes["data-row"]!)!, k = Int(cell.attributes["data-col"]!)!
            let n = Int(cell.attributes["data-count"]!)!
            counts[r][k] = n
            // The number written in the cell is the count; empty cells have none.
            let written = cell.all("text").first?.fullText
            XCTAssertEqual(written, n > 0 ? "\(n)" : nil)
            XCTAssertTrue(cell.all("title").first!.fullText.hasPrefix("\(example.labels[r]) → \(example.labels[k]): \(n) window"))
        }
        XCTAssertEqual(counts, [[2, 1, 0], [0, 2, 0], [1, 0, 0]])
        XCTAssertEqual(svg.all("text", class: "row-label").map(\.fullText), [a, b, c])
        XCTAssertEqual(svg.all("text", class: "col-label").map(\.fullText), [a, b, c])
        // The diagonal's darkest cell is the full row (b: 2 of 2); a zero cell is white-ish.
        let fill = { (r: Int, k: Int) in cells.first { $0.attributes["data-row"] == "\(r)" && $0.attributes["data-col"] == "\(k)" }!.all("rect").first!.attributes["fill"]! }
        XCTAssertEqual(fill(1, 1), ConfusionMatrixSVG.color(1))
        XCTAssertEqual(fill(0, 2), ConfusionMatrixSVG.color(0))

        let recall = try XCTUnwrap(doc.all("svg", class: "recall").first)
        let bars = recall.all("g", class: "bar")
        XCTAssertEqual(bars.map { $0.attributes["data-label"]! }, [a, b, c])
        XCTAssertEqual(bars.map { $0.attributes["data-recall"]! }, ["0.6667", "1.0000", "0.0000"])
        XCTAssertEqual(bars.map { $0.all("text", class: "bar-value").first!.fullText }, ["0.667 (3)", "1.000 (2)", "0.000 (1)"])
        XCTAssertEqual(bars.map { $0.all("text", class: "bar-label").first!.fullText }, [a, b, c])
        // Bar lengths are proportional to recall (the plot is 520 px wide).
        let widths = bars.map { Double($0.all("rect").first!.attributes["width"]!)! }
        XCTAssertEqual(widths[0], 520 * 2 / 3, accuracy: 0.01)
        XCTAssertEqual(widths[1], 520, accuracy: 0.01)
        XCTAssertEqual(widths[2], 0, accuracy: 0.01)

        // The figures table and the note that there is no timeline.
        XCTAssertEqual(doc.all("td", class: "value").map(\.fullText), ["66.7 %"])
        XCTAssertNil(doc.all("svg", class: "timeline").first)
    }
}
