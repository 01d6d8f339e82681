// HOST ONLY. Activation ranges from calibration windows: the float model runs on each window with
// every intermediate kept (Interpreter preserveIntermediates), values are sampled per tensor, and
// one of three methods turns them into a clipping range [lo, hi]:
//   minmax      the observed minimum and maximum
//   percentile  the 0.01 % and 99.99 % quantiles (outliers clipped)
//   mse         the shrink factor α of [min, max] (1.0 … 0.30) whose int8 grid gives the least
//               mean squared quantization error on the sampled values (clipping + rounding)
// Ranges become (scale, zero point) with docs/int8-spec.md's asymmetric rule (`activationParams`).
import MuJoCore

public enum CalibrationMethod: String, CaseIterable {
    case minmax, percentile, mse
}

public struct ActivationRange: Equatable {
    public var lo: Double
    public var hi: Double
}

public final class Calibrator {
    public let model: ModelDescription
    private let runner: ModelRunner
    /// Sampled values per activation tensor id (float32 tensors that are not constants).
    private var samples: [Int: [Float]] = [:]
    private var minimum: [Int: Float] = [:]
    private var maximum: [Int: Float] = [:]
    /// Keep at most this many values per tensor (a deterministic stride over the window's values).
    public var maxSamplesPerWindow = 4096
    public private(set) var windows = 0
    private var cache: [CalibrationMethod: [Int: ActivationRange]] = [:]

    public init(model: ModelDescription) {
        self.model = model
        runner = ModelRunner(model: model, preserveIntermediates: true)
    }

    var activationIds: [Int] {
        model.tensors.indices.filter { !model.tensors[$0].isConstant && model.tensors[$0].dataType == .float32 }
    }

    /// Runs window `k` of `batch` (`[N, C, T]`) and records every activation.
    public func observe(_ batch: NPYArray, window k: Int) {
        let size = runner.channels * runner.window
        runner.run(window: batch.values[(k * size)..<((k + 1) * size)])
        for id in activationIds {
            let v = runner.tensor(id)
            var lo = minimum[id] ?? .infinity, hi = maximum[id] ?? -.infinity
            for x in v { lo = min(lo, x); hi = max(hi, x) }
            minimum[id] = lo; maximum[id] = hi
            let step = max(1, v.count / maxSamplesPerWindow)
            var s = samples[id] ?? []
            var i = (k * 7919) % step
            while i < v.count { s.append(v[i]); i += step }
            samples[id] = s
        }
        windows += 1
        cache = [:]
    }

    /// The clipping range of every activation tensor.
    public func ranges(_ method: CalibrationMethod) -> [Int: ActivationRange] {
        if let r = cache[method] { return r }
        var out: [Int: ActivationRange] = [:]
        for id in activationIds {
            let lo = Double(minimum[id] ?? 0), hi = Double(maximum[id] ?? 0)
            switch method {
            case .minmax:
                out[id] = ActivationRange(lo: lo, hi: hi)
            case .percentile:
                let s = (samples[id] ?? []).sorted()
                if s.isEmpty { out[id] = ActivationRange(lo: lo, hi: hi); continue }
                let a = s[Int((Double(s.count - 1) * 0.0001).rounded())], b = s[Int((Double(s.count - 1) * 0.9999).rounded())]
                out[id] = ActivationRange(lo: Double(a), hi: Double(b))
            case .mse:
                out[id] = Calibrator.mseRange(samples[id] ?? [], lo: lo, hi: hi)
            }
        }
        cache[method] = out
        return out
    }

    static func mseRange(_ values: [Float], lo: Double, hi: Double) -> ActivationRange {
        var best = ActivationRange(lo: lo, hi: hi)
        var bestError = Double.infinity
        var alpha = 1.0
        while alpha > 0.29 {
            let r = ActivationRange(lo: lo * alpha, hi: hi * alpha)
            let (s, zp) = activationParams(r)
            var err = 0.0
            let sd = Double(s)
            for x in values {
                let q = min(max((Double(x) / sd).rounded(.toNearestOrAwayFromZero) + Double(zp), -128), 127)
                let d = (q - Double(zp)) * sd - Double(x)
                err += d * d
            }
            if err < bestError { bestError = err; best = r }
            alpha -= 0.02
        }
        return best
    }
}

/// Asymmetric int8 activation parameters of a range (docs/int8-spec.md; the numpy reference's
/// `calib_qparams`): the range is widened to contain 0, `scale = float32((hi − lo)/255)`,
/// `zp = clamp(roundHalfAway(−128 − lo/scale), −128, 127)`.
public func activationParams(_ r: ActivationRange) -> (scale: Float, zeroPoint: Int32) {
    let lo = min(r.lo, 0)
    var hi = max(r.hi, 0)
    if hi == lo { hi = lo + 1e-6 }
    let s = Float((hi - lo) / 255.0)
    let zp = min(max((-128.0 - lo / Double(s)).rounded(.toNearestOrAwayFromZero), -128), 127)
    return (s, Int32(zp))
}
