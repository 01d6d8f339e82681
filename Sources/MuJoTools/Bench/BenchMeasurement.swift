// HOST ONLY. What `mujo bench` measures: per-window invoke latency after warm-up (the plain
// `invoke()`, no observer), then a separate profiling pass through `invoke(observer:)` that
// times every op. Windows are written into the input tensor outside the timed region.
import Foundation
import MuJoCore
import MuJoHostCore

/// Nanoseconds on the monotonic clock.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// Peak resident set size of this process so far, in bytes (getrusage; Linux reports KiB).
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}

/// Accumulates the time of every op over many invokes (the observer of the profiling pass).
struct OpTimeProfile: InvokeObserver {
    var nanoseconds: [UInt64]
    private var started: UInt64 = 0

    init(ops: Int) { nanoseconds = [UInt64](repeating: 0, count: ops) }

    mutating func willRun(op index: Int) { started = monotonicNanoseconds() }
    mutating func didRun(op index: Int) { nanoseconds[index] &+= monotonicNanoseconds() &- started }
}

/// Latency statistics of one kernel set, in microseconds.
struct LatencySummary: Encodable {
    var minimum: Double
    var median: Double
    var p99: Double
    var mean: Double
    var windowsPerSecond: Double
    var gmacPerSecond: Double

    init(microseconds samples: [Double], macs: Int) {
        let sorted = samples.sorted()
        func quantile(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))] }
        minimum = sorted[0]
        median = quantile(0.5)
        p99 = quantile(0.99)
        mean = sorted.reduce(0, +) / Double(sorted.count)
        windowsPerSecond = 1e6 / mean
        gmacPerSecond = Double(macs) / (median * 1e3)
    }

    enum CodingKeys: String, CodingKey {
        case minimum = "min_us", median = "median_us", p99 = "p99_us", mean = "mean_us"
        case windowsPerSecond = "windows_per_second", gmacPerSecond = "gmac_per_second"
    }
}

/// One op of the per-op profile.
struct OpProfileRow: Encodable {
    var index: Int
    var op: String
    var variant: String
    var macs: Int
    var microseconds: Double
    var share: Double

    enum CodingKeys: String, CodingKey { case index, op, variant, macs, microseconds = "us_per_window", share }
}

/// One interpreter under measurement: a name ("best", "reference") and the kernels it runs.
final class BenchSubject {
    let name: String
    let interpreter: Interpreter
    var latencies: [Double] = []

    init(name: String, model: ModelDescription, kernels: KernelSet) {
        self.name = name
        interpreter = Interpreter(model: model, kernels: kernels)
    }

    /// Writes window `k` of `windows` ([N, C, T], the ONNX layout) into the input tensor.
    func load(_ windows: NPYArray, window k: Int) {
        let t = interpreter.model.tensors[interpreter.model.inputs[0]]
        let (time, channels) = (t.shape[0], t.shape[1])
        let base = k * time * channels
        let input = interpreter.inputPointer()
        switch t.dataType {
        case .float32:
            let p = input.assumingMemoryBound(to: Float.self)
            for i in 0..<time { for c in 0..<channels { p[i * channels + c] = windows.values[base + c * time + i] } }
        default:
            let q = t.quantization!
            let p = input.assumingMemoryBound(to: Int8.self)
            for i in 0..<time {
                for c in 0..<channels {
                    let v = (windows.values[base + c * time + i] / q.scale).rounded() + Float(q.zeroPoint)
                    p[i * channels + c] = Int8(max(-128, min(127, v)))
                }
            }
        }
    }

    /// Times one invoke, in microseconds.
    func timeInvoke() -> Double {
        let start = monotonicNanoseconds()
        interpreter.invoke()
        return Double(monotonicNanoseconds() &- start) / 1e3
    }

    /// The output tensor's bytes (to check that two kernel sets agree).
    func outputBytes() -> [UInt8] {
        let n = interpreter.model.tensors[interpreter.model.outputs[0]].byteCount
        return Array(UnsafeRawBufferPointer(start: interpreter.outputPointer(), count: n))
    }

    /// Every op's time per window over `passes` passes through the windows.
    func profile(_ windows: NPYArray, passes: Int) -> [OpProfileRow] {
        let model = interpreter.model
        var observer = OpTimeProfile(ops: model.ops.count)
        let count = windows.shape[0]
        for _ in 0..<passes {
            for k in 0..<count {
                load(windows, window: k)
                interpreter.invoke(observer: &observer)
            }
        }
        let runs = Double(passes * count)
        let total = Double(observer.nanoseconds.reduce(0, +))
        return model.ops.enumerated().map { i, op in
            var name = op.code.name
            if op.activation != .none { name += op.activation == .relu ? "+ReLU" : "+ReLU6" }
            return OpProfileRow(index: i, op: name, variant: "\(interpreter.kernelVariant(op: i))",
                                macs: ModelStatistics.of(model, op).macs,
                                microseconds: Double(observer.nanoseconds[i]) / runs / 1e3,
                                share: total > 0 ? Double(observer.nanoseconds[i]) / total : 0)
        }
    }
}

/// Runs the measurement: warm-up, then `iterations` passes over the windows, the subjects
/// interleaved window by window (so drift and other load hit them alike).
enum BenchRunner {
    static func measure(_ subjects: [BenchSubject], windows: NPYArray, iterations: Int, warmup: Int) -> Bool {
        let count = windows.shape[0]
        for s in subjects {
            for k in 0..<warmup {
                s.load(windows, window: k % count)
                s.interpreter.invoke()
            }
        }
        var agree = true
        for _ in 0..<iterations {
            for k in 0..<count {
                var first: [UInt8]? = nil
                for s in subjects {
                    s.load(windows, window: k)
                    s.latencies.append(s.timeInvoke())
                    let out = s.outputBytes()
                    if let first, first != out { agree = false }
                    if first == nil { first = out }
                }
            }
        }
        return agree
    }

    /// Deterministic synthetic windows when no file is given: a walking-like 2 Hz motion.
    static func syntheticWindows(count: Int, channels: Int, time: Int, rateHz: Double) -> NPYArray {
        var values = [Float](repeating: 0, count: count * channels * time)
        for k in 0..<count {
            for c in 0..<channels {
                for t in 0..<time {
                    let phase = 2 * Double.pi * 2 * Double(t) / rateHz + Double(k) * 0.37 + Double(c)
                    values[(k * channels + c) * time + t] = Float(3 * sin(phase) + (c == 2 ? 9.81 : 0))
                }
            }
        }
        return NPYArray(shape: [count, channels, time], values: values)
    }
}
