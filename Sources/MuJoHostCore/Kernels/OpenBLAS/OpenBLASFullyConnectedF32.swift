// HOST ONLY. Float fully connected layer through one OpenBLAS `cblas_sgemm`. Same signature and
// layouts as the reference `fullyConnectedF32`; tested against it within
// `fullyConnectedF32GemmTolerance` (Tests/MuJoCoreTests/GemmF32Tests.swift).
import CMuJoBLAS
import MuJoCore

/// Max |gemm − reference| / (1 + |reference|) accepted for the GEMM fully connected layer.
public let fullyConnectedF32GemmTolerance: Float = 1e-5

extension OpenBLASKernels {
    public static func fullyConnectedF32(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                         output: UnsafeMutablePointer<Float>, rows: Int, inputs k: Int, outputs o: Int,
                                         activation: FusedActivation) {
        // y[rows, O] = x[rows, K] · W[O, K]ᵀ
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(o), Int32(k),
                    1, input, Int32(k), weights, Int32(k), 0, output, Int32(o))
        finishRows(output, rows: rows, columns: o, bias: bias, activation: activation)
    }
}
