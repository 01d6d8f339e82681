// The int8 LayerNorm through CMuJoKernels' mujo_layer_norm_s8 (layer_norm_s8.c): the reference's
// integer statistics, the division as PortableKernels.quotient does it (portable C, any CPU), and
// on x86-64 with AVX2 four channels at a time and the requantization eight at a time. Same bits as the reference
// layerNormS8 (KernelVariantTests, KernelVectorTests).
import CMuJoKernels

extension GemmKernels {
    /// The portable C path (any CPU: the board's).
    public static func layerNormS8C(_ x: UnsafePointer<Int8>, rows: Int, channels c: Int, gamma: UnsafePointer<Int8>,
                                    beta: UnsafePointer<Int32>, requant: UnsafePointer<Int32>, epsilon: Int32,
                                    output: UnsafeMutablePointer<Int8>, inputZeroPoint: Int32, outputZeroPoint: Int32) {
        mujo_layer_norm_s8(MUJO_GEMM_PORTABLE, x, rows, c, gamma, beta, requant, epsilon, output, inputZeroPoint, outputZeroPoint)
    }

    public static func layerNormS8AVX2(_ x: UnsafePointer<Int8>, rows: Int, channels c: Int, gamma: UnsafePointer<Int8>,
                                       beta: UnsafePointer<Int32>, requant: UnsafePointer<Int32>, epsilon: Int32,
                                       output: UnsafeMutablePointer<Int8>, inputZeroPoint: Int32, outputZeroPoint: Int32) {
        mujo_layer_norm_s8(MUJO_GEMM_AVX2, x, rows, c, gamma, beta, requant, epsilon, output, inputZeroPoint, outputZeroPoint)
    }
}
