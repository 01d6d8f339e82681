// HOST ONLY. The activity timeline as one inline SVG: three lanes (truth, each window's label,
// the tracker's activities) over a time axis in minutes from the first sample, gaps hatched
// across all lanes, and a legend of the labels that occur. Every span is a rect with data-lane,
// data-label (left out for unknown, which has data-unknown="1"), data-start-ns and data-end-ns.

enum TimelineSVG {
    static let left = 200.0
    static let plotWidth = 1000.0
    static let laneHeight = 30.0
    static let laneGap = 10.0
    static let top = 8.0
    static let lanes = [("truth", "truth"), ("windows", "recognised (each window)"), ("activity", "activity (tracker)")]

    /// `order`: label names in the order their colours are given (the model's labels).
    static func render(_ timeline: Timeline, order: [String]) -> String {
        let legend = legendItems(timeline, order: order)
        let palette = LabelPalette(names: legend.filter { !$0.unknown && !$0.isGap }.map(\.name))
        let lanesBottom = top + Double(lanes.count) * (laneHeight + laneGap) - laneGap
        let axisY = lanesBottom + 6
        let legendTop = axisY + 52
        let legendRows = layoutLegend(legend)
        let height = legendTop + Double(legendRows.count) * 20 + 8
        let width = left + plotWidth + 30
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"\(c(width))\" height=\"\(c(height))\" viewBox=\"0 0 \(c(width)) \(c(height))\" role=\"img\" aria-label=\"Activity timeline: truth, recognised windows and tracked activities\">\n"
        s += "<defs><pattern id=\"gap-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#555555\" stroke-width=\"2\"/></pattern></defs>\n"

        for (k, lane) in lanes.enumerated() {
            let y = top + Double(k) * (laneHeight + laneGap)
            let spans = k == 0 ? timeline.truth : k == 1 ? timeline.windows : timeline.activities
            s += "<g class=\"lane\" data-lane=\"\(lane.0)\" shape-rendering=\"crispEdges\">"
            s += "<text class=\"lane-name\" x=\"\(c(left - 10))\" y=\"\(c(y + laneHeight / 2 + 4))\" text-anchor=\"end\" font-size=\"12\">\(Markup.escape(lane.1))</text>"
            s += "<rect x=\"\(c(left))\" y=\"\(c(y))\" width=\"\(c(plotWidth))\" height=\"\(c(laneHeight))\" fill=\"#f4f4f4\"/>\n"
            for span in spans {
                s += rect(span, lane: lane.0, y: y, height: laneHeight, fill: palette.color(span.label), timeline: timeline) + "\n"
            }
            s += "</g>\n"
        }
        if !timeline.gaps.isEmpty {
            s += "<g class=\"gaps\" opacity=\"0.8\">"
            for gap in timeline.gaps {
                s += rect(gap, lane: "gap", y: top, height: lanesBottom - top, fill: "url(#gap-hatch)", timeline: timeline)
            }
            s += "</g>\n"
        }
        s += axis(timeline, y: axisY)
        s += "<g class=\"legend\" font-size=\"12\">"
        for (r, row) in legendRows.enumerated() {
            let y = legendTop + Double(r) * 20
            for item in row {
                let fill = item.isGap ? "url(#gap-hatch)" : palette.color(item.unknown ? nil : item.name)
                s += "<g class=\"legend-item\"><rect x=\"\(c(item.x))\" y=\"\(c(y))\" width=\"14\" height=\"14\" fill=\"\(fill)\" stroke=\"#666666\" stroke-width=\"0.5\"/>"
                s += "<text x=\"\(c(item.x + 19))\" y=\"\(c(y + 11))\">\(Markup.escape(item.name))</text></g>"
            }
        }
        s += "</g>\n</svg>"
        return s
    }

    /// The horizontal position of sensor time `t`.
    static func x(_ t: Int64, _ timeline: Timeline) -> Double {
        let duration = Double(max(timeline.endNanoseconds - timeline.originNanoseconds, 1))
        return left + Double(t - timeline.originNanoseconds) / duration * plotWidth
    }

    static func rect(_ span: Timeline.Span, lane: String, y: Double, height: Double, fill: String, timeline: Timeline) -> String {
        let x0 = x(span.startNanoseconds, timeline), x1 = x(span.endNanoseconds, timeline)
        let name = lane == "gap" ? "gap" : span.label ?? LabelPalette.unknownName
        let tip = "\(name): \(clock(span.startNanoseconds - timeline.originNanoseconds))–\(clock(span.endNanoseconds - timeline.originNanoseconds))"
            + (span.note.isEmpty ? "" : ", " + span.note)
        let label = span.label.map { " data-label=\"\(Markup.escape($0))\"" } ?? (lane == "gap" ? "" : " data-unknown=\"1\"")
        return "<rect class=\"span\" data-lane=\"\(lane)\"\(label) data-start-ns=\"\(span.startNanoseconds)\" data-end-ns=\"\(span.endNanoseconds)\" x=\"\(c(x0))\" y=\"\(c(y))\" width=\"\(c(max(x1 - x0, 0)))\" height=\"\(c(height))\" fill=\"\(fill)\"><title>\(Markup.escape(tip))</title></rect>"
    }

    /// Ticks every 0.25, 0.5, 1, 2, 5, … minutes, at most 12 of them, labelled in minutes.
    static func axis(_ timeline: Timeline, y: Double) -> String {
        let minutes = Double(timeline.endNanoseconds - timeline.originNanoseconds) / 60e9
        let step = [0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 240, 480].first { minutes / $0 <= 12 } ?? 960
        let digits = step < 0.5 ? 2 : step < 1 ? 1 : 0
        var s = "<g class=\"axis\" font-size=\"11\" text-anchor=\"middle\">"
        s += "<line x1=\"\(c(left))\" y1=\"\(c(y))\" x2=\"\(c(left + plotWidth))\" y2=\"\(c(y))\" stroke=\"#444444\"/>"
        var tick = 0.0
        while tick <= minutes + 1e-9 {
            let t = timeline.originNanoseconds + Int64((tick * 60e9).rounded())
            let px = x(t, timeline)
            s += "<line x1=\"\(c(px))\" y1=\"\(c(y))\" x2=\"\(c(px))\" y2=\"\(c(y + 5))\" stroke=\"#444444\"/>"
            s += "<text class=\"tick\" x=\"\(c(px))\" y=\"\(c(y + 18))\">\(Markup.fixed(tick, digits))</text>"
            tick += step
        }
        s += "<text x=\"\(c(left + plotWidth / 2))\" y=\"\(c(y + 36))\" font-size=\"13\" font-weight=\"bold\">minutes from the first sample (sensor clock)</text>"
        s += "</g>\n"
        return s
    }

    struct LegendItem { var name: String; var unknown: Bool; var isGap: Bool; var x: Double = 0 }

    /// The labels that occur in any lane (model order, then truth-only names), unknown and gap last.
    static func legendItems(_ timeline: Timeline, order: [String]) -> [LegendItem] {
        let spans = timeline.truth + timeline.windows + timeline.activities
        let used = Set(spans.compactMap(\.label))
        var names = order.filter { used.contains($0) }
        for span in spans { if let l = span.label, !names.contains(l) { names.append(l) } }
        var items = names.map { LegendItem(name: $0, unknown: false, isGap: false) }
        if spans.contains(where: { $0.label == nil }) { items.append(LegendItem(name: LabelPalette.unknownName, unknown: true, isGap: false)) }
        if !timeline.gaps.isEmpty { items.append(LegendItem(name: "gap", unknown: false, isGap: true)) }
        return items
    }

    /// Legend items in rows that fit the plot's width.
    static func layoutLegend(_ items: [LegendItem]) -> [[LegendItem]] {
        var rows: [[LegendItem]] = [[]]
        var x = left
        for var item in items {
            let w = 19 + Markup.estimatedWidth(item.name, fontSize: 12) + 22
            if x + w > left + plotWidth, !rows[rows.count - 1].isEmpty { rows.append([]); x = left }
            item.x = x
            rows[rows.count - 1].append(item)
            x += w
        }
        return rows.filter { !$0.isEmpty }
    }

    /// m:ss.s
    static func clock(_ ns: Int64) -> String {
        let seconds = Double(ns) / 1e9
        let m = Int(seconds / 60)
        let rest = seconds - Double(m) * 60
        return "\(m):" + (rest < 10 ? "0" : "") + Markup.fixed(rest, 1)
    }

    private static func c(_ v: Double) -> String { Markup.coordinate(v) }
}
