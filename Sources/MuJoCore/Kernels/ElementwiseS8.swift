// Reference int8 element-wise Add and Mul (docs/int8-spec.md, `addS8`, `mulS8`). The second input
// broadcasts when it has the first's shape, its last dimension, or one element: element i of the
// output uses b[i % bCount].

/// Zero points of both inputs and the output, and the output clamp.
public struct BinaryQuantizedIO: Equatable {
    public var zeroPointA: Int32
    public var zeroPointB: Int32
    public var outputZeroPoint: Int32
    public var lo: Int32
    public var hi: Int32

    public init(zeroPointA: Int32, zeroPointB: Int32, outputZeroPoint: Int32, lo: Int32 = -128, hi: Int32 = 127) {
        self.zeroPointA = zeroPointA
        self.zeroPointB = zeroPointB
        self.outputZeroPoint = outputZeroPoint
        self.lo = lo
        self.hi = hi
    }
}

/// The left shift applied to both inputs of an int8 Add before rescaling (TFLite's choice).
public let addS8LeftShift: Int64 = 20

/// `requant` holds three (multiplier, shift) pairs: input a, input b, output.
public func addS8(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, count: Int, bCount: Int,
                  requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>, io: BinaryQuantizedIO) {
    let ma = multiplier(requant, 0), mb = multiplier(requant, 1), my = multiplier(requant, 2)
    for i in 0..<count {
        let ra = FixedPoint.multiplyByQuantizedMultiplier((Int64(a[i]) - Int64(io.zeroPointA)) << addS8LeftShift, ma)
        let rb = FixedPoint.multiplyByQuantizedMultiplier((Int64(b[i % bCount]) - Int64(io.zeroPointB)) << addS8LeftShift, mb)
        output[i] = FixedPoint.requantize(ra + rb, my, zeroPoint: io.outputZeroPoint, lo: io.lo, hi: io.hi)
    }
}

/// `requant` holds one (multiplier, shift) pair for s_a·s_b/s_y.
public func mulS8(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, count: Int, bCount: Int,
                  requant: UnsafePointer<Int32>, output: UnsafeMutablePointer<Int8>, io: BinaryQuantizedIO) {
    let m = multiplier(requant, 0)
    for i in 0..<count {
        let prod = (Int64(a[i]) - Int64(io.zeroPointA)) * (Int64(b[i % bCount]) - Int64(io.zeroPointB))
        output[i] = FixedPoint.requantize(prod, m, zeroPoint: io.outputZeroPoint, lo: io.lo, hi: io.hi)
    }
}
