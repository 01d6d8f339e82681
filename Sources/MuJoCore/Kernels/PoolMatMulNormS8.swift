// Reference int8 mean pooling over time, batched matrix multiply and L2 normalisation
// (docs/int8-spec.md, `meanPoolS8`, `batchMatMulS8`, `l2NormalizeS8`).

/// x [T, C] → y [1, C]; `requant` holds one pair for s_x / (T · s_y).
public func meanPoolS8(_ x: UnsafePointer<Int8>, time: Int, channels: Int, requant: UnsafePointer<Int32>,
                       output: UnsafeMutablePointer<Int8>, io: QuantizedIO) {
    let m = multiplier(requant, 0)
    for c in 0..<channels {
        var acc: Int32 = 0
        for t in 0..<time { acc &+= Int32(x[t * channels + c]) &- io.inputZeroPoint }
        output[c] = FixedPoint.requantize(Int64(acc), m, zeroPoint: io.outputZeroPoint, lo: io.lo, hi: io.hi)
    }
}

/// a [B, M, K] · b [B, K, N] (or b [B, N, K] when `transposeB`) → [B, M, N].
public func batchMatMulS8(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, batches: Int, m: Int, k: Int, n: Int,
                          transposeB: Bool, requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>,
                          io: BinaryQuantizedIO) {
    let mult = multiplier(requant, 0)
    let za = io.zeroPointA, zb = io.zeroPointB
    for batch in 0..<batches {
        let ab = a + batch * m * k, bb = b + batch * k * n, yb = output + batch * m * n
        for i in 0..<m {
            for j in 0..<n {
                var acc: Int32 = 0
                if transposeB {
                    for p in 0..<k { acc &+= (Int32(ab[i * k + p]) &- za) &* (Int32(bb[j * k + p]) &- zb) }
                } else {
                    for p in 0..<k { acc &+= (Int32(ab[i * k + p]) &- za) &* (Int32(bb[p * n + j]) &- zb) }
                }
                yb[i * n + j] = FixedPoint.requantize(Int64(acc), mult, zeroPoint: io.outputZeroPoint, lo: io.lo, hi: io.hi)
            }
        }
    }
}

/// Per row: y = x / ‖x‖ with output scale 1/128, zero point 0.
public func l2NormalizeS8(_ x: UnsafePointer<Int8>, rows: Int, length n: Int, inputZeroPoint: Int32,
                          output: UnsafeMutablePointer<Int8>) {
    for r in 0..<rows {
        let row = x + r * n
        var s: Int64 = 0
        for i in 0..<n {
            let d = Int64(row[i]) - Int64(inputZeroPoint)
            s += d * d
        }
        let out = output + r * n
        if s == 0 {
            for i in 0..<n { out[i] = 0 }
            continue
        }
        let root = FixedPoint.isqrt(s << 14)
        for i in 0..<n {
            let d = Int64(row[i]) - Int64(inputZeroPoint)
            out[i] = Int8(truncatingIfNeeded: min(max(FixedPoint.divRoundHalfAway(d * 16384, root), -128), 127))
        }
    }
}
