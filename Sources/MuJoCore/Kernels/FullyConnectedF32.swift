// Reference float fully connected layer, the float twin of fullyConnectedS8.

public func fullyConnectedF32(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                              output: UnsafeMutablePointer<Float>, rows: Int, inputs k: Int, outputs o: Int,
                              activation: FusedActivation) {
    for n in 0..<rows {
        let x = input + n * k
        for j in 0..<o {
            let w = weights + j * k
            var acc: Float = bias?[j] ?? 0
            for i in 0..<k { acc += x[i] * w[i] }
            output[n * o + j] = activate(acc, activation)
        }
    }
}
