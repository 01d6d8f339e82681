// HOST ONLY. Real scales → the (multiplier, shift) pairs the int8 kernels read from a model's
// requantization tables (docs/int8-spec.md). Computed when a model is quantized, never on the board.
import MuJoCore

extension FixedPoint {
    /// The fixed-point form of a real scale. Returns nil when the scale is too large
    /// (≥ 2³⁰) or not finite; very small scales become multiplier 0.
    public static func quantizeMultiplier(_ real: Double) -> QuantizedMultiplier? {
        guard real.isFinite else { return nil }
        if real == 0 { return QuantizedMultiplier(multiplier: 0, shift: 0) }
        // frexp: real = m · 2^e with 0.5 ≤ |m| < 1.
        var e = Int32(real.exponent) + 1
        let m = real.significand / 2 * (real < 0 ? -1 : 1)
        var q = (m * 2147483648.0).rounded(.toNearestOrAwayFromZero)
        if abs(q) == 2147483648.0 { q /= 2; e += 1 }
        if e < -31 { return QuantizedMultiplier(multiplier: 0, shift: 0) }
        if e > 30 { return nil }
        return QuantizedMultiplier(multiplier: Int32(q), shift: e)
    }
}

/// The three (multiplier, shift) pairs of an int8 Add with these scales.
public func addS8Multipliers(scaleA: Float, scaleB: Float, scaleOut: Float) -> [QuantizedMultiplier]? {
    let twiceMax = 2 * max(Double(scaleA), Double(scaleB))
    guard let ma = FixedPoint.quantizeMultiplier(Double(scaleA) / twiceMax),
          let mb = FixedPoint.quantizeMultiplier(Double(scaleB) / twiceMax),
          let my = FixedPoint.quantizeMultiplier(twiceMax / (Double(1 << addS8LeftShift) * Double(scaleOut))) else { return nil }
    return [ma, mb, my]
}
