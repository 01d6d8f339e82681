// HOST ONLY. Per-class recall as a horizontal SVG bar chart: one bar per true label (the model's
// label order), its value and window count written beside it, a 0…1 axis with grid lines, and a
// dashed line at chance (1 / number of labels). Every bar carries data-label and data-recall.

enum RecallChartSVG {
    static let fontSize = 12.0

    /// `chance`: the accuracy of guessing, drawn as a reference line (nil: none).
    static func render(_ rows: [(label: String, recall: Double, windows: Int)], chance: Double?) -> String {
        let longest = rows.map { Markup.estimatedWidth($0.label, fontSize: fontSize) }.max() ?? 0
        let left = max(80, longest + 16)
        let plot = 520.0
        let barHeight = 18.0, step = 24.0
        let top = 24.0
        let height = top + step * Double(rows.count) + 44
        let width = left + plot + 110
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"recall\" width=\"\(c(width))\" height=\"\(c(height))\" viewBox=\"0 0 \(c(width)) \(c(height))\" role=\"img\" aria-label=\"Recall per true label\">\n"
        let axisY = top + step * Double(rows.count) + 2
        s += "<g class=\"grid\" font-size=\"11\" text-anchor=\"middle\">"
        for tick in stride(from: 0.0, through: 1.0001, by: 0.2) {
            let x = left + plot * tick
            s += "<line x1=\"\(c(x))\" y1=\"\(c(top - 4))\" x2=\"\(c(x))\" y2=\"\(c(axisY))\" stroke=\"\(tick == 0 ? "#444444" : "#e0e0e0")\"/>"
            s += "<text x=\"\(c(x))\" y=\"\(c(axisY + 15))\">\(Markup.fixed(tick, 1))</text>"
        }
        s += "<line x1=\"\(c(left))\" y1=\"\(c(axisY))\" x2=\"\(c(left + plot))\" y2=\"\(c(axisY))\" stroke=\"#444444\"/>"
        s += "<text x=\"\(c(left + plot / 2))\" y=\"\(c(axisY + 34))\" font-size=\"13\" font-weight=\"bold\">recall (windows of the label recognised as it)</text>"
        s += "</g>\n<g class=\"bars\" font-size=\"\(c(fontSize))\">\n"
        for (i, row) in rows.enumerated() {
            let y = top + step * Double(i)
            let w = plot * min(max(row.recall, 0), 1)
            s += "<g class=\"bar\" data-label=\"\(Markup.escape(row.label))\" data-recall=\"\(Markup.fixed(row.recall, 4))\" data-windows=\"\(row.windows)\">"
            s += "<title>\(Markup.escape("\(row.label): recall \(Markup.fixed(row.recall, 3)) over \(row.windows) windows"))</title>"
            s += "<text class=\"bar-label\" x=\"\(c(left - 8))\" y=\"\(c(y + barHeight / 2 + 4))\" text-anchor=\"end\">\(Markup.escape(row.label))</text>"
            s += "<rect x=\"\(c(left))\" y=\"\(c(y))\" width=\"\(c(w))\" height=\"\(c(barHeight))\" fill=\"#3b75af\"/>"
            s += "<text class=\"bar-value\" x=\"\(c(left + w + 6))\" y=\"\(c(y + barHeight / 2 + 4))\">\(Markup.fixed(row.recall, 3)) (\(row.windows))</text>"
            s += "</g>\n"
        }
        s += "</g>\n"
        if let chance, chance > 0, chance <= 1 {
            let x = left + plot * chance
            s += "<g class=\"chance\" font-size=\"11\"><line x1=\"\(c(x))\" y1=\"\(c(top - 4))\" x2=\"\(c(x))\" y2=\"\(c(axisY))\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/>"
            s += "<text x=\"\(c(x))\" y=\"\(c(top - 8))\" fill=\"#c0392b\" text-anchor=\"middle\">chance</text></g>\n"
        }
        s += "</svg>"
        return s
    }

    private static func c(_ v: Double) -> String { Markup.coordinate(v) }
}
