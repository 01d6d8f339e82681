// One prepared op: the kernel to call with every pointer and parameter resolved at prepare time,
// so invoke is a loop over a switch with no lookups, checks or allocations.

enum Step {
    case conv1dS8(x: UnsafePointer<Int8>, w: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?, rq: UnsafePointer<Int32>,
                  y: UnsafeMutablePointer<Int8>, g: Conv1DGeometry, io: QuantizedIO)
    case conv1dF32(x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                   y: UnsafeMutablePointer<Float>, g: Conv1DGeometry, act: FusedActivation)
    case conv1dF32Gemm(x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                       y: UnsafeMutablePointer<Float>, g: Conv1DGeometry, act: FusedActivation, scratch: UnsafeMutablePointer<Float>)
    case fullyConnectedS8(x: UnsafePointer<Int8>, w: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?, rq: UnsafePointer<Int32>,
                          y: UnsafeMutablePointer<Int8>, rows: Int, k: Int, o: Int, io: QuantizedIO)
    case fullyConnectedF32(x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                           y: UnsafeMutablePointer<Float>, rows: Int, k: Int, o: Int, act: FusedActivation)
    case fullyConnectedF32Gemm(x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                               y: UnsafeMutablePointer<Float>, rows: Int, k: Int, o: Int, act: FusedActivation)
    case addS8(a: UnsafePointer<Int8>, b: UnsafePointer<Int8>, count: Int, bCount: Int, rq: UnsafePointer<Int32>,
               y: UnsafeMutablePointer<Int8>, io: BinaryQuantizedIO)
    case mulS8(a: UnsafePointer<Int8>, b: UnsafePointer<Int8>, count: Int, bCount: Int, rq: UnsafePointer<Int32>,
               y: UnsafeMutablePointer<Int8>, io: BinaryQuantizedIO)
    case addF32(a: UnsafePointer<Float>, b: UnsafePointer<Float>, count: Int, bCount: Int, y: UnsafeMutablePointer<Float>, act: FusedActivation)
    case mulF32(a: UnsafePointer<Float>, b: UnsafePointer<Float>, count: Int, bCount: Int, y: UnsafeMutablePointer<Float>, act: FusedActivation)
    case lookupS8(x: UnsafePointer<Int8>, count: Int, table: UnsafePointer<Int8>, y: UnsafeMutablePointer<Int8>)
    case geluF32(x: UnsafePointer<Float>, count: Int, y: UnsafeMutablePointer<Float>)
    case softmaxS8(x: UnsafePointer<Int8>, rows: Int, n: Int, table: UnsafePointer<Int32>, y: UnsafeMutablePointer<Int8>)
    case softmaxF32(x: UnsafePointer<Float>, rows: Int, n: Int, y: UnsafeMutablePointer<Float>)
    case layerNormS8(x: UnsafePointer<Int8>, rows: Int, c: Int, gamma: UnsafePointer<Int8>, beta: UnsafePointer<Int32>,
                     rq: UnsafePointer<Int32>, eps: Int32, y: UnsafeMutablePointer<Int8>, zpIn: Int32, zpOut: Int32)
    case layerNormF32(x: UnsafePointer<Float>, rows: Int, c: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                      eps: Float, y: UnsafeMutablePointer<Float>)
    case meanPoolS8(x: UnsafePointer<Int8>, t: Int, c: Int, rq: UnsafePointer<Int32>, y: UnsafeMutablePointer<Int8>, io: QuantizedIO)
    case meanPoolF32(x: UnsafePointer<Float>, t: Int, c: Int, y: UnsafeMutablePointer<Float>, act: FusedActivation)
    case batchMatMulS8(a: UnsafePointer<Int8>, b: UnsafePointer<Int8>, batches: Int, m: Int, k: Int, n: Int, transposeB: Bool,
                       rq: UnsafePointer<Int32>, y: UnsafeMutablePointer<Int8>, io: BinaryQuantizedIO)
    case batchMatMulF32(a: UnsafePointer<Float>, b: UnsafePointer<Float>, batches: Int, m: Int, k: Int, n: Int, transposeB: Bool,
                        y: UnsafeMutablePointer<Float>, act: FusedActivation)
    case l2NormalizeS8(x: UnsafePointer<Int8>, rows: Int, n: Int, zpIn: Int32, y: UnsafeMutablePointer<Int8>)
    case l2NormalizeF32(x: UnsafePointer<Float>, rows: Int, n: Int, y: UnsafeMutablePointer<Float>)
    case quantize(x: UnsafePointer<Float>, count: Int, scale: Float, zp: Int32, y: UnsafeMutablePointer<Int8>)
    case dequantize(x: UnsafePointer<Int8>, count: Int, scale: Float, zp: Int32, y: UnsafeMutablePointer<Float>)
    case transpose1(x: UnsafePointer<Int8>, plan: TransposePlan, y: UnsafeMutablePointer<Int8>)
    case transpose4(x: UnsafePointer<UInt32>, plan: TransposePlan, y: UnsafeMutablePointer<UInt32>)
    case copy(x: UnsafeRawPointer, bytes: Int, y: UnsafeMutableRawPointer)
    /// Concat along an axis = for each of `outer` blocks, copy each input's contiguous chunk in turn.
    case concat(parts: UnsafePointer<ConcatPart>, partCount: Int, outer: Int, y: UnsafeMutableRawPointer, rowBytes: Int)
    case reluS8(x: UnsafePointer<Int8>, count: Int, zp: Int32, y: UnsafeMutablePointer<Int8>)
    case reluF32(x: UnsafePointer<Float>, count: Int, y: UnsafeMutablePointer<Float>)
}

/// One input of a concat: its base address and the bytes it contributes per outer block.
struct ConcatPart {
    var base: UnsafeRawPointer
    var chunkBytes: Int
}

extension Step {
    @inline(__always)
    func run() {
        switch self {
        case let .conv1dS8(x, w, bias, rq, y, g, io): MuJoCore.conv1dS8(input: x, weights: w, bias: bias, requant: rq, output: y, geometry: g, io: io)
        case let .conv1dF32(x, w, bias, y, g, act): MuJoCore.conv1dF32(input: x, weights: w, bias: bias, output: y, geometry: g, activation: act)
        case let .conv1dF32Gemm(x, w, bias, y, g, act, scratch):
            MuJoCore.conv1dF32Gemm(input: x, weights: w, bias: bias, output: y, geometry: g, activation: act, scratch: scratch)
        case let .fullyConnectedF32Gemm(x, w, bias, y, rows, k, o, act):
            MuJoCore.fullyConnectedF32Gemm(input: x, weights: w, bias: bias, output: y, rows: rows, inputs: k, outputs: o, activation: act)
        case let .fullyConnectedS8(x, w, bias, rq, y, rows, k, o, io):
            MuJoCore.fullyConnectedS8(input: x, weights: w, bias: bias, requant: rq, output: y, rows: rows, inputs: k, outputs: o, io: io)
        case let .fullyConnectedF32(x, w, bias, y, rows, k, o, act):
            MuJoCore.fullyConnectedF32(input: x, weights: w, bias: bias, output: y, rows: rows, inputs: k, outputs: o, activation: act)
        case let .addS8(a, b, count, bCount, rq, y, io): MuJoCore.addS8(a, b, count: count, bCount: bCount, requant: rq, output: y, io: io)
        case let .mulS8(a, b, count, bCount, rq, y, io): MuJoCore.mulS8(a, b, count: count, bCount: bCount, requant: rq, output: y, io: io)
        case let .addF32(a, b, count, bCount, y, act): MuJoCore.addF32(a, b, count: count, bCount: bCount, output: y, activation: act)
        case let .mulF32(a, b, count, bCount, y, act): MuJoCore.mulF32(a, b, count: count, bCount: bCount, output: y, activation: act)
        case let .lookupS8(x, count, table, y): MuJoCore.lookupS8(x, count: count, table: table, output: y)
        case let .geluF32(x, count, y): MuJoCore.geluF32(x, count: count, output: y)
        case let .softmaxS8(x, rows, n, table, y): MuJoCore.softmaxS8(x, rows: rows, length: n, expTable: table, output: y)
        case let .softmaxF32(x, rows, n, y): MuJoCore.softmaxF32(x, rows: rows, length: n, output: y)
        case let .layerNormS8(x, rows, c, gamma, beta, rq, eps, y, zpIn, zpOut):
            MuJoCore.layerNormS8(x, rows: rows, channels: c, gamma: gamma, beta: beta, requant: rq, epsilon: eps, output: y,
                        inputZeroPoint: zpIn, outputZeroPoint: zpOut)
        case let .layerNormF32(x, rows, c, gamma, beta, eps, y):
            MuJoCore.layerNormF32(x, rows: rows, channels: c, gamma: gamma, beta: beta, epsilon: eps, output: y)
        case let .meanPoolS8(x, t, c, rq, y, io): MuJoCore.meanPoolS8(x, time: t, channels: c, requant: rq, output: y, io: io)
        case let .meanPoolF32(x, t, c, y, act): MuJoCore.meanPoolF32(x, time: t, channels: c, output: y, activation: act)
        case let .batchMatMulS8(a, b, batches, m, k, n, tb, rq, y, io):
            MuJoCore.batchMatMulS8(a, b, batches: batches, m: m, k: k, n: n, transposeB: tb, requant: rq, output: y, io: io)
        case let .batchMatMulF32(a, b, batches, m, k, n, tb, y, act):
            MuJoCore.batchMatMulF32(a, b, batches: batches, m: m, k: k, n: n, transposeB: tb, output: y, activation: act)
        case let .l2NormalizeS8(x, rows, n, zp, y): MuJoCore.l2NormalizeS8(x, rows: rows, length: n, inputZeroPoint: zp, output: y)
        case let .l2NormalizeF32(x, rows, n, y): MuJoCore.l2NormalizeF32(x, rows: rows, length: n, output: y)
        case let .quantize(x, count, scale, zp, y): MuJoCore.quantizeF32ToS8(x, count: count, scale: scale, zeroPoint: zp, output: y)
        case let .dequantize(x, count, scale, zp, y): MuJoCore.dequantizeS8ToF32(x, count: count, scale: scale, zeroPoint: zp, output: y)
        case let .transpose1(x, plan, y): MuJoCore.transposeElements(x, plan: plan, output: y)
        case let .transpose4(x, plan, y): MuJoCore.transposeElements(x, plan: plan, output: y)
        case let .copy(x, bytes, y): MuJoCore.copyBytes(x, count: bytes, output: y)
        case let .concat(parts, partCount, outer, y, rowBytes):
            for o in 0..<outer {
                var at = y + o * rowBytes
                for p in 0..<partCount {
                    let part = parts[p]
                    at.copyMemory(from: part.base + o * part.chunkBytes, byteCount: part.chunkBytes)
                    at += part.chunkBytes
                }
            }
        case let .reluS8(x, count, zp, y): MuJoCore.reluS8(x, count: count, zeroPoint: zp, output: y)
        case let .reluF32(x, count, y): MuJoCore.reluF32(x, count: count, output: y)
        }
    }
}
