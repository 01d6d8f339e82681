// Reference int8 fully connected layer (docs/int8-spec.md, `fullyConnectedS8`): x [N, K], w [O, K].

public func fullyConnectedS8(input: UnsafePointer<Int8>, weights: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
                             requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>,
                             rows: Int, inputs k: Int, outputs o: Int, io: QuantizedIO) {
    let zpIn = io.inputZeroPoint
    for n in 0..<rows {
        let x = input + n * k
        for j in 0..<o {
            let w = weights + j * k
            var acc: Int32 = 0
            for i in 0..<k { acc &+= (Int32(x[i]) &- zpIn) &* Int32(w[i]) }
            let total = Int64(acc) + Int64(bias?[j] ?? 0)
            output[n * o + j] = FixedPoint.requantize(total, multiplier(requant, j), zeroPoint: io.outputZeroPoint, lo: io.lo, hi: io.hi)
        }
    }
}
