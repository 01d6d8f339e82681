// The int8 Softmax through CMuJoKernels' mujo_softmax_s8 (softmax_s8.c): the reference's maximum,
// table look-ups and sum, the division as a reciprocal multiplication with an exact correction.
// Same bits as the reference softmaxS8 (KernelVariantTests, KernelVectorTests).
import CMuJoKernels

extension TableKernels {
    public static func softmaxS8(_ x: UnsafePointer<Int8>, rows: Int, length n: Int, expTable: UnsafePointer<Int32>,
                                 output: UnsafeMutablePointer<Int8>) {
        mujo_softmax_s8(x, rows, n, expTable, output)
    }
}
