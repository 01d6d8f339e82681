// Portable variant of the int8 LayerNorm (Kernels/LayerNormS8.swift): the same integer statistics
// and Q12 normalised values, but the per-element 64-bit division by the row's √ becomes a
// multiplication by its reciprocal in Double followed by an exact integer correction, which gives
// the quotient divRoundHalfAway gives for every input (see `quotient`). Tested bit-exact in
// KernelVariantTests and KernelVectorTests.

extension PortableKernels {
    /// FixedPoint.divRoundHalfAway(a, b) for b > 0 and |a| + b < 2⁵², with `inverse` = 1 / Double(b).
    /// The Double estimate of ⌊(|a| + ⌊b/2⌋) / b⌋ is off by at most one (|a| + ⌊b/2⌋ is exact in a
    /// Double and the product's relative error is 2⁻⁵²); one comparison each way corrects it.
    @inline(__always)
    static func quotient(_ a: Int64, _ b: Int64, inverse: Double, half: Int64) -> Int64 {
        let u = (a >= 0 ? a : -a) + half
        var q = Int64(Double(u) * inverse)
        if q * b > u { q -= 1 } else if (q + 1) * b <= u { q += 1 }
        return a >= 0 ? q : -q
    }

    public static func layerNormS8(_ x: UnsafePointer<Int8>, rows: Int, channels c: Int, gamma: UnsafePointer<Int8>,
                                   beta: UnsafePointer<Int32>, requant: UnsafePointer<Int32>, epsilon: Int32,
                                   output: UnsafeMutablePointer<Int8>, inputZeroPoint: Int32, outputZeroPoint: Int32) {
        let one = Int64(1) << layerNormS8FractionBits
        let limit = Int64(1) << 23
        let zp = Int64(inputZeroPoint)
        for r in 0..<rows {
            let row = x + r * c
            var s1: Int64 = 0, s2: Int64 = 0
            for i in 0..<c {
                let d = Int64(row[i]) - zp
                s1 += d
                s2 += d * d
            }
            let n = Int64(c)
            let den = FixedPoint.isqrt(n * s2 - s1 * s1 + Int64(epsilon))
            let inverse = den != 0 ? 1.0 / Double(den) : 0, half = den / 2
            let out = output + r * c
            for i in 0..<c {
                var normalised: Int64 = 0
                if den != 0 {
                    let d = Int64(row[i]) - zp
                    normalised = min(max(quotient((n * d - s1) * one, den, inverse: inverse, half: half), -limit), limit)
                }
                let acc = min(max(normalised * Int64(gamma[i]) + Int64(beta[i]), Int64(Int32.min)), Int64(Int32.max))
                out[i] = FixedPoint.requantize(acc, multiplier(requant, i), zeroPoint: outputZeroPoint, lo: -128, hi: 127)
            }
        }
    }
}
