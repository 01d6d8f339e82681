// Reference float LayerNorm and L2 normalisation, the float twins of layerNormS8 / l2NormalizeS8.
import CMuJoSystem

public func layerNormF32(_ x: UnsafePointer<Float>, rows: Int, channels c: Int, gamma: UnsafePointer<Float>,
                         beta: UnsafePointer<Float>, epsilon: Float, output: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        let row = x + r * c
        var mean: Float = 0
        for i in 0..<c { mean += row[i] }
        mean /= Float(c)
        var variance: Float = 0
        for i in 0..<c { variance += (row[i] - mean) * (row[i] - mean) }
        variance /= Float(c)
        let inv = 1 / (variance + epsilon).squareRoot()
        let out = output + r * c
        for i in 0..<c { out[i] = (row[i] - mean) * inv * gamma[i] + beta[i] }
    }
}

/// y = x / max(‖x‖, 1e−12) per row (PyTorch's F.normalize).
public func l2NormalizeF32(_ x: UnsafePointer<Float>, rows: Int, length n: Int, output: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        let row = x + r * n
        var ss: Float = 0
        for i in 0..<n { ss += row[i] * row[i] }
        let norm = max(ss.squareRoot(), 1e-12)
        for i in 0..<n { output[r * n + i] = row[i] / norm }
    }
}

public func geluF32(_ x: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>) {
    for i in 0..<count { output[i] = 0.5 * x[i] * (1 + erff(x[i] * 0.70710678118654752)) }
}

public func softmaxF32(_ x: UnsafePointer<Float>, rows: Int, length n: Int, output: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        let row = x + r * n
        var m = row[0]
        for i in 1..<max(n, 1) { m = max(m, row[i]) }
        var sum: Float = 0
        for i in 0..<n {
            let e = expf(row[i] - m)
            output[r * n + i] = e
            sum += e
        }
        for i in 0..<n { output[r * n + i] /= sum }
    }
}
