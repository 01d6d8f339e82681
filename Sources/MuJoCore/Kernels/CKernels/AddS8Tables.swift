// The int8 Add through CMuJoKernels' mujo_add_s8: each input's rescaling looked up in a 256-entry
// table built once per call (add_s8.c) instead of computed per element; on the AVX2 path the
// output requantization eight elements at a time. Same bits as the reference addS8
// (KernelVariantTests, KernelVectorTests).
import CMuJoKernels

/// Kernels whose per-element work is a table look-up (CMuJoKernels).
public enum TableKernels {
    public static func addS8(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, count: Int, bCount: Int,
                             requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>, io: BinaryQuantizedIO) {
        mujo_add_s8(MUJO_GEMM_PORTABLE, a, b, count, bCount, requant, output, io.zeroPointA, io.zeroPointB, io.outputZeroPoint, io.lo, io.hi)
    }

    public static func addS8AVX2(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, count: Int, bCount: Int,
                                 requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>, io: BinaryQuantizedIO) {
        mujo_add_s8(MUJO_GEMM_AVX2, a, b, count, bCount, requant, output, io.zeroPointA, io.zeroPointB, io.outputZeroPoint, io.lo, io.hi)
    }
}
