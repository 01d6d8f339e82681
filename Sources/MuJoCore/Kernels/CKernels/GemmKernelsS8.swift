// int8 kernel variants that compute through CMuJoKernels' blocked product `mujo_gemm_s8` (2 rows ×
// 4 columns per block, requantization fused into the producer): the fully connected layer and the
// transposed attention matmul directly, the convolution one output time step per row (see
// GemmConv1DS8.swift). `path` chooses the portable C loops, AVX2, AVX-VNNI, ARM NEON (smlal) or the
// aarch64 dot product (sdot); KernelDispatch.swift lists
// one variant of each. Bit-exact to the reference kernels (KernelVariantTests, KernelVectorTests).
import CMuJoKernels

/// The int8 kernels computed by CMuJoKernels' blocked product.
public enum GemmKernels {
    /// Whether this CPU runs the AVX2 path (checked once).
    public static let hasAVX2: Bool = mujo_cpu_has_avx2() != 0
    /// Whether this CPU runs the AVX-VNNI path (checked once).
    public static let hasAVXVNNI: Bool = mujo_cpu_has_avxvnni() != 0
    /// Whether this CPU and build run the NEON path (aarch64; armv7 NEON builds) (checked once).
    public static let hasNEON: Bool = mujo_cpu_has_neon() != 0
    /// Whether this CPU runs the aarch64 dot-product path (HWCAP_ASIMDDP) (checked once).
    public static let hasDotProd: Bool = mujo_cpu_has_dotprod() != 0

    /// Zero points the C kernels take: int8 values (as every int8 tensor's are).
    @inline(__always)
    static func isInt8(_ v: Int32) -> Bool { v >= -128 && v <= 127 }

    @inline(__always)
    static func requantOut(_ bias: UnsafePointer<Int32>?, _ requant: UnsafePointer<Int32>, perColumn: Bool,
                           _ zeroPoint: Int32, _ lo: Int32, _ hi: Int32) -> mujo_requant_out {
        mujo_requant_out(bias: bias, requant: requant, per_column: perColumn ? 1 : 0, zero_point: zeroPoint, lo: lo, hi: hi)
    }

    static func fullyConnectedS8(path: mujo_gemm_path, input: UnsafePointer<Int8>, weights: UnsafePointer<Int8>,
                                 bias: UnsafePointer<Int32>?, requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>,
                                 rows: Int, inputs k: Int, outputs o: Int, io: QuantizedIO) {
        guard isInt8(io.inputZeroPoint) else {
            return MuJoCore.fullyConnectedS8(input: input, weights: weights, bias: bias, requant: requant, output: output,
                                             rows: rows, inputs: k, outputs: o, io: io)
        }
        var out = requantOut(bias, requant, perColumn: true, io.outputZeroPoint, io.lo, io.hi)
        mujo_gemm_s8(path, input, k, rows, io.inputZeroPoint, weights, k, o, 0, k, output, o, &out)
    }

    static func batchMatMulS8(path: mujo_gemm_path, a: UnsafePointer<Int8>, b: UnsafePointer<Int8>, batches: Int, m: Int, k: Int, n: Int,
                              transposeB: Bool, requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>, io: BinaryQuantizedIO) {
        // b [B, K, N] (not transposed) has no contiguous rows to dot with: the reference runs it.
        guard transposeB, isInt8(io.zeroPointA), isInt8(io.zeroPointB) else {
            return MuJoCore.batchMatMulS8(a, b, batches: batches, m: m, k: k, n: n, transposeB: transposeB, requant: requant,
                                          output: output, io: io)
        }
        var out = requantOut(nil, requant, perColumn: false, io.outputZeroPoint, io.lo, io.hi)
        for batch in 0..<batches {
            mujo_gemm_s8(path, a + batch * m * k, k, m, io.zeroPointA, b + batch * n * k, k, n, io.zeroPointB, k,
                         output + batch * m * n, n, &out)
        }
    }
}

extension GemmKernels {
    // The registered functions (KernelDispatch.swift), one per path.
    public static func fullyConnectedS8Portable(input: UnsafePointer<Int8>, weights: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
                                                requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>,
                                                rows: Int, inputs k: Int, outputs o: Int, io: QuantizedIO) {
        fullyConnectedS8(path: MUJO_GEMM_PORTABLE, input: input, weights: weights, bias: bias, requant: requant, output: output,
                         rows: rows, inputs: k, outputs: o, io: io)
    }

    public static func fullyConnectedS8AVX2(input: UnsafePointer<Int8>, weights: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
                                            requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>,
                                            rows: Int, inputs k: Int, outputs o: Int, io: QuantizedIO) {
        fullyConnectedS8(path: MUJO_GEMM_AVX2, input: input, weights: weights, bias: bias, requant: requant, output: output,
                         rows: rows, inputs: k, outputs: o, io: io)
    }

    public static func fullyConnectedS8AVXVNNI(input: UnsafePointer<Int8>, weights: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
                                               requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>,
                                               rows: Int, inputs k: Int, outputs o: Int, io: QuantizedIO) {
        fullyConnectedS8(path: MUJO_GEMM_AVXVNNI, input: input, weights: weights, bias: bias, requant: requant, output: output,
                         rows: rows, inputs: k, outputs: o, io: io)
    }

    public static func fullyConnectedS8NEON(input: UnsafePointer<Int8>, weights: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
                                            requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>,
                                            rows: Int, inputs k: Int, outputs o: Int, io: QuantizedIO) {
        fullyConnectedS8(path: MUJO_GEMM_NEON, input: input, weights: weights, bias: bias, requant: requant, output: output,
                         rows: rows, inputs: k, outputs: o, io: io)
    }

    public static func fullyConnectedS8NEONDot(input: UnsafePointer<Int8>, weights: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
                                               requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>,
                                               rows: Int, inputs k: Int, outputs o: Int, io: QuantizedIO) {
        fullyConnectedS8(path: MUJO_GEMM_NEON_DOT, input: input, weights: weights, bias: bias, requant: requant, output: output,
                         rows: rows, inputs: k, outputs: o, io: io)
    }

    public static func batchMatMulS8Portable(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, batches: Int, m: Int, k: Int, n: Int,
                                             transposeB: Bool, requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>,
                                             io: BinaryQuantizedIO) {
        batchMatMulS8(path: MUJO_GEMM_PORTABLE, a: a, b: b, batches: batches, m: m, k: k, n: n, transposeB: transposeB,
                      requant: requant, output: output, io: io)
    }

    public static func batchMatMulS8AVX2(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, batches: Int, m: Int, k: Int, n: Int,
                                         transposeB: Bool, requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>,
                                         io: BinaryQuantizedIO) {
        batchMatMulS8(path: MUJO_GEMM_AVX2, a: a, b: b, batches: batches, m: m, k: k, n: n, transposeB: transposeB,
                      requant: requant, output: output, io: io)
    }

    public static func batchMatMulS8NEON(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, batches: Int, m: Int, k: Int, n: Int,
                                         transposeB: Bool, requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>,
                                         io: BinaryQuantizedIO) {
        batchMatMulS8(path: MUJO_GEMM_NEON, a: a, b: b, batches: batches, m: m, k: k, n: n, transposeB: transposeB,
                      requant: requant, output: output, io: io)
    }

    public static func batchMatMulS8NEONDot(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, batches: Int, m: Int, k: Int, n: Int,
                                            transposeB: Bool, requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>,
                                            io: BinaryQuantizedIO) {
        batchMatMulS8(path: MUJO_GEMM_NEON_DOT, a: a, b: b, batches: batches, m: m, k: k, n: n, transposeB: transposeB,
                      requant: requant, output: output, io: io)
    }
}
