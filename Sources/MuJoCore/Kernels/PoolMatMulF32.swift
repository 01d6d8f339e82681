// Reference float mean pooling over time and batched matrix multiply.

public func meanPoolF32(_ x: UnsafePointer<Float>, time: Int, channels: Int, output: UnsafeMutablePointer<Float>,
                        activation: FusedActivation) {
    for c in 0..<channels {
        var acc: Float = 0
        for t in 0..<time { acc += x[t * channels + c] }
        output[c] = activate(acc / Float(time), activation)
    }
}

public func batchMatMulF32(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, batches: Int, m: Int, k: Int, n: Int,
                           transposeB: Bool, output: UnsafeMutablePointer<Float>, activation: FusedActivation) {
    for batch in 0..<batches {
        let ab = a + batch * m * k, bb = b + batch * k * n, yb = output + batch * m * n
        for i in 0..<m {
            for j in 0..<n {
                var acc: Float = 0
                for p in 0..<k { acc += ab[i * k + p] * (transposeB ? bb[j * k + p] : bb[p * n + j]) }
                yb[i * n + j] = activate(acc, activation)
            }
        }
    }
}
