// Portable variant of the int8 fully connected layer: the reference (Kernels/FullyConnectedS8.swift)
// with the dot product unrolled by four into independent accumulators. Wrapping Int32 addition is
// associative, so the sum — and the output — are the same bits as the reference's for every input.
// Chosen by Kernels/KernelDispatch.swift; tested bit-exact in KernelVectorTests and KernelVariantTests.

/// Kernels written in portable Swift that beat the reference by their loop structure alone.
public enum PortableKernels {}

extension PortableKernels {
    public static func fullyConnectedS8(input: UnsafePointer<Int8>, weights: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
                                        requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>,
                                        rows: Int, inputs k: Int, outputs o: Int, io: QuantizedIO) {
        let zpIn = io.inputZeroPoint
        let k4 = k & ~3
        for n in 0..<rows {
            let x = input + n * k
            for j in 0..<o {
                let w = weights + j * k
                var a0: Int32 = 0, a1: Int32 = 0, a2: Int32 = 0, a3: Int32 = 0
                var i = 0
                while i < k4 {
                    a0 &+= (Int32(x[i]) &- zpIn) &* Int32(w[i])
                    a1 &+= (Int32(x[i + 1]) &- zpIn) &* Int32(w[i + 1])
                    a2 &+= (Int32(x[i + 2]) &- zpIn) &* Int32(w[i + 2])
                    a3 &+= (Int32(x[i + 3]) &- zpIn) &* Int32(w[i + 3])
                    i += 4
                }
                while i < k { a0 &+= (Int32(x[i]) &- zpIn) &* Int32(w[i]); i += 1 }
                let acc = a0 &+ a1 &+ a2 &+ a3
                let total = Int64(acc) + Int64(bias?[j] ?? 0)
                output[n * o + j] = FixedPoint.requantize(total, multiplier(requant, j), zeroPoint: io.outputZeroPoint, lo: io.lo, hi: io.hi)
            }
        }
    }
}
