// Plain-text lines for recognitions and gaps, shared by the device binaries and the host tools.
// Embedded-compatible: formatting through MuJoSystem.TextFormat (no String(format:)).
import MuJoCore
import MuJoSensors

public enum RecognitionText {
    /// Seconds since `origin`, e.g. "  12.5s".
    public static func time(_ ns: Int64, origin: Int64 = 0) -> String {
        TextFormat.padLeft(TextFormat.fixed(Double(ns - origin) / 1e9, 1), 6) + "s"
    }

    /// The column titles; `withTruth` adds the column of the true activity (recordings with labels).
    public static func header(withTruth: Bool = false) -> String {
        TextFormat.pad("time", 8) + (withTruth ? TextFormat.pad("truth", 17) : "") + TextFormat.pad("recognised", 18) + TextFormat.pad("cosine", 8) + TextFormat.pad("runners-up", 40) + "latency"
    }

    /// One line per recognition: time, [truth], best label [and a mark], cosine, the next two, latency.
    public static func line(_ r: Recognition, recognizer: Recognizer, origin: Int64 = 0, truth: String? = nil, mark: String = "") -> String {
        let best = r.top.0.map { recognizer.labelName($0.label) } ?? "(no label above threshold)"
        var others = ""
        for s in [r.top.1, r.top.2] {
            guard let s else { continue }
            others += (others.isEmpty ? "" : ", ") + recognizer.labelName(s.label) + " " + TextFormat.fixed(Double(s.cosine), 2)
        }
        return TextFormat.pad(time(r.endNanoseconds, origin: origin), 8) + (truth.map { TextFormat.pad($0, 17) } ?? "") + TextFormat.pad(best + (mark.isEmpty ? "" : " " + mark), 18)
            + TextFormat.pad(r.top.0.map { TextFormat.fixed(Double($0.cosine), 3) } ?? "", 8) + TextFormat.pad(others, 40)
            + TextFormat.fixed(Double(r.latencyNanoseconds) / 1e6, 2) + " ms"
    }

    public static func gap(_ g: SensorGap, origin: Int64 = 0) -> String {
        TextFormat.pad(time(g.startNanoseconds, origin: origin), 8) + "gap: " + g.reason.name + ", about "
            + String(g.estimatedLostSamples) + " samples lost; the window starts again"
    }
}
