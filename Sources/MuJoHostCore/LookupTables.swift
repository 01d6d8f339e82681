// HOST ONLY. Construction of the int8 lookup tables (docs/int8-spec.md). Computed in float64 once,
// when a model is quantized, and stored in the model file.
import Foundation
import MuJoCore

public enum LookupTables {
    /// GELU, exact erf form: v/2 · (1 + erf(v/√2)).
    public static func gelu(_ v: Double) -> Double { 0.5 * v * (1 + erf(v / 2.0.squareRoot())) }

    /// A 256-entry int8 table of `f` from input quantization (s_x, zp_x) to output (s_y, zp_y).
    public static func elementwiseS8(scaleIn: Float, zeroPointIn: Int32, scaleOut: Float, zeroPointOut: Int32,
                                     _ f: (Double) -> Double) -> [Int8] {
        var table = [Int8](repeating: 0, count: 256)
        for q in -128...127 {
            let real = Double(Int32(q) - zeroPointIn) * Double(scaleIn)
            let y = (f(real) / Double(scaleOut)).rounded(.toNearestOrAwayFromZero) + Double(zeroPointOut)
            table[q + 128] = Int8(min(max(y, -128), 127))
        }
        return table
    }

    /// Softmax exp table: E[d] = round(exp(−d·s_x) · 2²⁰), d = 0…255.
    public static func softmaxExpS8(scaleIn: Float) -> [Int32] {
        (0..<256).map { d in Int32((exp(-Double(d) * Double(scaleIn)) * 1048576.0).rounded(.toNearestOrAwayFromZero)) }
    }

    /// LayerNorm's integer epsilon: round(ε · C² / s_x²), capped at 2³¹ − 1.
    public static func layerNormEpsilonS8(epsilon: Float, channels: Int, scaleIn: Float) -> Int32 {
        let v = (Double(epsilon) * Double(channels) * Double(channels) / (Double(scaleIn) * Double(scaleIn))).rounded(.toNearestOrAwayFromZero)
        return Int32(min(v, 2147483647))
    }
}
