// The int8 1-D convolution through CMuJoKernels (see GemmKernelsS8.swift). Weights [C_out, K, C_in/G]
// are already the rows the product wants: output time step t of group g is the dot product of each
// of the group's weight rows with the patch x[t·stride − padLeft + k·dilation, g·C_in/G ..< …] over
// k < K. Without groups and dilation, the patches of the steps whose taps all fall inside the input
// are rows of the input itself (row stride stride·C_in): one product for all of them, no copy. Other
// steps (padding at the edges, dilation, groups) gather their patch into scratch, padded with the
// input zero point, which contributes (zx − zx)·w = 0 exactly as the reference's skipped taps.
// Depthwise convolutions run mujo_depthwise_conv1d_s8.
import CMuJoKernels

extension GemmKernels {
    /// Scratch bytes of one call: a gathered patch, or the depthwise kernel's transposed weights.
    public static func conv1dS8ScratchBytes(_ g: Conv1DGeometry) -> Int {
        let patch = g.kernelSize * (g.channelsIn / g.groups) + 16
        return max(patch, isDepthwise(g) ? mujo_depthwise_conv1d_s8_scratch_bytes(g.channelsIn, g.kernelSize) : 0)
    }

    @inline(__always)
    static func isDepthwise(_ g: Conv1DGeometry) -> Bool { g.groups > 1 && g.groups == g.channelsIn && g.groups == g.channelsOut }

    static func conv1dS8(path: mujo_gemm_path, input x: UnsafePointer<Int8>, weights w: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
                         requant: UnsafePointer<Int32>, output y: UnsafeMutablePointer<Int8>, geometry g: Conv1DGeometry,
                         io: QuantizedIO, scratch: UnsafeMutableRawPointer) {
        let zx = io.inputZeroPoint
        guard isInt8(zx) else {
            return MuJoCore.conv1dS8(input: x, weights: w, bias: bias, requant: requant, output: y, geometry: g, io: io)
        }
        var out = requantOut(bias, requant, perColumn: true, io.outputZeroPoint, io.lo, io.hi)
        if isDepthwise(g) {
            mujo_depthwise_conv1d_s8(path, x, w, g.timeIn, g.channelsIn, g.timeOut, g.kernelSize, g.stride, g.dilation, g.padLeft, zx, y, &out, scratch)
            return
        }
        let cinPerGroup = g.channelsIn / g.groups, coutPerGroup = g.channelsOut / g.groups
        let length = g.kernelSize * cinPerGroup
        // Steps [inner.lo, inner.hi) read the input in place (groups 1, dilation 1, every tap inside).
        var inner = (lo: 0, hi: 0)
        if g.groups == 1 && g.dilation == 1 {
            inner.lo = (g.padLeft + g.stride - 1) / g.stride
            let last = g.timeIn - g.kernelSize + g.padLeft
            inner.hi = last < 0 ? inner.lo : min(g.timeOut, last / g.stride + 1)
            inner.hi = max(inner.hi, inner.lo)
            inner.lo = min(inner.lo, g.timeOut)
            inner.hi = min(inner.hi, g.timeOut)
            if inner.hi > inner.lo {
                mujo_gemm_s8(path, x + (inner.lo * g.stride - g.padLeft) * g.channelsIn, g.stride * g.channelsIn, inner.hi - inner.lo, zx,
                             w, length, g.channelsOut, 0, length, y + inner.lo * g.channelsOut, g.channelsOut, &out)
            }
        }
        let patch = scratch.assumingMemoryBound(to: Int8.self)
        let pad = Int8(truncatingIfNeeded: zx)
        for t in 0..<g.timeOut where t < inner.lo || t >= inner.hi {
            let start = t * g.stride - g.padLeft
            for group in 0..<g.groups {
                for k in 0..<g.kernelSize {
                    let ti = start + k * g.dilation
                    let dst = patch + k * cinPerGroup
                    if ti < 0 || ti >= g.timeIn {
                        dst.update(repeating: pad, count: cinPerGroup)
                    } else {
                        dst.update(from: x + ti * g.channelsIn + group * cinPerGroup, count: cinPerGroup)
                    }
                }
                let c0 = group * coutPerGroup
                var groupOut = requantOut(bias.map { $0 + c0 }, requant + 2 * c0, perColumn: true, io.outputZeroPoint, io.lo, io.hi)
                mujo_gemm_s8(path, patch, length, 1, zx, w + c0 * length, length, coutPerGroup, 0, length,
                             y + t * g.channelsOut + c0, g.channelsOut, &groupOut)
            }
        }
    }

    // The registered functions (KernelDispatch.swift), one per path.
    public static func conv1dS8Portable(_ x: UnsafePointer<Int8>, _ w: UnsafePointer<Int8>, _ b: UnsafePointer<Int32>?, _ rq: UnsafePointer<Int32>,
                                        _ y: UnsafeMutablePointer<Int8>, _ g: Conv1DGeometry, _ io: QuantizedIO, _ scratch: UnsafeMutableRawPointer) {
        conv1dS8(path: MUJO_GEMM_PORTABLE, input: x, weights: w, bias: b, requant: rq, output: y, geometry: g, io: io, scratch: scratch)
    }

    public static func conv1dS8AVXVNNI(_ x: UnsafePointer<Int8>, _ w: UnsafePointer<Int8>, _ b: UnsafePointer<Int32>?, _ rq: UnsafePointer<Int32>,
                                       _ y: UnsafeMutablePointer<Int8>, _ g: Conv1DGeometry, _ io: QuantizedIO, _ scratch: UnsafeMutableRawPointer) {
        conv1dS8(path: MUJO_GEMM_AVXVNNI, input: x, weights: w, bias: b, requant: rq, output: y, geometry: g, io: io, scratch: scratch)
    }

    public static func conv1dS8AVX2(_ x: UnsafePointer<Int8>, _ w: UnsafePointer<Int8>, _ b: UnsafePointer<Int32>?, _ rq: UnsafePointer<Int32>,
                                    _ y: UnsafeMutablePointer<Int8>, _ g: Conv1DGeometry, _ io: QuantizedIO, _ scratch: UnsafeMutableRawPointer) {
        conv1dS8(path: MUJO_GEMM_AVX2, input: x, weights: w, bias: b, requant: rq, output: y, geometry: g, io: io, scratch: scratch)
    }

    public static func conv1dS8NEON(_ x: UnsafePointer<Int8>, _ w: UnsafePointer<Int8>, _ b: UnsafePointer<Int32>?, _ rq: UnsafePointer<Int32>,
                                    _ y: UnsafeMutablePointer<Int8>, _ g: Conv1DGeometry, _ io: QuantizedIO, _ scratch: UnsafeMutableRawPointer) {
        conv1dS8(path: MUJO_GEMM_NEON, input: x, weights: w, bias: b, requant: rq, output: y, geometry: g, io: io, scratch: scratch)
    }

    public static func conv1dS8NEONDot(_ x: UnsafePointer<Int8>, _ w: UnsafePointer<Int8>, _ b: UnsafePointer<Int32>?, _ rq: UnsafePointer<Int32>,
                                       _ y: UnsafeMutablePointer<Int8>, _ g: Conv1DGeometry, _ io: QuantizedIO, _ scratch: UnsafeMutableRawPointer) {
        conv1dS8(path: MUJO_GEMM_NEON_DOT, input: x, weights: w, bias: b, requant: rq, output: y, geometry: g, io: io, scratch: scratch)
    }
}
