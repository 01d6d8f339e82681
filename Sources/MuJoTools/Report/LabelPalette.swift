// HOST ONLY. One colour per label for the timeline and its legend, the same for a label in every
// lane. Colours are handed out in the order given (the labels that occur, model order first) from
// a list of well-separated qualitative colours (the tab10/tab20 values, grey left out: grey is
// unknown); past those, hues step by the golden angle.

struct LabelPalette {
    static let unknownColor = "#9e9e9e"
    static let unknownName = "unknown"
    static let qualitative = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
        "#393b79", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#9edae5", "#dbdb8d",
    ]
    private var colors: [String: String] = [:]

    /// `names` in the order colours are handed out.
    init(names: [String]) {
        var k = 0
        for name in names where colors[name] == nil && name != LabelPalette.unknownName {
            if k < LabelPalette.qualitative.count {
                colors[name] = LabelPalette.qualitative[k]
            } else {
                let hue = (Double(k) * 137.508).truncatingRemainder(dividingBy: 360)
                colors[name] = "hsl(\(Markup.coordinate(hue)),60%,\(k % 2 == 0 ? 40 : 62)%)"
            }
            k += 1
        }
    }

    /// The fill colour of `name`; nil and "unknown" are grey, a name not given at init too.
    func color(_ name: String?) -> String {
        guard let name, name != LabelPalette.unknownName else { return LabelPalette.unknownColor }
        return colors[name] ?? LabelPalette.unknownColor
    }
}
