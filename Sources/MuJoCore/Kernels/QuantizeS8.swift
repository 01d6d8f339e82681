// Conversions between float32 and int8 (docs/int8-spec.md, `quantizeF32ToS8`, `dequantizeS8ToF32`).

public func quantizeF32ToS8(_ x: UnsafePointer<Float>, count: Int, scale: Float, zeroPoint: Int32,
                            output: UnsafeMutablePointer<Int8>) {
    for i in 0..<count {
        let v = (x[i] / scale).rounded(.toNearestOrAwayFromZero)
        // Clamp in float first so that huge or infinite values cannot trap on conversion; NaN → zero point.
        let clamped = v.isNaN ? 0 : min(max(v, -1024), 1024)
        output[i] = Int8(truncatingIfNeeded: min(max(Int32(clamped) + zeroPoint, -128), 127))
    }
}

public func dequantizeS8ToF32(_ x: UnsafePointer<Int8>, count: Int, scale: Float, zeroPoint: Int32,
                              output: UnsafeMutablePointer<Float>) {
    for i in 0..<count { output[i] = Float(Int32(x[i]) - zeroPoint) * scale }
}
