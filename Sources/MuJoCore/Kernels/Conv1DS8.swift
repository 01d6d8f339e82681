// Reference int8 1-D convolution (docs/int8-spec.md, `conv1dS8`). Channels-last windows,
// weights [C_out, K, C_in/G], per-channel requantization. Grouped and depthwise included.

public func conv1dS8(input: UnsafePointer<Int8>, weights: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
                     requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>,
                     geometry g: Conv1DGeometry, io: QuantizedIO) {
    let cinPerGroup = g.channelsIn / g.groups
    let coutPerGroup = g.channelsOut / g.groups
    let zpIn = io.inputZeroPoint
    for t in 0..<g.timeOut {
        let start = t * g.stride - g.padLeft
        for c in 0..<g.channelsOut {
            let group = c / coutPerGroup
            let w = weights + c * g.kernelSize * cinPerGroup
            var acc: Int32 = 0
            for k in 0..<g.kernelSize {
                let ti = start + k * g.dilation
                if ti < 0 || ti >= g.timeIn { continue }
                let x = input + ti * g.channelsIn + group * cinPerGroup
                let wk = w + k * cinPerGroup
                for i in 0..<cinPerGroup {
                    acc &+= (Int32(x[i]) &- zpIn) &* Int32(wk[i])
                }
            }
            let total = Int64(acc) + Int64(bias?[c] ?? 0)
            output[t * g.channelsOut + c] = FixedPoint.requantize(total, multiplier(requant, c),
                                                                  zeroPoint: io.outputZeroPoint, lo: io.lo, hi: io.hi)
        }
    }
}
