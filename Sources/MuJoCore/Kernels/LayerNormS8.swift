// Reference int8 LayerNorm over the last axis with integer statistics (docs/int8-spec.md,
// `layerNormS8`): exact integer square root, the normalised value in Q12, γ as per-channel int8
// weights and β as int32 bias, per-channel requantization.

/// Fraction bits of the normalised value before γ and β.
public let layerNormS8FractionBits: Int64 = 12

public func layerNormS8(_ x: UnsafePointer<Int8>, rows: Int, channels c: Int, gamma: UnsafePointer<Int8>,
                        beta: UnsafePointer<Int32>, requant: UnsafePointer<Int32>, epsilon: Int32,
                        output: UnsafeMutablePointer<Int8>, inputZeroPoint: Int32, outputZeroPoint: Int32) {
    let one = Int64(1) << layerNormS8FractionBits
    let limit = Int64(1) << 23
    for r in 0..<rows {
        let row = x + r * c
        var s1: Int64 = 0, s2: Int64 = 0
        for i in 0..<c {
            let d = Int64(row[i]) - Int64(inputZeroPoint)
            s1 += d
            s2 += d * d
        }
        let n = Int64(c)
        let den = FixedPoint.isqrt(n * s2 - s1 * s1 + Int64(epsilon))
        let out = output + r * c
        for i in 0..<c {
            var normalised: Int64 = 0
            if den != 0 {
                let d = Int64(row[i]) - Int64(inputZeroPoint)
                normalised = min(max(FixedPoint.divRoundHalfAway((n * d - s1) * one, den), -limit), limit)
            }
            let acc = min(max(normalised * Int64(gamma[i]) + Int64(beta[i]), Int64(Int32.min)), Int64(Int32.max))
            out[i] = FixedPoint.requantize(acc, multiplier(requant, i), zeroPoint: outputZeroPoint, lo: -128, hi: 127)
        }
    }
}
