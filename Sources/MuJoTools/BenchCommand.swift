// HOST ONLY. `mujo bench MODEL`: how fast the interpreter runs a model on this machine —
// per-window latency (min, median, p99) after warm-up, windows per second, MACs and GMAC/s,
// the time of every op with the kernel variant that ran it, arena bytes and peak RSS.
// Measurement in Bench/BenchMeasurement.swift.
import ArgumentParser
import Foundation
import MuJoCore
import MuJoHostCore
import MuJoONNX
import MuJoSystem

/// `--kernels best|reference|both`.
enum BenchKernels: String, ExpressibleByArgument, CaseIterable {
    case best, reference, both
}

public struct BenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time a model: per-window latency, windows/s, GMAC/s, a per-op profile with each op's kernel variant, arena bytes, peak RSS.",
        discussion: """
        Windows are a float32 .npy [N, C, T] (the ONNX input layout, the model's units); without \
        --windows, synthetic windows are used. Each window is written into the input tensor outside \
        the timed region; one invoke is timed per window, after --warmup invokes. With --kernels both, \
        the best and the reference kernels run interleaved window by window, their outputs are compared \
        byte for byte, and the speedup is printed. --float times the float ONNX encoder instead (imported \
        with MODEL's input spec, host float kernels). One thread.
        """
    )

    @Argument(help: "A .mujo model file.")
    var model: String

    @Option(help: "Windows, float32 .npy [N, C, T]; default: 64 synthetic windows.")
    var windows: String?

    @Option(help: "Passes over the windows (every window is timed once per pass).")
    var iterations = 5

    @Option(help: "Untimed invokes before measuring.")
    var warmup = 50

    @Option(help: "Use at most this many windows of the file.")
    var limit: Int?

    @Option(help: "Which kernels: best (the default), reference (the specification), or both interleaved.")
    var kernels = BenchKernels.best

    @Option(name: .customLong("float"), help: "Time this float ONNX encoder instead (MODEL gives its input spec).")
    var floatEncoder: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    public init() {}

    public func validate() throws {
        if iterations < 1 { throw ValidationError("--iterations \(iterations): give 1 or more passes") }
        if warmup < 0 { throw ValidationError("--warmup \(warmup): give 0 or more invokes") }
        if let limit, limit < 1 { throw ValidationError("--limit \(limit): give 1 or more windows") }
        if floatEncoder != nil && kernels != .best { throw ValidationError("--float runs the host float kernels; leave out --kernels") }
    }

    public func run() throws {
        let report = try measure()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
    }

    func measure() throws -> BenchReport {
        let int8Model = try loadModel(model)
        var measured = int8Model
        if let floatEncoder {
            measured = try ONNXImporter.load(path: floatEncoder, inputSpec: int8Model.inputSpec, labels: int8Model.labels).model
        }
        let shape = measured.tensors[measured.inputs[0]].shape
        var data: NPYArray
        if let windows {
            data = try Pipeline.loadWindows(windows, channels: shape[1], window: shape[0])
        } else {
            data = BenchRunner.syntheticWindows(count: 64, channels: shape[1], time: shape[0], rateHz: Double(measured.inputSpec.sampleRateHz))
        }
        if let limit, limit < data.shape[0] {
            data = NPYArray(shape: [limit, shape[1], shape[0]], values: Array(data.values[0..<(limit * shape[0] * shape[1])]))
        }
        var subjects: [BenchSubject] = []
        if floatEncoder != nil {
            subjects.append(BenchSubject(name: "float", model: measured, kernels: .host))
        } else {
            if kernels != .reference { subjects.append(BenchSubject(name: "best", model: measured, kernels: .best)) }
            if kernels != .best { subjects.append(BenchSubject(name: "reference", model: measured, kernels: .reference)) }
        }
        let agree = BenchRunner.measure(subjects, windows: data, iterations: iterations, warmup: warmup)
        let macs = ModelStatistics.totals(measured).macs
        var report = BenchReport(model: model, precision: floatEncoder == nil ? "int8" : "float32", windows: data.shape[0],
                                 iterations: iterations, macsPerWindow: macs, arenaBytes: subjects[0].interpreter.arenaBytes,
                                 scratchBytes: subjects[0].interpreter.scratchBytes, constantBytes: subjects[0].interpreter.constantBytes)
        for s in subjects {
            report.kernels.append(KernelSetFigures(name: s.name, latency: LatencySummary(microseconds: s.latencies, macs: macs),
                                                   ops: s.profile(data, passes: 1)))
        }
        if subjects.count == 2 {
            report.speedup = report.kernels[1].latency.median / report.kernels[0].latency.median
            report.identicalOutputs = agree
        }
        report.peakRSSBytes = peakResidentBytes()
        return report
    }
}

/// Figures of one kernel set.
struct KernelSetFigures: Encodable {
    var name: String
    var latency: LatencySummary
    var ops: [OpProfileRow]
}

/// The report of `mujo bench` (text or --json).
struct BenchReport: Encodable {
    var model: String
    var precision: String
    var windows: Int
    var iterations: Int
    var macsPerWindow: Int
    var arenaBytes: Int
    var scratchBytes: Int
    var constantBytes: Int
    var kernels: [KernelSetFigures] = []
    /// Reference median over best median (with --kernels both).
    var speedup: Double? = nil
    /// Whether both kernel sets gave the same output bytes on every window (with --kernels both).
    var identicalOutputs: Bool? = nil
    var peakRSSBytes = 0
    var cpu = BenchReport.cpuModelName()

    enum CodingKeys: String, CodingKey {
        case model, precision, windows, iterations, macsPerWindow = "macs_per_window", arenaBytes = "arena_bytes"
        case scratchBytes = "scratch_bytes", constantBytes = "constant_bytes", kernels, speedup
        case identicalOutputs = "identical_outputs", peakRSSBytes = "peak_rss_bytes", cpu
    }

    /// /proc/cpuinfo's "model name" (empty when unknown).
    static func cpuModelName() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        }
        return ""
    }

    var text: String {
        func f(_ v: Double, _ d: Int = 1) -> String { String(format: "%.\(d)f", v) }
        var out: [String] = []
        out.append("model      \(model) (\(precision)), \(windows) windows × \(iterations) passes, 1 thread\(cpu.isEmpty ? "" : ", \(cpu)")")
        out.append("MACs       \(macsPerWindow) per window")
        out.append("memory     arena \(arenaBytes) B, scratch \(scratchBytes) B, constants \(constantBytes) B, peak RSS \(peakRSSBytes / 1024) KiB")
        for k in kernels {
            let l = k.latency
            out.append("\(k.name.padding(toLength: 10, withPad: " ", startingAt: 0)) median \(f(l.median)) µs, min \(f(l.minimum)) µs, p99 \(f(l.p99)) µs; \(f(l.windowsPerSecond, 0)) windows/s, \(f(l.gmacPerSecond, 2)) GMAC/s")
        }
        if let speedup { out.append("speedup    \(f(speedup, 2))× over the reference; outputs \(identicalOutputs == true ? "identical" : "DIFFER") on every window") }
        for k in kernels {
            out.append("")
            out.append("per-op profile (\(k.name); µs per window)")
            out.append(TextFormat.pad("#", 4) + TextFormat.pad("op", 16) + TextFormat.pad("variant", 14) + TextFormat.pad("MACs", 10) + TextFormat.pad("µs", 9) + "share")
            for r in k.ops {
                out.append(TextFormat.pad("\(r.index)", 4) + TextFormat.pad(r.op, 16) + TextFormat.pad(r.variant, 14) + TextFormat.pad("\(r.macs)", 10)
                           + TextFormat.pad(f(r.microseconds, 2), 9) + f(r.share * 100) + " %")
            }
        }
        return out.joined(separator: "\n")
    }
}
