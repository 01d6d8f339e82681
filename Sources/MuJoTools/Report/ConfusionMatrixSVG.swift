// HOST ONLY. The confusion matrix as one inline SVG: rows are the true labels, columns the
// recognised ones, each cell coloured by its share of the row (so a row's colours read as recall
// and confusions whatever the class sizes) and labelled with its window count. A colour scale
// sits on the right. Every cell carries data-row, data-col and data-count for tests and tools.

enum ConfusionMatrixSVG {
    static let fontSize = 12.0

    static func render(_ matrix: ConfusionMatrix) -> String {
        let n = matrix.labels.count
        let cell = n <= 8 ? 52.0 : n <= 14 ? 40.0 : 34.0
        let longest = matrix.labels.map { Markup.estimatedWidth($0, fontSize: fontSize) }.max() ?? 0
        let left = max(90, longest + 40)
        let top = 12.0
        let grid = cell * Double(n)
        let diagonalDrop = longest * 0.72 + 16
        let bottom = diagonalDrop + 34
        let scaleX = left + grid + 24
        let width = scaleX + 14 + 70
        let height = top + grid + bottom
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"confusion\" width=\"\(c(width))\" height=\"\(c(height))\" viewBox=\"0 0 \(c(width)) \(c(height))\" role=\"img\" aria-label=\"Confusion matrix: true label by row, recognised label by column\">\n"
        s += "<defs><linearGradient id=\"confusion-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
        for stop in [0.0, 0.25, 0.5, 0.75, 1.0] {
            s += "<stop offset=\"\(c(stop))\" stop-color=\"\(color(stop))\"/>"
        }
        s += "</linearGradient></defs>\n"

        // Cells.
        s += "<g class=\"cells\" font-size=\"\(c(cell >= 40 ? 12 : 11))\" text-anchor=\"middle\">\n"
        for r in 0..<n {
            let rowTotal = matrix.rowTotal(r)
            for k in 0..<n {
                let count = matrix.counts[r][k]
                let share = rowTotal > 0 ? Double(count) / Double(rowTotal) : 0
                let x = left + Double(k) * cell, y = top + Double(r) * cell
                let stroke = r == k ? "#222222" : "#d9d9d9"
                let tip = "\(matrix.labels[r]) → \(matrix.labels[k]): \(count) window\(count == 1 ? "" : "s")"
                    + (rowTotal > 0 ? " (\(Markup.fixed(share * 100, 1)) % of the row)" : "")
                s += "<g class=\"cell\" data-row=\"\(r)\" data-col=\"\(k)\" data-count=\"\(count)\"><title>\(Markup.escape(tip))</title>"
                s += "<rect x=\"\(c(x))\" y=\"\(c(y))\" width=\"\(c(cell))\" height=\"\(c(cell))\" fill=\"\(color(share))\" stroke=\"\(stroke)\" stroke-width=\"\(r == k ? 1.5 : 1)\"/>"
                if count > 0 {
                    s += "<text x=\"\(c(x + cell / 2))\" y=\"\(c(y + cell / 2 + 4))\" fill=\"\(share > 0.5 ? "#ffffff" : "#111111")\">\(count)</text>"
                }
                s += "</g>\n"
            }
        }
        s += "</g>\n"

        // Axis labels: true labels left of the rows, recognised labels under the columns.
        s += "<g class=\"row-labels\" font-size=\"\(c(fontSize))\" text-anchor=\"end\">\n"
        for (r, name) in matrix.labels.enumerated() {
            // A label that is never the truth (only recognised) has an empty row: greyed.
            let never = matrix.rowTotal(r) == 0 ? " fill=\"#999999\" font-style=\"italic\"" : ""
            s += "<text class=\"row-label\" x=\"\(c(left - 8))\" y=\"\(c(top + (Double(r) + 0.5) * cell + 4))\"\(never)>\(Markup.escape(name))</text>\n"
        }
        s += "</g>\n<g class=\"col-labels\" font-size=\"\(c(fontSize))\" text-anchor=\"end\">\n"
        for (k, name) in matrix.labels.enumerated() {
            let x = left + (Double(k) + 0.5) * cell + 4, y = top + grid + 10
            s += "<text class=\"col-label\" transform=\"translate(\(c(x)),\(c(y))) rotate(-45)\">\(Markup.escape(name))</text>\n"
        }
        s += "</g>\n"
        s += "<text class=\"axis-title\" x=\"\(c(14))\" y=\"\(c(top + grid / 2))\" transform=\"rotate(-90 14 \(c(top + grid / 2)))\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">true label</text>\n"
        s += "<text class=\"axis-title\" x=\"\(c(left + grid / 2))\" y=\"\(c(height - 8))\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">recognised label</text>\n"

        // Colour scale: share of the row.
        s += "<g class=\"scale\" font-size=\"11\">"
        s += "<rect x=\"\(c(scaleX))\" y=\"\(c(top))\" width=\"14\" height=\"\(c(grid))\" fill=\"url(#confusion-scale)\" stroke=\"#999999\"/>"
        for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let y = top + grid * (1 - tick)
            s += "<line x1=\"\(c(scaleX + 14))\" y1=\"\(c(y))\" x2=\"\(c(scaleX + 18))\" y2=\"\(c(y))\" stroke=\"#666666\"/>"
            s += "<text x=\"\(c(scaleX + 21))\" y=\"\(c(y + 4))\">\(Int(tick * 100)) %</text>"
        }
        s += "<text x=\"\(c(scaleX))\" y=\"\(c(top + grid + 18))\">of the row</text>"
        s += "</g>\n</svg>"
        return s
    }

    /// White (0) to dark blue (1), linear in sRGB.
    static func color(_ share: Double) -> String {
        let t = min(max(share, 0), 1)
        let from = (247.0, 251.0, 255.0), to = (8.0, 48.0, 107.0)
        func channel(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * t).rounded()) }
        let rgb = [channel(from.0, to.0), channel(from.1, to.1), channel(from.2, to.2)]
        return "#" + rgb.map { hex2($0) }.joined()
    }

    static func hex2(_ v: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[(v >> 4) & 15], digits[v & 15]])
    }

    private static func c(_ v: Double) -> String { Markup.coordinate(v) }
}
