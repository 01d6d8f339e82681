// Shapes and quantization parameters shared by the kernels. Kernels take raw pointers into the
// arena or the constant block, never allocate, and trust their arguments: the model was validated
// at load (GraphValidator), so they run without checks.

/// Geometry of a 1-D convolution over a `[time, channels]` window.
public struct Conv1DGeometry: Equatable {
    public var timeIn: Int
    public var channelsIn: Int
    public var timeOut: Int
    public var channelsOut: Int
    public var kernelSize: Int
    public var stride: Int
    public var dilation: Int
    public var padLeft: Int
    public var groups: Int

    public init(timeIn: Int, channelsIn: Int, channelsOut: Int, kernelSize: Int, stride: Int = 1,
                dilation: Int = 1, padLeft: Int = 0, padRight: Int = 0, groups: Int = 1) {
        self.timeIn = timeIn
        self.channelsIn = channelsIn
        self.channelsOut = channelsOut
        self.kernelSize = kernelSize
        self.stride = stride
        self.dilation = dilation
        self.padLeft = padLeft
        self.groups = groups
        self.timeOut = (timeIn + padLeft + padRight - dilation * (kernelSize - 1) - 1) / stride + 1
    }
}

/// Zero points of input and output, and the output clamp (a fused activation).
public struct QuantizedIO: Equatable {
    public var inputZeroPoint: Int32
    public var outputZeroPoint: Int32
    public var lo: Int32
    public var hi: Int32

    public init(inputZeroPoint: Int32, outputZeroPoint: Int32, lo: Int32 = -128, hi: Int32 = 127) {
        self.inputZeroPoint = inputZeroPoint
        self.outputZeroPoint = outputZeroPoint
        self.lo = lo
        self.hi = hi
    }
}

/// Reads the (multiplier, shift) pair of channel `c` from a requantization table.
@inline(__always)
func multiplier(_ table: UnsafePointer<Int32>, _ c: Int) -> QuantizedMultiplier {
    QuantizedMultiplier(multiplier: table[2 * c], shift: table[2 * c + 1])
}

/// Applies a fused activation to a float.
@inline(__always)
func activate(_ v: Float, _ activation: FusedActivation) -> Float {
    switch activation {
    case .none: return v
    case .relu: return max(v, 0)
    case .relu6: return min(max(v, 0), 6)
    }
}
