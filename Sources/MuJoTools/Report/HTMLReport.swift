// HOST ONLY. The page of `mujo eval --html`: one self-contained file (inline CSS and SVG, no
// script, nothing fetched) that is also well-formed XML (XHTML), so tests read it back with
// XMLParser. Sections: the figures, the confusion matrix, per-class recall, the timeline.

struct HTMLReport {
    var title: String
    var model: String
    /// Rows of the figures table: what, value.
    var figures: [(String, String)] = []
    /// Where the confusion matrix and recall come from, in one sentence.
    var matrixSource: String = ""
    var confusion: ConfusionMatrix? = nil
    var chance: Double? = nil
    var timelineSource: String = ""
    var timeline: Timeline? = nil
    /// Label names in the model's order (colours and row order).
    var labelOrder: [String] = []

    static let style = """
    body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; margin: 24px 32px; max-width: 1300px; }
    h1 { font-size: 22px; margin: 0 0 4px 0; }
    h2 { font-size: 17px; margin: 28px 0 6px 0; border-bottom: 1px solid #dddddd; padding-bottom: 3px; }
    p { margin: 4px 0 10px 0; font-size: 13px; line-height: 1.45; }
    p.meta { color: #555555; }
    table.figures { border-collapse: collapse; font-size: 13px; }
    table.figures td { padding: 2px 18px 2px 0; }
    table.figures td.value { font-variant-numeric: tabular-nums; font-weight: bold; }
    svg { display: block; margin: 6px 0 4px 0; }
    svg text { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
    """

    func render() -> String {
        var s = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        s += "<title>\(Markup.escape(title))</title>\n<style>\n\(HTMLReport.style)\n</style>\n</head>\n<body>\n"
        s += "<h1>\(Markup.escape(title))</h1>\n<p class=\"meta\">model \(Markup.escape(model)) · written by mujo eval</p>\n"
        if !figures.isEmpty {
            s += "<table class=\"figures\">\n"
            for (what, value) in figures {
                s += "<tr><td>\(Markup.escape(what))</td><td class=\"value\">\(Markup.escape(value))</td></tr>\n"
            }
            s += "</table>\n"
        }
        if let confusion {
            s += "<h2>Confusion matrix</h2>\n<p>\(Markup.escape(matrixSource)) Rows: true label; columns: recognised label; number: windows; colour: share of the row (the diagonal is recall). Empty cells: no windows.</p>\n"
            s += ConfusionMatrixSVG.render(confusion) + "\n"
            s += "<h2>Recall per class</h2>\n<p>Windows of each true label recognised as that label (count of windows in brackets).</p>\n"
            s += RecallChartSVG.render(confusion.recall, chance: chance) + "\n"
        }
        s += "<h2>Activity timeline</h2>\n"
        if let timeline {
            s += "<p>\(Markup.escape(timelineSource))</p>\n"
            s += TimelineSVG.render(timeline, order: labelOrder) + "\n"
        } else {
            s += "<p>No recording given: pass --recording REC.csv (a CSV with an activity column) for a timeline.</p>\n"
        }
        s += "</body>\n</html>\n"
        return s
    }
}
