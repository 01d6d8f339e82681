// HOST ONLY. The few text helpers the HTML report needs: escaping for XHTML/SVG text and
// attributes, and numbers written the same way on every machine (no locale).
import Foundation

enum Markup {
    /// Text safe inside an element or a quoted attribute of XHTML and SVG: & < > " ' become
    /// references; characters XML does not allow (C0 controls other than tab, newline and
    /// carriage return, lone surrogates cannot occur in Swift strings, U+FFFE/U+FFFF) become
    /// U+FFFD. Non-ASCII text is kept as it is (the page is UTF-8).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// `value` with `digits` decimals, '.' as the separator.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", locale: Locale(identifier: "en_US_POSIX"), value)
    }

    /// A coordinate for SVG: at most two decimals, no trailing zeros.
    static func coordinate(_ value: Double) -> String {
        var s = fixed(value, 2)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// A rough width of `text` in pixels at `fontSize` in a sans-serif face (about 0.6 em per
    /// character), enough to size margins so axis labels are not cut.
    static func estimatedWidth(_ text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * 0.6
    }
}
