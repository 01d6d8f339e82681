// The exact reciprocal division the C kernels use (layer_norm_s8.c: its
// `quotient`), in Swift, so a test can check the identity it rests on against divRoundHalfAway
// (KernelVariantTests.testReciprocalQuotientIsDivRoundHalfAway) on the inputs the kernels see.

/// Portable arithmetic the optimized kernels share.
public enum PortableKernels {}

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
}
