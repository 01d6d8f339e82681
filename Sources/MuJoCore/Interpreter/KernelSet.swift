// The seam between the interpreter and the kernels: one function type per kernel family (the
// reference kernel's signature), a named variant of it, and the set of variants an interpreter
// calls. The reference kernels (Kernels/*.swift) are the specification; a variant has the same
// signature and, for int8, the same output bits. Which variant runs is chosen in one place,
// Kernels/KernelDispatch.swift, once, when an interpreter is prepared.

/// A kernel family's implementation with its name ("reference", "gemm-c", "gemm-avx2", …).
public struct KernelVariant<Function> {
    public let name: StaticString
    public let function: Function
    /// Bytes of caller-owned scratch one call needs, from the op's geometry (convolutions only;
    /// nil: none). The interpreter allocates the largest once, at prepare.
    public let scratchBytes: ((Conv1DGeometry) -> Int)?
    /// Whether this build and CPU can run it (e.g. a CPU-feature check); checked at dispatch.
    public let isAvailable: () -> Bool

    public init(_ name: StaticString, _ function: Function, scratchBytes: ((Conv1DGeometry) -> Int)? = nil,
                isAvailable: @escaping () -> Bool = { true }) {
        self.name = name
        self.function = function
        self.scratchBytes = scratchBytes
        self.isAvailable = isAvailable
    }
}

// One function type per family. Convolutions take a scratch pointer (sized by `scratchBytes`).
public typealias Conv1DS8Function = (_ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>?,
                                     _ requant: UnsafePointer<Int32>, _ output: UnsafeMutablePointer<Int8>, _ geometry: Conv1DGeometry,
                                     _ io: QuantizedIO, _ scratch: UnsafeMutableRawPointer) -> Void
public typealias Conv1DF32Function = (_ input: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                      _ output: UnsafeMutablePointer<Float>, _ geometry: Conv1DGeometry, _ activation: FusedActivation,
                                      _ scratch: UnsafeMutableRawPointer) -> Void
public typealias FullyConnectedS8Function = (_ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>?,
                                             _ requant: UnsafePointer<Int32>, _ output: UnsafeMutablePointer<Int8>,
                                             _ rows: Int, _ inputs: Int, _ outputs: Int, _ io: QuantizedIO) -> Void
public typealias FullyConnectedF32Function = (_ input: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                              _ output: UnsafeMutablePointer<Float>, _ rows: Int, _ inputs: Int, _ outputs: Int,
                                              _ activation: FusedActivation) -> Void
public typealias BinaryS8Function = (_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, _ count: Int, _ bCount: Int,
                                     _ requant: UnsafePointer<Int32>, _ output: UnsafeMutablePointer<Int8>, _ io: BinaryQuantizedIO) -> Void
public typealias BinaryF32Function = (_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int, _ bCount: Int,
                                      _ output: UnsafeMutablePointer<Float>, _ activation: FusedActivation) -> Void
public typealias LookupS8Function = (_ x: UnsafePointer<Int8>, _ count: Int, _ table: UnsafePointer<Int8>, _ output: UnsafeMutablePointer<Int8>) -> Void
public typealias UnaryF32Function = (_ x: UnsafePointer<Float>, _ count: Int, _ output: UnsafeMutablePointer<Float>) -> Void
public typealias SoftmaxS8Function = (_ x: UnsafePointer<Int8>, _ rows: Int, _ length: Int, _ expTable: UnsafePointer<Int32>,
                                      _ output: UnsafeMutablePointer<Int8>) -> Void
public typealias RowsF32Function = (_ x: UnsafePointer<Float>, _ rows: Int, _ length: Int, _ output: UnsafeMutablePointer<Float>) -> Void
public typealias LayerNormS8Function = (_ x: UnsafePointer<Int8>, _ rows: Int, _ channels: Int, _ gamma: UnsafePointer<Int8>,
                                        _ beta: UnsafePointer<Int32>, _ requant: UnsafePointer<Int32>, _ epsilon: Int32,
                                        _ output: UnsafeMutablePointer<Int8>, _ inputZeroPoint: Int32, _ outputZeroPoint: Int32) -> Void
public typealias LayerNormF32Function = (_ x: UnsafePointer<Float>, _ rows: Int, _ channels: Int, _ gamma: UnsafePointer<Float>,
                                         _ beta: UnsafePointer<Float>, _ epsilon: Float, _ output: UnsafeMutablePointer<Float>) -> Void
public typealias MeanPoolS8Function = (_ x: UnsafePointer<Int8>, _ time: Int, _ channels: Int, _ requant: UnsafePointer<Int32>,
                                       _ output: UnsafeMutablePointer<Int8>, _ io: QuantizedIO) -> Void
public typealias MeanPoolF32Function = (_ x: UnsafePointer<Float>, _ time: Int, _ channels: Int, _ output: UnsafeMutablePointer<Float>,
                                        _ activation: FusedActivation) -> Void
public typealias BatchMatMulS8Function = (_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, _ batches: Int, _ m: Int, _ k: Int, _ n: Int,
                                          _ transposeB: Bool, _ requant: UnsafePointer<Int32>, _ output: UnsafeMutablePointer<Int8>,
                                          _ io: BinaryQuantizedIO) -> Void
public typealias BatchMatMulF32Function = (_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ batches: Int, _ m: Int, _ k: Int, _ n: Int,
                                           _ transposeB: Bool, _ output: UnsafeMutablePointer<Float>, _ activation: FusedActivation) -> Void
public typealias L2NormalizeS8Function = (_ x: UnsafePointer<Int8>, _ rows: Int, _ length: Int, _ inputZeroPoint: Int32,
                                          _ output: UnsafeMutablePointer<Int8>) -> Void
public typealias QuantizeFunction = (_ x: UnsafePointer<Float>, _ count: Int, _ scale: Float, _ zeroPoint: Int32, _ output: UnsafeMutablePointer<Int8>) -> Void
public typealias DequantizeFunction = (_ x: UnsafePointer<Int8>, _ count: Int, _ scale: Float, _ zeroPoint: Int32, _ output: UnsafeMutablePointer<Float>) -> Void
public typealias ReluS8Function = (_ x: UnsafePointer<Int8>, _ count: Int, _ zeroPoint: Int32, _ output: UnsafeMutablePointer<Int8>) -> Void

/// The kernels one interpreter calls, one variant per family. `KernelSet.reference` and
/// `KernelSet.best` are built in Kernels/KernelDispatch.swift; hosts may swap in more (MuJoHostCore's
/// `KernelSet.host` adds the OpenBLAS float GEMMs).
public struct KernelSet {
    public var conv1dS8: KernelVariant<Conv1DS8Function>
    public var conv1dF32: KernelVariant<Conv1DF32Function>
    public var fullyConnectedS8: KernelVariant<FullyConnectedS8Function>
    public var fullyConnectedF32: KernelVariant<FullyConnectedF32Function>
    public var addS8: KernelVariant<BinaryS8Function>
    public var mulS8: KernelVariant<BinaryS8Function>
    public var addF32: KernelVariant<BinaryF32Function>
    public var mulF32: KernelVariant<BinaryF32Function>
    public var lookupS8: KernelVariant<LookupS8Function>
    public var geluF32: KernelVariant<UnaryF32Function>
    public var softmaxS8: KernelVariant<SoftmaxS8Function>
    public var softmaxF32: KernelVariant<RowsF32Function>
    public var layerNormS8: KernelVariant<LayerNormS8Function>
    public var layerNormF32: KernelVariant<LayerNormF32Function>
    public var meanPoolS8: KernelVariant<MeanPoolS8Function>
    public var meanPoolF32: KernelVariant<MeanPoolF32Function>
    public var batchMatMulS8: KernelVariant<BatchMatMulS8Function>
    public var batchMatMulF32: KernelVariant<BatchMatMulF32Function>
    public var l2NormalizeS8: KernelVariant<L2NormalizeS8Function>
    public var l2NormalizeF32: KernelVariant<RowsF32Function>
    public var quantize: KernelVariant<QuantizeFunction>
    public var dequantize: KernelVariant<DequantizeFunction>
    public var reluS8: KernelVariant<ReluS8Function>
    public var reluF32: KernelVariant<UnaryF32Function>
}
