// The session's events as JSON lines (docs/events.md, version 1), written to an EventSink.
// Label names are escaped once, at `start`; a window's line is then built from integers and
// pre-escaped bytes into one reused buffer, so writing it allocates nothing.
import MuJoCore
import MuJoDevice
import MuJoSensors

public struct JSONLinesOutput: SessionOutput {
    public static let schemaVersion = 1
    public let sink: EventSink
    public let verbose: Bool
    public let embeddings: Bool
    private var line = JSONLine()
    private var labelNames: [[UInt8]] = []
    /// Problems the sink reported (a dropped reader, a failed write), for stderr.
    public var report: (String) -> Void = { Daemon.writeError("mujod: " + $0) }

    public init(sink: EventSink, verbose: Bool, embeddings: Bool) {
        self.sink = sink
        self.verbose = verbose
        self.embeddings = embeddings
    }

    public mutating func emit(_ event: SessionEvent, recognizer: Recognizer) {
        switch event {
        case .start(let model, let sensor, let rate):
            labelNames = recognizer.model.labels.labels.map { JSONLine.escaped($0.name) }
            let spec = recognizer.spec
            line.begin(event: "start")
            line.key("model"); line.string(model)
            line.key("labels"); line.beginArray()
            for (i, name) in labelNames.enumerated() { if i > 0 { line.comma() }; line.raw(name) }
            line.endArray()
            line.key("sensor"); line.string(sensor)
            line.key("rate_hz"); line.decimal(Float(rate), decimals: 2)
            line.key("model_rate_hz"); line.decimal(spec.sampleRateHz, decimals: 2)
            line.key("window_samples"); line.integer(Int64(spec.window))
            line.key("hop_samples"); line.integer(Int64(spec.hop))
        case .window(let r):
            guard verbose else { return }
            line.begin(event: "window")
            line.key("start_s"); line.seconds(r.startNanoseconds)
            line.key("end_s"); line.seconds(r.endNanoseconds)
            line.key("top"); line.beginArray()
            var first = true
            for s in [r.top.0, r.top.1, r.top.2] {
                guard let s else { continue }
                if !first { line.comma() }
                first = false
                line.beginObject()
                line.key("label"); line.raw(labelNames[s.label])
                line.key("score"); line.decimal(s.cosine)
                line.endObject()
            }
            line.endArray()
            line.key("latency_us"); line.integer(r.latencyNanoseconds / 1000)
            if embeddings {
                let t = recognizer.model.tensors[recognizer.model.outputs[0]]
                line.key("embedding"); line.hexString(UnsafeRawBufferPointer(start: recognizer.interpreter.outputPointer(), count: t.byteCount))
            }
        case .activity(let span):
            if let label = span.label {
                line.begin(event: "activity")
                line.key("label"); line.raw(labelNames[label])
                line.key("start_s"); line.seconds(span.startNanoseconds)
                line.key("end_s"); line.seconds(span.endNanoseconds)
                line.key("mean_score"); line.decimal(span.meanScore)
            } else {
                line.begin(event: "unknown")
                line.key("start_s"); line.seconds(span.startNanoseconds)
                line.key("end_s"); line.seconds(span.endNanoseconds)
                line.key("best_score"); line.decimal(span.meanScore)
            }
            line.key("windows"); line.integer(Int64(span.windows))
        case .gap(let g):
            line.begin(event: "gap")
            line.key("reason"); line.string(g.reason.name)
            line.key("start_s"); line.seconds(g.startNanoseconds)
            line.key("end_s"); line.seconds(g.endNanoseconds)
            line.key("samples_lost"); line.integer(Int64(g.estimatedLostSamples))
        case .signal(let span):
            line.begin(event: "signal")
            line.key("problem"); line.string(span.problem.name)
            line.key("start_s"); line.seconds(span.startNanoseconds)
            line.key("end_s"); line.seconds(span.endNanoseconds)
            line.key("windows"); line.integer(Int64(span.windows))
        case .sensorError(let message):
            line.begin(event: "sensor_error")
            line.key("message"); line.string(message)
        case .stats(let s):
            line.begin(event: "stats")
            line.key("windows"); line.integer(Int64(s.windows))
            line.key("latency_p50_us"); line.integer(Int64(s.latencyP50Microseconds))
            line.key("latency_p99_us"); line.integer(Int64(s.latencyP99Microseconds))
            line.key("samples"); line.integer(Int64(s.samples))
            line.key("gaps"); line.integer(Int64(s.gaps))
            line.key("samples_lost"); line.integer(Int64(s.samplesLost))
            line.key("sensor_s"); line.decimal(Float(s.sensorSeconds), decimals: 3)
            line.key("rss_bytes"); line.integer(Int64(s.rssBytes))
            line.key("event_readers_dropped"); line.integer(Int64(sink.droppedReaders))
        case .stop(let reason):
            line.begin(event: "stop")
            line.key("reason"); line.string(reason)
        }
        line.end()
        let problem = line.bytes.withUnsafeBytes { sink.write($0) }
        if let problem { report(problem) }
    }
}
