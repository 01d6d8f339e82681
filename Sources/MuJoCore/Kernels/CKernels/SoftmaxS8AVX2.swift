// The int8 Softmax through CMuJoKernels' mujo_softmax_s8_avx2 (softmax_s8.c): the reference's maximum,
// table look-ups and sum, each element's rounded division four at a time in exact double lanes.
// x86-64 only: the board keeps the reference, and links none of this. Same bits as the reference
// softmaxS8 (KernelVariantTests, KernelVectorTests).
#if arch(x86_64)
import CMuJoKernels

extension TableKernels {
    public static func softmaxS8AVX2(_ x: UnsafePointer<Int8>, rows: Int, length n: Int, expTable: UnsafePointer<Int32>,
                                     output: UnsafeMutablePointer<Int8>) {
        mujo_softmax_s8_avx2(x, rows, n, expTable, output)
    }
}
#endif
