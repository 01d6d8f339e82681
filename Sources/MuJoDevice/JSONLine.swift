// One JSON object per line, written by hand into a reusable byte buffer (Embedded Swift has no
// Codable). Strings are escaped as RFC 8259 requires: `"` and `\` escaped, control characters as
// \u00XX, everything else (valid UTF-8, non-ASCII included) passed through. Numbers are written
// from integers — decimals are fixed-point — so the same values give the same bytes on every
// machine. Once the buffer has grown to its largest line, writing a line allocates nothing.

public struct JSONLine {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    /// Starts a new line: `{"v":VERSION,"event":"TYPE"`.
    public mutating func begin(event: StaticString, version: Int = 1) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        key("v")
        integer(Int64(version))
        key("event")
        staticString(event)
    }

    /// Ends the object and the line.
    public mutating func end() {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(10)
    }

    /// `"name":` (with the comma before it when needed). Keys are ASCII literals.
    public mutating func key(_ name: StaticString) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func staticString(_ s: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A string value, escaped.
    public mutating func string(_ s: String) {
        var copy = s
        copy.withUTF8 { JSONLine.appendEscaped($0, to: &bytes) }
    }

    /// Bytes escaped once (e.g. label names at start-up), appended as they are.
    public mutating func raw(_ escaped: [UInt8]) { bytes.append(contentsOf: escaped) }

    /// `"…"` with JSON escaping of UTF-8 `text`.
    public static func escaped(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var copy = text
        copy.withUTF8 { appendEscaped($0, to: &out) }
        return out
    }

    static func appendEscaped(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let hexDigits: StaticString = "0123456789abcdef"
        out.append(UInt8(ascii: "\""))
        for c in text {
            switch c {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(c)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(c)
            case 10: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 13: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 9: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<32, 127:
                out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "u")); out.append(UInt8(ascii: "0")); out.append(UInt8(ascii: "0"))
                hexDigits.withUTF8Buffer { h in out.append(h[Int(c >> 4)]); out.append(h[Int(c & 15)]) }
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    public mutating func integer(_ v: Int64) {
        if v < 0 { bytes.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat { d[n] = UInt8(ascii: "0") + UInt8(m % 10); m /= 10; n += 1 } while m > 0
            while n > 0 { n -= 1; bytes.append(d[n]) }
        }
    }

    /// `value / 10^decimals` written with exactly `decimals` decimals (e.g. ns → s with 3 is ms).
    public mutating func fixed(_ value: Int64, decimals: Int) {
        var p: Int64 = 1
        for _ in 0..<decimals { p *= 10 }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let m = Int64(value.magnitude / UInt64(p))
        integer(m)
        guard decimals > 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var frac = Int64(value.magnitude % UInt64(p))
        var scale = p / 10
        while scale > 0 { bytes.append(UInt8(ascii: "0") + UInt8(frac / scale)); frac %= scale; scale /= 10 }
    }

    /// Nanoseconds as seconds with millisecond resolution (rounded toward zero).
    public mutating func seconds(_ ns: Int64) { fixed(ns / 1_000_000, decimals: 3) }

    /// A float rounded half away from zero to `decimals` decimals; null when not finite.
    public mutating func decimal(_ v: Float, decimals: Int = 4) {
        guard v.isFinite, abs(v) < 1e12 else { bytes.append(contentsOf: [110, 117, 108, 108]); return }
        var p: Float = 1
        for _ in 0..<decimals { p *= 10 }
        fixed(Int64((v * p).rounded(.toNearestOrAwayFromZero)), decimals: decimals)
    }

    public mutating func boolean(_ b: Bool) {
        if b { bytes.append(contentsOf: [116, 114, 117, 101]) } else { bytes.append(contentsOf: [102, 97, 108, 115, 101]) }
    }

    public mutating func null() { bytes.append(contentsOf: [110, 117, 108, 108]) }

    /// Bytes as lowercase hexadecimal in quotes (int8 embeddings).
    public mutating func hexString(_ p: UnsafeRawBufferPointer) {
        let hexDigits: StaticString = "0123456789abcdef"
        bytes.append(UInt8(ascii: "\""))
        hexDigits.withUTF8Buffer { h in
            for b in p { bytes.append(h[Int(b >> 4)]); bytes.append(h[Int(b & 15)]) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func beginArray() { bytes.append(UInt8(ascii: "[")) }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")) }
    public mutating func beginObject() { bytes.append(UInt8(ascii: "{")); needsComma = false }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    public mutating func comma() { bytes.append(UInt8(ascii: ",")) }
}
