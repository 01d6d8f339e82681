// HOST ONLY. Float 1-D convolution through OpenBLAS: im2col into caller-owned scratch, then one
// `cblas_sgemm`. Same signature and layouts as the reference `conv1dF32` (MuJoCore
// Kernels/Conv1DF32.swift) plus the scratch; tested against it within `conv1dF32GemmTolerance`
// (Tests/MuJoCoreTests/GemmF32Tests.swift). Grouped convolutions (depthwise) run the reference
// kernel: their per-group GEMMs are tiny.
import CMuJoBLAS
import MuJoCore

/// Max |gemm − reference| / (1 + |reference|) accepted for the GEMM convolution (the float
/// summation order differs).
public let conv1dF32GemmTolerance: Float = 1e-5

/// The float kernels that call OpenBLAS (host-side calibration and the float reference path).
public enum OpenBLASKernels {}

extension OpenBLASKernels {
    /// Bytes of scratch `conv1dF32` needs: the im2col matrix `[T_out, K·C_in]`, or 0 for a
    /// pointwise convolution (K 1, stride 1, no padding), which multiplies the input directly,
    /// and for a grouped one, which runs the reference kernel.
    public static func conv1dF32ScratchBytes(_ g: Conv1DGeometry) -> Int {
        g.groups != 1 || isPointwise(g) ? 0 : g.timeOut * g.kernelSize * g.channelsIn * 4
    }

    @inline(__always)
    static func isPointwise(_ g: Conv1DGeometry) -> Bool {
        g.kernelSize == 1 && g.stride == 1 && g.padLeft == 0 && g.timeOut == g.timeIn
    }

    public static func conv1dF32(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                 output: UnsafeMutablePointer<Float>, geometry g: Conv1DGeometry, activation: FusedActivation,
                                 scratch: UnsafeMutableRawPointer) {
        guard g.groups == 1 else {
            MuJoCore.conv1dF32(input: input, weights: weights, bias: bias, output: output, geometry: g, activation: activation)
            return
        }
        let row = g.kernelSize * g.channelsIn
        var a = input
        if !isPointwise(g) {
            // im2col: scratch[t, k·C_in + i] = x[t·S + k·D − P_l, i], zero outside the window.
            let columns = scratch.assumingMemoryBound(to: Float.self)
            for t in 0..<g.timeOut {
                let start = t * g.stride - g.padLeft
                let dst = columns + t * row
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
            a = UnsafePointer(columns)
        }
        // y[T_out, C_out] = A[T_out, K·C_in] · W[C_out, K·C_in]ᵀ (+ bias, activation).
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(g.timeOut), Int32(g.channelsOut), Int32(row),
                    1, a, Int32(row), weights, Int32(row), 0, output, Int32(g.channelsOut))
        finishRows(output, rows: g.timeOut, columns: g.channelsOut, bias: bias, activation: activation)
    }

    /// Adds the bias to every row and applies the fused activation, in place.
    @inline(__always)
    static func finishRows(_ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>?, activation: FusedActivation) {
        if bias == nil && activation == .none { return }
        for r in 0..<rows {
            let p = y + r * columns
            for c in 0..<columns {
                let v = p[c] + (bias?[c] ?? 0)
                switch activation {
                case .none: p[c] = v
                case .relu: p[c] = max(v, 0)
                case .relu6: p[c] = min(max(v, 0), 6)
                }
            }
        }
    }
}
