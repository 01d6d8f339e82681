// HOST ONLY. `mujo enroll MODEL --label NAME --from REC.csv [--from …] [--start S --end S] -o OUT`:
// few-shot enrollment. The recordings go through the device's own path (CSVReplay → DeviceLoop →
// Recognizer: resampled to the model rate, windowed with the model's hop), the int8 runtime's
// embedding of every window in the range is L2-normalised, their mean is the new label's
// embedding, and its threshold comes from leave-out cosines (docs/enrollment.md).
import ArgumentParser
import Foundation
import MuJoCore
import MuJoDevice
import MuJoHostCore
import MuJoSensors

public struct EnrollCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Add (or replace) a label learned from a few recordings of the activity.",
        discussion: """
        Every --from recording (CSV: t, ax, ay, az; units from the header) is played through the device \
        loop; the int8 embeddings of its windows (only those inside --start…--end, seconds from the \
        recording's first sample, as `mujo run --csv` prints them) are averaged into the label's \
        embedding. The threshold is the mean minus \(Enrollment.sdFactor) standard deviations of each \
        window's cosine to the mean of the windows it does not overlap. The encoder is untouched.
        """)

    @Argument(help: "The .mujo model to add the label to.")
    public var model: String

    @Option(name: .long, help: "Name of the label to add (replaced when the model already has it).")
    public var label: String

    @Option(name: .customLong("from"), help: "A CSV recording of the activity (repeat for several).")
    public var from: [String] = []

    @Option(name: .long, help: "Use only windows starting at or after S seconds of each recording.")
    public var start: Double?

    @Option(name: .long, help: "Use only windows ending at or before S seconds of each recording.")
    public var end: Double?

    @Option(name: [.short, .customLong("output")], help: "Where to write the model with the new label.")
    public var output: String

    public init() {}

    public func validate() throws {
        if from.isEmpty { throw ValidationError("give at least one recording: --from REC.csv") }
        if let start, !(start.isFinite && start >= 0) { throw ValidationError("--start \(start): give seconds ≥ 0") }
        if let end, !(end.isFinite && end > 0) { throw ValidationError("--end \(end): give seconds > 0") }
        if let start, let end, end <= start { throw ValidationError("--end \(end) is not after --start \(start)") }
    }

    public func run() throws {
        for line in try apply() { print(line) }
    }

    /// Does the work and returns the lines to print (tests call this).
    public func apply() throws -> [String] {
        try Enrollment.checkName(label)
        try AtomicFile.checkWritable(output, option: "-o", example: "model.mujo")
        let description = try loadModel(model)
        let recognizer: Recognizer
        do { recognizer = try Recognizer(model: description) } catch { throw CommandFailure("\(model): \(error.description)") }
        var windows: [EnrollmentWindow] = []
        for path in from {
            windows += try Enrollment.windows(of: path, recognizer: recognizer, start: start, end: end)
        }
        let files = from.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
        let range = (start != nil || end != nil) ? " (\(fmt(start ?? 0))–\(end.map(fmt) ?? "end") s)" : ""
        let result = try Enrollment.enroll(description, label: label, windows: windows,
                                           prompt: "enrolled from \(windows.count) windows of \(files)\(range)")
        try Enrollment.write(result.model, to: output)
        let s = result.statistics
        return [
            "\(result.replaced ? "replaced" : "added") label '\(label)' from \(windows.count) windows of \(files)\(range)",
            "threshold \(fmt(s.threshold)) (leave-out cosine mean \(fmt(s.meanLeaveOut)), sd \(fmt(s.sdLeaveOut)), min \(fmt(s.minLeaveOut)); cosine to the prototype min \(fmt(s.minInSample)))",
            "wrote \(output): \(result.model.labels.labels.count) labels",
        ]
    }

    private func fmt(_ v: Double) -> String { TextFormat.fixed(v, 2) }
    private func fmt(_ v: Float) -> String { TextFormat.fixed(Double(v), 3) }
}

/// One window of a recording as the device saw it.
public struct EnrollmentWindow {
    public var file: String
    /// Seconds from the recording's first sample to the window's first and last frames.
    public var startSeconds: Double
    public var endSeconds: Double
    /// The int8 runtime's embedding, L2-normalised.
    public var embedding: [Float]
    /// The best label that passed its threshold, if any (the device's answer for this window).
    public var best: Int?
    /// Its cosine.
    public var bestCosine: Float?
}

public struct EnrollmentStatistics {
    public var threshold: Float
    public var meanLeaveOut: Float
    public var sdLeaveOut: Float
    public var minLeaveOut: Float
    public var minInSample: Float
}

public enum Enrollment {
    /// The threshold is mean − sdFactor · sd of the leave-out cosines (chosen on development
    /// subjects, docs/enrollment.md).
    public static let sdFactor: Float = 2
    /// The reader's limit on the label count (ModelReader.readLabels).
    public static let maxLabels = 65536

    /// A label name the model file and the CLI can carry: non-empty, no control characters.
    public static func checkName(_ name: String) throws {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CommandFailure("--label is empty; give the activity a name, e.g. --label \"eating soup\"")
        }
        if let c = name.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            throw CommandFailure("--label contains the control character U+\(String(c.value, radix: 16, uppercase: true)); use printable text only")
        }
    }

    /// Plays `path` through the device loop with `recognizer` and returns the windows inside
    /// [start, end] (seconds from the first sample; nil = open).
    public static func windows(of path: String, recognizer: Recognizer, start: Double? = nil, end: Double? = nil) throws -> [EnrollmentWindow] {
        let replay = CSVReplay(system: LinuxSystemCalls(), configuration: CSVReplayConfiguration(path: path))
        var loop: DeviceLoop<CSVReplay<LinuxSystemCalls>>
        do { loop = try DeviceLoop(sensor: replay, recognizer: recognizer) } catch { throw CommandFailure("\(path): \(error.description)") }
        let dim = recognizer.model.labels.dimension
        var out: [EnrollmentWindow] = []
        var all = 0
        do {
            try loop.run(now: { 0 }) { event in
                guard case .recognition(let r) = event, let first = replay.firstTimestampNanoseconds else { return true }
                all += 1
                let s = Double(r.startNanoseconds - first) / 1e9, e = Double(r.endNanoseconds - first) / 1e9
                if let start, s < start - 1e-6 { return true }
                if let end, e > end + 1e-6 { return false }
                var v = [Float](repeating: 0, count: dim)
                var ss: Float = 0
                for j in 0..<dim { v[j] = recognizer.lastEmbedding[j]; ss += v[j] * v[j] }
                if ss > 0 { let inv = 1 / ss.squareRoot(); for j in 0..<dim { v[j] *= inv } }
                out.append(EnrollmentWindow(file: path, startSeconds: s, endSeconds: e, embedding: v,
                                            best: r.top.0?.label, bestCosine: r.top.0?.cosine))
                return true
            }
        } catch {
            throw CommandFailure(error.message)
        }
        let spec = recognizer.spec
        let windowSeconds = TextFormat.fixed(Double(spec.window) / Double(spec.sampleRateHz), 1)
        if all == 0 {
            let n = replay.statistics.samplesDelivered
            let length = n > 1 ? Double((replay.lastTimestampNanoseconds ?? 0) - (replay.firstTimestampNanoseconds ?? 0)) / 1e9 : 0
            throw CommandFailure("\(path): \(TextFormat.fixed(length, 1)) s of recording (\(n) samples) holds no complete \(windowSeconds) s window without a gap; record at least \(windowSeconds) s of the activity without interruption")
        }
        if out.isEmpty {
            let range = "\(start.map { TextFormat.fixed($0, 1) } ?? "0")–\(end.map { TextFormat.fixed($0, 1) } ?? "end") s"
            throw CommandFailure("\(path): none of its \(all) windows (\(windowSeconds) s each) lies inside \(range); widen --start/--end to span at least \(windowSeconds) s of the recording")
        }
        return out
    }

    /// The normalised mean of unit vectors.
    public static func prototype(_ embeddings: [[Float]]) -> [Float] {
        guard let d = embeddings.first?.count else { return [] }
        var p = [Float](repeating: 0, count: d)
        for e in embeddings { for j in 0..<d { p[j] += e[j] } }
        var ss: Float = 0
        for v in p { ss += v * v }
        let inv = ss > 0 ? 1 / ss.squareRoot() : 0
        return p.map { $0 * inv }
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Float {
        var s: Float = 0
        for j in 0..<min(a.count, b.count) { s += a[j] * b[j] }
        return s
    }

    /// Each window's cosine to the prototype of the windows that share no frame with it (other
    /// files, or far enough away in the same file): how a window the enrollment did not see scores.
    public static func leaveOutCosines(_ windows: [EnrollmentWindow]) -> [Float] {
        var out: [Float] = []
        for (i, w) in windows.enumerated() {
            let others = windows.enumerated().filter { j, o in
                j != i && (o.file != w.file || o.startSeconds > w.endSeconds || o.endSeconds < w.startSeconds)
            }.map { $0.element.embedding }
            if !others.isEmpty { out.append(dot(w.embedding, prototype(others))) }
        }
        return out
    }

    public static func statistics(_ windows: [EnrollmentWindow], prototype p: [Float]) throws -> EnrollmentStatistics {
        let loo = leaveOutCosines(windows)
        guard loo.count >= 2 else {
            throw CommandFailure("\(windows.count) windows are too few to set a threshold: enrollment needs windows that do not overlap (at least 3 windows, about 10 s of the activity); record longer or widen --start/--end")
        }
        let mean = loo.reduce(0, +) / Float(loo.count)
        let sd = (loo.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(loo.count - 1)).squareRoot()
        let inSample = windows.map { dot($0.embedding, p) }
        return EnrollmentStatistics(threshold: min(max(mean - sdFactor * sd, -1), 1), meanLeaveOut: mean, sdLeaveOut: sd,
                                    minLeaveOut: loo.min()!, minInSample: inSample.min()!)
    }

    /// The model with `label` added (or replaced) from the windows' prototype.
    public static func enroll(_ model: ModelDescription, label: String, windows: [EnrollmentWindow], prompt: String)
        throws -> (model: ModelDescription, replaced: Bool, statistics: EnrollmentStatistics) {
        try checkName(label)
        let shape = model.tensors[model.outputs[0]].shape
        let dim = shape[shape.count - 1]
        guard model.labels.dimension == dim else {
            throw CommandFailure("the model's label table has dimension \(model.labels.dimension) but its encoder outputs \(dim) values; fix the labels with `mujo labels MODEL --set LABELS.json` first")
        }
        let p = prototype(windows.map(\.embedding))
        guard p.count == dim, p.allSatisfy({ $0.isFinite }), p.contains(where: { $0 != 0 }) else {
            throw CommandFailure("the windows' embeddings (\(p.count) values) do not give a \(dim)-dimensional direction; check the recordings")
        }
        let stats = try statistics(windows, prototype: p)
        var m = model
        let new = Label(name: label, prompts: [prompt.replacingOccurrences(of: "\n", with: " ")], embedding: p, threshold: stats.threshold)
        let replaced: Bool
        if let i = m.labels.labels.firstIndex(where: { $0.name == label }) {
            m.labels.labels[i] = new
            replaced = true
        } else {
            guard m.labels.labels.count < maxLabels else {
                throw CommandFailure("the model already holds \(m.labels.labels.count) labels, the most a model file may carry; replace one (use its name) instead")
            }
            m.labels.labels.append(new)
            replaced = false
        }
        return (m, replaced, stats)
    }

    /// Serialises `model`, checks that the reader accepts the bytes and writes it atomically
    /// (AtomicFile.writeModel): a crash leaves the old file or the new one, never half of one.
    public static func write(_ model: ModelDescription, to path: String) throws {
        try AtomicFile.writeModel(model, to: path, option: "-o")
    }
}
