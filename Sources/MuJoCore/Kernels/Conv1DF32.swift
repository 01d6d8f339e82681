// Reference float 1-D convolution, the float twin of conv1dS8 (same layouts).

public func conv1dF32(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                      output: UnsafeMutablePointer<Float>, geometry g: Conv1DGeometry, activation: FusedActivation) {
    let cinPerGroup = g.channelsIn / g.groups
    let coutPerGroup = g.channelsOut / g.groups
    for t in 0..<g.timeOut {
        let start = t * g.stride - g.padLeft
        for c in 0..<g.channelsOut {
            let group = c / coutPerGroup
            let w = weights + c * g.kernelSize * cinPerGroup
            var acc: Float = bias?[c] ?? 0
            for k in 0..<g.kernelSize {
                let ti = start + k * g.dilation
                if ti < 0 || ti >= g.timeIn { continue }
                let x = input + ti * g.channelsIn + group * cinPerGroup
                let wk = w + k * cinPerGroup
                for i in 0..<cinPerGroup { acc += x[i] * wk[i] }
            }
            output[t * g.channelsOut + c] = activate(acc, activation)
        }
    }
}
