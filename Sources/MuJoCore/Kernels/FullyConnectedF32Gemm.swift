// Optimized float fully connected layer: one OpenBLAS `cblas_sgemm`. Same signature and layouts
// as the reference `fullyConnectedF32`; tested against it within `conv1dF32GemmTolerance`.
import CMuJoSystem

public func fullyConnectedF32Gemm(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                  output: UnsafeMutablePointer<Float>, rows: Int, inputs k: Int, outputs o: Int,
                                  activation: FusedActivation) {
    // y[rows, O] = x[rows, K] · W[O, K]ᵀ
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(o), Int32(k),
                1, input, Int32(k), weights, Int32(k), 0, output, Int32(o))
    finishRows(output, rows: rows, columns: o, bias: bias, activation: activation)
}
