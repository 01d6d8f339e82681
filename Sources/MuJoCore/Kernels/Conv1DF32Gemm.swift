// Optimized float 1-D convolution: im2col into caller-owned scratch, then one OpenBLAS
// `cblas_sgemm`. Same signature and layouts as the reference `conv1dF32` (Conv1DF32.swift) plus
// the scratch; tested against it within `conv1dF32GemmTolerance` (Tests/MuJoCoreTests/GemmF32Tests.swift).
// Grouped convolutions (depthwise) stay on the reference kernel: their per-group GEMMs are tiny.
import CMuJoSystem

/// Max |gemm − reference| / (1 + |reference|) accepted by the tests (float summation order differs).
public let conv1dF32GemmTolerance: Float = 1e-5

/// Whether `conv1dF32Gemm` handles this geometry (groups == 1).
public func conv1dF32GemmApplies(_ g: Conv1DGeometry) -> Bool { g.groups == 1 }

/// Floats of scratch `conv1dF32Gemm` needs: the im2col matrix `[T_out, K·C_in]`, or 0 for a
/// pointwise convolution (K 1, stride 1, no padding), which multiplies the input directly.
public func conv1dF32GemmScratchCount(_ g: Conv1DGeometry) -> Int {
    isPointwise(g) ? 0 : g.timeOut * g.kernelSize * g.channelsIn
}

@inline(__always)
func isPointwise(_ g: Conv1DGeometry) -> Bool {
    g.kernelSize == 1 && g.stride == 1 && g.padLeft == 0 && g.timeOut == g.timeIn
}

public func conv1dF32Gemm(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                          output: UnsafeMutablePointer<Float>, geometry g: Conv1DGeometry, activation: FusedActivation,
                          scratch: UnsafeMutablePointer<Float>) {
    let row = g.kernelSize * g.channelsIn
    var a = input
    if !isPointwise(g) {
        // im2col: scratch[t, k·C_in + i] = x[t·S + k·D − P_l, i], zero outside the window.
        for t in 0..<g.timeOut {
            let start = t * g.stride - g.padLeft
            let dst = scratch + t * row
            for k in 0..<g.kernelSize {
                let ti = start + k * g.dilation
                let d = dst + k * g.channelsIn
                if ti < 0 || ti >= g.timeIn {
                    d.update(repeating: 0, count: g.channelsIn)
                } else {
                    d.update(from: input + ti * g.channelsIn, count: g.channelsIn)
                }
            }
        }
        a = UnsafePointer(scratch)
    }
    // y[T_out, C_out] = A[T_out, K·C_in] · W[C_out, K·C_in]ᵀ (+ bias, activation).
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(g.timeOut), Int32(g.channelsOut), Int32(row),
                1, a, Int32(row), weights, Int32(row), 0, output, Int32(g.channelsOut))
    finishRows(output, rows: g.timeOut, columns: g.channelsOut, bias: bias, activation: activation)
}

/// Adds the bias to every row and applies the fused activation, in place.
@inline(__always)
func finishRows(_ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>?, activation: FusedActivation) {
    if bias == nil && activation == .none { return }
    for r in 0..<rows {
        let p = y + r * columns
        for c in 0..<columns { p[c] = activate(p[c] + (bias?[c] ?? 0), activation) }
    }
}
