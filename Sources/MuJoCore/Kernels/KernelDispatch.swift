// Which kernel runs: every variant of every kernel family, in one place. Each list starts with
// the reference kernel (the specification, always available) and ends with the preferred one;
// `KernelSet.best` takes, per family, the last variant whose `isAvailable()` holds. The vector
// tests loop over every variant listed here.
//
// Adding an optimized variant: write it in its own file (Portable/, or C in Sources/CMuJoKernels
// with a Swift wrapper in CKernels/) with the reference's signature, then add ONE line to its
// family's list below. A CPU-specific variant says so in `isAvailable` (e.g. GemmKernels.hasAVX2).
// The x86 and ARM variants never both hold, so "last available" is the best of the running CPU's.
// A host-only variant (one the board must not link, for its size) is appended under #if arch(x86_64),
// as softmaxS8's is.

public enum KernelVariants {
    public static let conv1dS8: [KernelVariant<Conv1DS8Function>] = [
        // The reference convolutions need no scratch: the adapter drops the pointer.
        KernelVariant("reference", { x, w, b, rq, y, g, io, _ in MuJoCore.conv1dS8(input: x, weights: w, bias: b, requant: rq, output: y, geometry: g, io: io) }),
        KernelVariant("gemm-c", GemmKernels.conv1dS8Portable, scratchBytes: GemmKernels.conv1dS8ScratchBytes),
        KernelVariant("gemm-avx2", GemmKernels.conv1dS8AVX2, scratchBytes: GemmKernels.conv1dS8ScratchBytes, isAvailable: { GemmKernels.hasAVX2 }),
        KernelVariant("gemm-avxvnni", GemmKernels.conv1dS8AVXVNNI, scratchBytes: GemmKernels.conv1dS8ScratchBytes, isAvailable: { GemmKernels.hasAVXVNNI }),
        KernelVariant("gemm-neon", GemmKernels.conv1dS8NEON, scratchBytes: GemmKernels.conv1dS8ScratchBytes, isAvailable: { GemmKernels.hasNEON }),
        KernelVariant("gemm-neon-dot", GemmKernels.conv1dS8NEONDot, scratchBytes: GemmKernels.conv1dS8ScratchBytes, isAvailable: { GemmKernels.hasDotProd }),
    ]
    public static let conv1dF32: [KernelVariant<Conv1DF32Function>] = [
        KernelVariant("reference", { x, w, b, y, g, act, _ in MuJoCore.conv1dF32(input: x, weights: w, bias: b, output: y, geometry: g, activation: act) }),
    ]
    public static let fullyConnectedS8: [KernelVariant<FullyConnectedS8Function>] = [
        KernelVariant("reference", MuJoCore.fullyConnectedS8),
        KernelVariant("gemm-c", GemmKernels.fullyConnectedS8Portable),
        KernelVariant("gemm-avx2", GemmKernels.fullyConnectedS8AVX2, isAvailable: { GemmKernels.hasAVX2 }),
        KernelVariant("gemm-avxvnni", GemmKernels.fullyConnectedS8AVXVNNI, isAvailable: { GemmKernels.hasAVXVNNI }),
        KernelVariant("gemm-neon", GemmKernels.fullyConnectedS8NEON, isAvailable: { GemmKernels.hasNEON }),
        KernelVariant("gemm-neon-dot", GemmKernels.fullyConnectedS8NEONDot, isAvailable: { GemmKernels.hasDotProd }),
    ]
    public static let fullyConnectedF32: [KernelVariant<FullyConnectedF32Function>] = [KernelVariant("reference", MuJoCore.fullyConnectedF32)]
    public static let addS8: [KernelVariant<BinaryS8Function>] = [
        KernelVariant("reference", MuJoCore.addS8),
        KernelVariant("tables-c", TableKernels.addS8),
        KernelVariant("tables-avx2", TableKernels.addS8AVX2, isAvailable: { GemmKernels.hasAVX2 }),
    ]
    public static let mulS8: [KernelVariant<BinaryS8Function>] = [KernelVariant("reference", MuJoCore.mulS8)]
    public static let addF32: [KernelVariant<BinaryF32Function>] = [KernelVariant("reference", MuJoCore.addF32)]
    public static let mulF32: [KernelVariant<BinaryF32Function>] = [KernelVariant("reference", MuJoCore.mulF32)]
    public static let lookupS8: [KernelVariant<LookupS8Function>] = [KernelVariant("reference", MuJoCore.lookupS8)]
    public static let geluF32: [KernelVariant<UnaryF32Function>] = [KernelVariant("reference", MuJoCore.geluF32)]
    public static let softmaxS8: [KernelVariant<SoftmaxS8Function>] = {
        var variants = [KernelVariant("reference", MuJoCore.softmaxS8)]
        #if arch(x86_64)  // host only: the board's binary has no room to spare and keeps the reference
        variants.append(KernelVariant("avx2", TableKernels.softmaxS8AVX2, isAvailable: { GemmKernels.hasAVX2 }))
        #endif
        return variants
    }()
    public static let softmaxF32: [KernelVariant<RowsF32Function>] = [KernelVariant("reference", MuJoCore.softmaxF32)]
    public static let layerNormS8: [KernelVariant<LayerNormS8Function>] = [
        KernelVariant("reference", MuJoCore.layerNormS8),
        KernelVariant("c", GemmKernels.layerNormS8C),
        KernelVariant("avx2", GemmKernels.layerNormS8AVX2, isAvailable: { GemmKernels.hasAVX2 }),
    ]
    public static let layerNormF32: [KernelVariant<LayerNormF32Function>] = [KernelVariant("reference", MuJoCore.layerNormF32)]
    public static let meanPoolS8: [KernelVariant<MeanPoolS8Function>] = [KernelVariant("reference", MuJoCore.meanPoolS8)]
    public static let meanPoolF32: [KernelVariant<MeanPoolF32Function>] = [KernelVariant("reference", MuJoCore.meanPoolF32)]
    public static let batchMatMulS8: [KernelVariant<BatchMatMulS8Function>] = [
        KernelVariant("reference", MuJoCore.batchMatMulS8),
        KernelVariant("gemm-c", GemmKernels.batchMatMulS8Portable),
        KernelVariant("gemm-avx2", GemmKernels.batchMatMulS8AVX2, isAvailable: { GemmKernels.hasAVX2 }),
        KernelVariant("gemm-neon", GemmKernels.batchMatMulS8NEON, isAvailable: { GemmKernels.hasNEON }),
        KernelVariant("gemm-neon-dot", GemmKernels.batchMatMulS8NEONDot, isAvailable: { GemmKernels.hasDotProd }),
    ]
    public static let batchMatMulF32: [KernelVariant<BatchMatMulF32Function>] = [KernelVariant("reference", MuJoCore.batchMatMulF32)]
    public static let l2NormalizeS8: [KernelVariant<L2NormalizeS8Function>] = [KernelVariant("reference", MuJoCore.l2NormalizeS8)]
    public static let l2NormalizeF32: [KernelVariant<RowsF32Function>] = [KernelVariant("reference", MuJoCore.l2NormalizeF32)]
    public static let quantize: [KernelVariant<QuantizeFunction>] = [KernelVariant("reference", MuJoCore.quantizeF32ToS8)]
    public static let dequantize: [KernelVariant<DequantizeFunction>] = [KernelVariant("reference", MuJoCore.dequantizeS8ToF32)]
    public static let reluS8: [KernelVariant<ReluS8Function>] = [KernelVariant("reference", MuJoCore.reluS8)]
    public static let reluF32: [KernelVariant<UnaryF32Function>] = [KernelVariant("reference", MuJoCore.reluF32)]
}

extension KernelSet {
    /// The reference kernels: the specification.
    public static var reference: KernelSet { select(preferred: false) }

    /// The preferred available variant of every family (what an interpreter uses by default).
    public static var best: KernelSet { select(preferred: true) }

    private static func select(preferred: Bool) -> KernelSet {
        func pick<F>(_ variants: [KernelVariant<F>]) -> KernelVariant<F> {
            preferred ? (variants.last { $0.isAvailable() } ?? variants[0]) : variants[0]
        }
        return KernelSet(
            conv1dS8: pick(KernelVariants.conv1dS8),
            conv1dF32: pick(KernelVariants.conv1dF32),
            fullyConnectedS8: pick(KernelVariants.fullyConnectedS8),
            fullyConnectedF32: pick(KernelVariants.fullyConnectedF32),
            addS8: pick(KernelVariants.addS8),
            mulS8: pick(KernelVariants.mulS8),
            addF32: pick(KernelVariants.addF32),
            mulF32: pick(KernelVariants.mulF32),
            lookupS8: pick(KernelVariants.lookupS8),
            geluF32: pick(KernelVariants.geluF32),
            softmaxS8: pick(KernelVariants.softmaxS8),
            softmaxF32: pick(KernelVariants.softmaxF32),
            layerNormS8: pick(KernelVariants.layerNormS8),
            layerNormF32: pick(KernelVariants.layerNormF32),
            meanPoolS8: pick(KernelVariants.meanPoolS8),
            meanPoolF32: pick(KernelVariants.meanPoolF32),
            batchMatMulS8: pick(KernelVariants.batchMatMulS8),
            batchMatMulF32: pick(KernelVariants.batchMatMulF32),
            l2NormalizeS8: pick(KernelVariants.l2NormalizeS8),
            l2NormalizeF32: pick(KernelVariants.l2NormalizeF32),
            quantize: pick(KernelVariants.quantize),
            dequantize: pick(KernelVariants.dequantize),
            reluS8: pick(KernelVariants.reluS8),
            reluF32: pick(KernelVariants.reluF32)
        )
    }
}
