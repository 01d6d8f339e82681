// HOST ONLY. The kernel set host tools run float models with: the board's best kernels plus the
// OpenBLAS float GEMMs (calibration, the float reference in `mujo eval`, fidelity reports).
import MuJoCore

extension KernelSet {
    public static var host: KernelSet {
        var k = KernelSet.best
        k.conv1dF32 = KernelVariant("openblas-im2col", OpenBLASKernels.conv1dF32, scratchBytes: OpenBLASKernels.conv1dF32ScratchBytes)
        k.fullyConnectedF32 = KernelVariant("openblas", OpenBLASKernels.fullyConnectedF32)
        return k
    }
}
