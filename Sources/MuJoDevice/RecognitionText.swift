// Plain-text lines for recognitions and gaps, shared by the device binaries and the host tools.
// Embedded-compatible: fixed-point formatting by hand (no String(format:)).
import MuJoCore
import MuJoSensors

public enum RecognitionText {
    /// `value` with `digits` decimals, rounded half away from zero.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return value < 0 ? "-inf" : "inf" }
        let n = Int64(scaled)
        let p = Int64(scale)
        var s = value < 0 && n != 0 ? "-" : ""
        s += String(n / p)
        if digits > 0 {
            var frac = String(n % p)
            while frac.count < digits { frac = "0" + frac }
            s += "." + frac
        }
        return s
    }

    public static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
    }

    public static func padLeft(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : String(repeating: " ", count: n - s.count) + s
    }

    /// Seconds since `origin`, e.g. "  12.5s".
    public static func time(_ ns: Int64, origin: Int64 = 0) -> String {
        padLeft(fixed(Double(ns - origin) / 1e9, 1), 6) + "s"
    }

    /// The column titles; `withTruth` adds the column of the true activity (recordings with labels).
    public static func header(withTruth: Bool = false) -> String {
        pad("time", 8) + (withTruth ? pad("truth", 17) : "") + pad("recognised", 18) + pad("cosine", 8) + pad("runners-up", 40) + "latency"
    }

    /// One line per recognition: time, [truth], best label [and a mark], cosine, the next two, latency.
    public static func line(_ r: Recognition, recognizer: Recognizer, origin: Int64 = 0, truth: String? = nil, mark: String = "") -> String {
        let best = r.top.0.map { recognizer.labelName($0.label) } ?? "(no label above threshold)"
        var others = ""
        for s in [r.top.1, r.top.2] {
            guard let s else { continue }
            others += (others.isEmpty ? "" : ", ") + recognizer.labelName(s.label) + " " + fixed(Double(s.cosine), 2)
        }
        return pad(time(r.endNanoseconds, origin: origin), 8) + (truth.map { pad($0, 17) } ?? "") + pad(best + (mark.isEmpty ? "" : " " + mark), 18)
            + pad(r.top.0.map { fixed(Double($0.cosine), 3) } ?? "", 8) + pad(others, 40)
            + fixed(Double(r.latencyNanoseconds) / 1e6, 2) + " ms"
    }

    public static func gap(_ g: SensorGap, origin: Int64 = 0) -> String {
        pad(time(g.startNanoseconds, origin: origin), 8) + "gap: " + g.reason.name + ", about "
            + String(g.estimatedLostSamples) + " samples lost; the window starts again"
    }
}
