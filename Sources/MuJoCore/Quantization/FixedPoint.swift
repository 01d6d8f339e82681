// The one rounding policy of MuJo Edge, written down in docs/int8-spec.md.
// Every int8 kernel requantizes through these functions; nothing else rounds.

/// A real-valued scale `r ≈ multiplier · 2^(shift − 31)` in fixed point.
public struct QuantizedMultiplier: Equatable {
    public var multiplier: Int32
    public var shift: Int32
    public init(multiplier: Int32, shift: Int32) {
        self.multiplier = multiplier
        self.shift = shift
    }
    /// The smallest and largest `shift` a kernel accepts (so that 1 ≤ 31 − shift ≤ 62).
    public static let shiftRange: ClosedRange<Int32> = -31...30
}

public enum FixedPoint {
    /// `(x · M + 2^(n−1)) >> n` with `n = 31 − shift`: one rounding, ties toward +∞.
    /// Precondition (checked at model load): `shift` in `QuantizedMultiplier.shiftRange`, `|x| < 2³¹`.
    @inline(__always)
    public static func multiplyByQuantizedMultiplier(_ x: Int64, _ m: QuantizedMultiplier) -> Int64 {
        let n = Int64(31 - m.shift)
        return (x &* Int64(m.multiplier) &+ (Int64(1) &<< (n &- 1))) &>> n
    }

    /// `clamp(mbqm(acc) + zeroPoint, lo, hi)` as an int8.
    @inline(__always)
    public static func requantize(_ acc: Int64, _ m: QuantizedMultiplier, zeroPoint: Int32, lo: Int32, hi: Int32) -> Int8 {
        let v = multiplyByQuantizedMultiplier(acc, m) &+ Int64(zeroPoint)
        return Int8(truncatingIfNeeded: min(max(v, Int64(lo)), Int64(hi)))
    }

    /// Rounded division, ties away from zero. `b > 0`.
    @inline(__always)
    public static func divRoundHalfAway(_ a: Int64, _ b: Int64) -> Int64 {
        let half = b / 2
        return a >= 0 ? (a + half) / b : -((-a + half) / b)
    }

    /// ⌊√n⌋ for n ≥ 0, exact (Newton's method on integers).
    public static func isqrt(_ n: Int64) -> Int64 {
        if n < 2 { return n < 0 ? 0 : n }
        // Start above the root: 2^ceil(bits/2).
        let bits = 64 - n.leadingZeroBitCount
        var x = Int64(1) << ((bits + 1) / 2)
        while true {
            let y = (x + n / x) / 2
            if y >= x { return x }
            x = y
        }
    }

    /// The int8 clamp range of a fused activation for an output with scale `s` and zero point `zp`.
    public static func activationRange(_ activation: FusedActivation, scale: Float, zeroPoint: Int32) -> (lo: Int32, hi: Int32) {
        switch activation {
        case .none: return (-128, 127)
        case .relu: return (max(-128, zeroPoint), 127)
        case .relu6:
            let six = Int32((6.0 / Double(scale)).rounded(.toNearestOrAwayFromZero).clamped(-1e6, 1e6))
            return (max(-128, zeroPoint), min(127, zeroPoint &+ six))
        }
    }
}

/// An activation fused into the op that produces a tensor.
public enum FusedActivation: UInt8 {
    case none = 0
    case relu = 1
    case relu6 = 2
}

extension Double {
    @inline(__always)
    func clamped(_ lo: Double, _ hi: Double) -> Double { Swift.min(Swift.max(self, lo), hi) }
}
