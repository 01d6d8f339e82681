// The session's events as the human-readable table of `mujo run` and the demo: one line per
// window (time, [truth], recognised label, cosine, runners-up, latency), gaps, activity spans
// and a summary. With `truth`, each window also gets ✓/✗ and the summary an accuracy.
import MuJoCore
import MuJoDevice
import MuJoSensors

public struct TableOutput: SessionOutput {
    /// The true activity of a window (start, end in sensor ns), for labelled recordings.
    public var truth: ((Int64, Int64) -> String?)?
    /// Prints one line (stdout by default).
    public var write: (String) -> Void
    /// Sensor time of the first window or gap: times are printed relative to it.
    private var origin: Int64? = nil
    public private(set) var windows = 0, judged = 0, correct = 0
    public private(set) var latencySum: Int64 = 0, latencyMax: Int64 = 0

    public init(truth: ((Int64, Int64) -> String?)? = nil, write: @escaping (String) -> Void = { print($0) }) {
        self.truth = truth
        self.write = write
    }

    public mutating func emit(_ event: SessionEvent, recognizer: Recognizer) {
        switch event {
        case .start(let model, let sensor, let rate):
            let spec = recognizer.spec
            write("\(model): \(recognizer.model.labels.labels.count) labels, windows of \(spec.window) samples at \(TextFormat.fixed(Double(spec.sampleRateHz), 1)) Hz; source: \(sensor), running at \(TextFormat.fixed(rate, 1)) Hz")
            write(RecognitionText.header(withTruth: truth != nil))
        case .window(let r):
            if origin == nil { origin = r.startNanoseconds }
            windows += 1
            latencySum += r.latencyNanoseconds
            latencyMax = max(latencyMax, r.latencyNanoseconds)
            if let truth {
                let t = truth(r.startNanoseconds, r.endNanoseconds)
                let best = r.top.0.map { recognizer.labelName($0.label) } ?? "(none)"
                var mark = " "
                if let t { judged += 1; if t == best { correct += 1; mark = "✓" } else { mark = "✗" } }
                write(RecognitionText.line(r, recognizer: recognizer, origin: origin!, truth: t ?? "(transition)", mark: mark))
            } else {
                write(RecognitionText.line(r, recognizer: recognizer, origin: origin!))
            }
        case .activity(let span):
            let name = span.label.map { recognizer.labelName($0) } ?? "unknown"
            let o = origin ?? span.startNanoseconds
            write(TextFormat.pad("", 8) + "activity \(name) from \(RecognitionText.time(span.startNanoseconds, origin: o)) to \(RecognitionText.time(span.endNanoseconds, origin: o)), mean cosine \(TextFormat.fixed(Double(span.meanScore), 3))")
        case .gap(let g):
            if origin == nil { origin = g.startNanoseconds }
            write(RecognitionText.gap(g, origin: origin!))
        case .signal(let span):
            let o = origin ?? span.startNanoseconds
            write(TextFormat.pad("", 8) + "signal \(span.problem.name) from \(RecognitionText.time(span.startNanoseconds, origin: o)) to \(RecognitionText.time(span.endNanoseconds, origin: o)): \(span.windows) window(s) not classified; check the sensor's wiring, range and units")
        case .sensorError(let message):
            write("sensor error: " + message)
        case .stats(let s):
            var line = "windows    \(s.windows)"
            if truth != nil { line += " (\(judged) inside one activity): \(correct) recognised correctly = \(TextFormat.fixed(Double(correct) / Double(max(judged, 1)) * 100, 1)) %" }
            write(line)
            write("latency    p50 \(TextFormat.fixed(Double(s.latencyP50Microseconds) / 1000, 2)) ms, p99 \(TextFormat.fixed(Double(s.latencyP99Microseconds) / 1000, 2)) ms, max \(TextFormat.fixed(Double(latencyMax) / 1e6, 2)) ms per window (this machine)")
            write("sensor     \(s.samples) samples, \(s.gaps) gaps (about \(s.samplesLost) samples lost) over \(TextFormat.fixed(s.sensorSeconds, 1)) s")
        case .stop(let reason):
            write("stopped: \(reason)")
        }
    }
}
