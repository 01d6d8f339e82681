// HOST ONLY. `mujo quantize ENCODER.onnx --labels LABELS.json --calibration WINDOWS.npy -o MODEL.mujo`:
// ONNX → float32 MuJo graph → calibration on the windows → int8 model file, with a fidelity report
// (per-layer SQNR, float-vs-int8 embedding cosine, label changes). The work is in MuJoONNX; this
// file parses flags, prints and writes files.
import ArgumentParser
import Foundation
import MuJoCore
import MuJoHostCore
import MuJoONNX

public struct QuantizeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Turn an ONNX IMU encoder into an int8 MuJo model file.",
        discussion: """
        The ONNX input must be [1, C, T] (Conv1d layout, as torch.onnx.export writes it); the output \
        is the L2-normalised embedding. Calibration and validation windows are float32 .npy arrays \
        [N, C, T]. The input spec (rate, window, channels, units, gravity) comes from the labels \
        file's "input_spec"; flags override it. See docs/quantize.md.
        """)

    @Argument(help: "The encoder exported with torch.onnx.export (opset 17+).")
    public var encoder: String

    @Option(name: .long, help: "Label embeddings JSON (mujo-labels/1, docs/labels-format.md).")
    public var labels: String

    @Option(name: .long, help: "Calibration windows, float32 .npy [N, C, T].")
    public var calibration: String

    @Option(name: [.short, .customLong("output")], help: "The int8 model file to write.")
    public var output: String

    @Option(name: .long, help: "Activation range method: minmax, percentile or mse (the default measured best on the fixtures, docs/quantize.md). (default: \(Pipeline.defaultMethod.rawValue))",
            transform: CalibrationMethod.parseOption)
    public var method: CalibrationMethod = Pipeline.defaultMethod

    @Flag(name: .long, help: "One weight scale per tensor instead of per output channel (to compare; per-channel is better).")
    public var perTensor = false

    @Option(name: .long, help: "Windows to measure fidelity on (default: the calibration windows).")
    public var validation: String?

    @Option(name: .long, help: "True label names of the validation windows, one per line (reports accuracy).")
    public var validationLabels: String?

    @Option(name: .long, help: "Write the fidelity report as JSON here.")
    public var report: String?

    @Option(name: .long, help: "Also write the float32 model file (the float baseline) here.")
    public var floatModel: String?

    @Option(name: .long, help: "Fail when the mean float-vs-int8 embedding cosine is below this.")
    public var minCosine: Double?

    @Option(name: .long, help: "Fail when more than this fraction of windows change their best label.")
    public var maxLabelFlips: Double?

    @Option(name: .long, help: "Sample rate in Hz, above 0 (overrides the labels file).")
    public var sampleRate: Float?

    @Option(name: .long, help: "Samples between window starts, 1 up to the window (overrides the labels file).")
    public var hop: Int?

    @Option(name: .long, help: "Input channels, e.g. ax,ay,az (overrides the labels file).")
    public var channels: String?

    @Option(name: .long, help: "Input units: m/s2 or g (overrides the labels file).")
    public var units: AccelUnits?

    @Option(name: .long, help: "Gravity: included or removed (overrides the labels file).")
    public var gravity: GravityHandling?

    @Option(name: .long, help: "Axis sign convention: android or ios (overrides the labels file).")
    public var sign: AxisSign?

    @Flag(name: .long, help: "No progress bar.")
    public var quiet = false

    public init() {}

    public func validate() throws {
        if let c = minCosine, !(c > -1 && c <= 1) { throw ValidationError("--min-cosine \(c): give a cosine in (-1, 1]") }
        if let f = maxLabelFlips, !(f >= 0 && f <= 1) { throw ValidationError("--max-label-flips \(f): give a fraction in [0, 1]") }
        if let r = sampleRate, !(r > 0 && r.isFinite) { throw ValidationError("--sample-rate \(r): give a rate in Hz above 0") }
        if let h = hop, h < 1 { throw ValidationError("--hop \(h): give 1 or more samples") }
    }

    public func run() throws {
        let out = try quantize(log: { print($0) })
        if !out.failures.isEmpty {
            throw ImportError("fidelity below the requested bounds: " + out.failures.joined(separator: "; "))
        }
    }

    /// Everything but the exit status, so tests can call it. Returns the failed bounds.
    public func quantize(log: (String) -> Void) throws -> (model: ModelDescription, report: FidelityReport, failures: [String]) {
        // Before the long work: every output must be writable (AtomicFile.swift).
        try AtomicFile.checkWritable(output, option: "-o", example: "model.mujo")
        if let floatModel { try AtomicFile.checkWritable(floatModel, option: "--float-model", example: "float.mujo") }
        if let report { try AtomicFile.checkWritable(report, option: "--report", example: "report.json") }
        let labelsFile = try LabelsFile.load(labels)
        var spec = labelsFile.inputSpec ?? InputSpec(sampleRateHz: 0, window: 1, hop: 1, channels: [])
        if let r = sampleRate { spec.sampleRateHz = r }
        if let c = channels {
            spec.channels = try c.split(separator: ",").map { n -> SensorChannel in
                guard let ch = SensorChannel(name: String(n)) else { throw ImportError("--channels: unknown channel \"\(n)\" (ax, ay, az, gx, gy, gz)") }
                return ch
            }
        }
        if let units { spec.units = units }
        if let gravity { spec.gravity = gravity }
        if let sign { spec.sign = sign }
        guard spec.sampleRateHz > 0, !spec.channels.isEmpty else {
            throw ImportError("\(labels) has no \"input_spec\": give --sample-rate and --channels (and --units, --gravity)")
        }

        let graph = try ONNXImporter.load(path: encoder, inputSpec: spec, labels: labelsFile.labels)
        var model = graph.model
        if let h = hop {
            guard h >= 1, h <= graph.inputWindow else { throw ImportError("--hop \(h): give 1…\(graph.inputWindow) samples") }
            model.inputSpec.hop = h
        } else if labelsFile.inputSpec == nil {
            model.inputSpec.hop = graph.inputWindow / 2
        }
        if let w = labelsFile.inputSpec?.window, w != graph.inputWindow {
            throw ImportError("\(labels): input_spec.window is \(w) but \(encoder) takes \(graph.inputWindow) samples")
        }
        guard spec.channels.count == graph.inputChannels else {
            throw ImportError("the input spec lists \(spec.channels.count) channels (\(spec.channels.map(\.name).joined(separator: ","))) but \(encoder) takes \(graph.inputChannels)")
        }
        try Pipeline.checkLabels(labelsFile.labels, file: labels, model: model, encoder: encoder)
        let outShape = model.tensors[model.outputs[0]].shape
        let dim = outShape[outShape.count - 1]
        guard model.ops.last?.code == .l2Normalize else {
            throw ImportError("\(encoder): the output is not L2-normalised (last op \(model.ops.last?.code.name ?? "none")); end the encoder with F.normalize(x, dim=-1)")
        }
        model.provenance.append(ProvenanceEntry("exporter", "mujo quantize"))
        log("imported \(encoder): \(model.ops.count) ops, input [\(graph.inputChannels), \(graph.inputWindow)] → [\(graph.inputWindow), \(graph.inputChannels)], embedding \(dim)")

        let cal = try Pipeline.loadWindows(calibration, channels: graph.inputChannels, window: graph.inputWindow)
        let progress = ProgressBar(enabled: !quiet)
        let calibrator = Pipeline.calibrate(model, windows: cal) { progress.update("calibrating", $0, $1) }
        progress.finish()
        let int8 = try Pipeline.quantize(model, calibrator: calibrator, method: method, perChannel: !perTensor)
        let other = try Pipeline.quantize(model, calibrator: calibrator, method: method, perChannel: perTensor)

        let valPath = validation ?? calibration
        let val = validation == nil ? cal : try Pipeline.loadWindows(valPath, channels: graph.inputChannels, window: graph.inputWindow)
        let fidelity = FidelityReport.measure(float: model, int8: int8, windows: val) { progress.update("measuring", $0, $1) }
        progress.finish()
        let otherReport = FidelityReport.measure(float: model, int8: other, windows: val)
        let weights = perTensor ? "per-tensor" : "per-channel"
        log(fidelity.table(title: "fidelity (\(method.rawValue), \(weights) weights) on \(valPath):"))
        log(String(format: "  %@ weights for comparison: cosine mean %.5f, 1st percentile %.5f", (perTensor ? "per-channel" : "per-tensor") as NSString,
                   otherReport.cosineMean, otherReport.cosineP1))

        var accuracy: ValidationAccuracy? = nil
        if let vl = validationLabels {
            let measured = try self.accuracy(vl, float: model, int8: int8, windows: val)
            accuracy = measured
            log(String(format: "  accuracy on %@: float %.2f %%, int8 %.2f %%", vl as NSString, 100 * measured.float, 100 * measured.int8))
        }

        let written = try AtomicFile.writeModel(int8, to: output, option: "-o")
        log("wrote \(output) (\(written) bytes, int8)")
        if let fm = floatModel {
            let fb = try AtomicFile.writeModel(model, to: fm, option: "--float-model")
            log("wrote \(fm) (\(fb) bytes, float32)")
        }

        var failures: [String] = []
        if let c = minCosine, fidelity.cosineMean < c { failures.append(String(format: "mean cosine %.5f < --min-cosine %.5f", fidelity.cosineMean, c)) }
        if let f = maxLabelFlips, let flips = fidelity.labelFlipFraction, flips > f {
            failures.append(String(format: "label changes %.4f > --max-label-flips %.4f", flips, f))
        }
        if let path = self.report {
            var doc = fidelity.json
            doc["encoder"] = encoder
            doc["output"] = output
            doc["method"] = method.rawValue
            doc["weights"] = weights
            doc["calibration"] = ["file": calibration, "windows": cal.shape[0]] as [String: Any]
            doc["validation_file"] = valPath
            doc["comparison"] = ["weights": perTensor ? "per-channel" : "per-tensor", "cosine_mean": otherReport.cosineMean,
                                 "cosine_p1": otherReport.cosineP1] as [String: Any]
            if let accuracy { doc["accuracy"] = ["file": accuracy.file, "float": accuracy.float, "int8": accuracy.int8] as [String: Any] }
            doc["passed"] = failures.isEmpty
            doc["failures"] = failures
            let json = try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys])
            try AtomicFile.write([UInt8](json), to: path, option: "--report")
            log("wrote \(path)")
        }
        return (int8, fidelity, failures)
    }

    private func accuracy(_ path: String, float: ModelDescription, int8: ModelDescription, windows: NPYArray) throws -> ValidationAccuracy {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ImportError("\(path): cannot read the file") }
        let names = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard names.count == windows.shape[0] else {
            throw ImportError("\(path): \(names.count) labels for \(windows.shape[0]) validation windows")
        }
        let table = float.labels.labels.map(\.name)
        for n in Set(names) where !table.contains(n) { throw ImportError("\(path): label \"\(n)\" is not in \(labels)") }
        let fr = ModelRunner(model: float), qr = ModelRunner(model: int8)
        let size = fr.channels * fr.window
        var okF = 0, okQ = 0
        for k in 0..<windows.shape[0] {
            let w = windows.values[(k * size)..<((k + 1) * size)]
            if best(fr.run(window: w), float.labels.labels) == names[k] { okF += 1 }
            if best(qr.run(window: w), float.labels.labels) == names[k] { okQ += 1 }
        }
        let n = Double(windows.shape[0])
        return ValidationAccuracy(file: path, float: Double(okF) / n, int8: Double(okQ) / n)
    }

    private func best(_ e: [Float], _ labels: [Label]) -> String {
        var name = "", score = -Float.infinity
        for l in labels {
            var s: Float = 0
            for i in 0..<min(e.count, l.embedding.count) { s += e[i] * l.embedding[i] }
            if s > score { score = s; name = l.name }
        }
        return name
    }
}

/// The fraction of validation windows whose nearest label is the true one (--validation-labels).
struct ValidationAccuracy {
    var file: String
    var float: Double
    var int8: Double
}

/// A progress bar with rate and ETA on a terminal (stderr); plain lines every 10 % otherwise.
final class ProgressBar {
    let enabled: Bool
    let tty = isatty(2) == 1
    var start = Date()
    var lastPlain = -1
    var active = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ what: String, _ done: Int, _ total: Int) {
        guard enabled else { return }
        if !active { start = Date(); active = true; lastPlain = -1 }
        let rateText = { (rate: Double, eta: Double) in rate > 0 ? String(format: "%.1f windows/s, ETA %.0f s", rate, eta) : "…" }
        let elapsed = Date().timeIntervalSince(start)
        // The clock starts at the first report, so rate and ETA count the windows after it.
        let rate = elapsed > 0.01 && done > 1 ? Double(done - 1) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        if tty {
            let width = 30, filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write("\r\(what) \(bar) \(done)/\(total)  \(rateText(rate, eta))   ".data(using: .utf8)!)
        } else {
            let tenth = total > 0 ? 10 * done / total : 10
            if tenth != lastPlain {
                lastPlain = tenth
                FileHandle.standardError.write("\(what) \(done)/\(total) (\(rateText(rate, eta)))\n".data(using: .utf8)!)
            }
        }
    }

    func finish() {
        if enabled, tty, active { FileHandle.standardError.write("\n".data(using: .utf8)!) }
        active = false
    }
}
