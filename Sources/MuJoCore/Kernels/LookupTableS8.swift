// Reference int8 lookup-table kernels (docs/int8-spec.md, `geluS8`, `softmaxS8`). The tables are
// built on the host (LookupTables.swift) and stored in the model, so the device evaluates no erf/exp.

/// y = table[x + 128] for every element (GELU, or any element-wise function).
public func lookupS8(_ x: UnsafePointer<Int8>, count: Int, table: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>) {
    for i in 0..<count { output[i] = table[Int(x[i]) + 128] }
}

/// Softmax over the last axis. Output scale 1/256, zero point −128. `expTable[d]` ≈ 2²⁰·exp(−d·s_x).
public func softmaxS8(_ x: UnsafePointer<Int8>, rows: Int, length n: Int, expTable: UnsafePointer<Int32>,
                      output: UnsafeMutablePointer<Int8>) {
    for r in 0..<rows {
        let row = x + r * n
        var m = row[0]
        for i in 1..<max(n, 1) { m = max(m, row[i]) }
        var sum: Int64 = 0
        for i in 0..<n { sum += Int64(expTable[Int(m) - Int(row[i])]) }
        let out = output + r * n
        for i in 0..<n {
            let e = Int64(expTable[Int(m) - Int(row[i])])
            let v = FixedPoint.divRoundHalfAway(e * 256, sum) - 128
            out[i] = Int8(truncatingIfNeeded: min(max(v, -128), 127))
        }
    }
}
