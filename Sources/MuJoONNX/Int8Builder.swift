// HOST ONLY. float32 MuJo graph + activation ranges → the int8 MuJo graph of docs/int8-spec.md.
//
// Every float tensor keeps its id (activations become int8 with their calibrated scale and zero
// point; constants are re-encoded for the op that reads them), so per-layer comparisons can pair
// tensors by id. New tensors (requantization tables, lookup tables, the quantized input) are
// appended. The float input stays float32 and feeds a `quantize` op; the output is the int8
// L2-normalised embedding (scale 1/128, zero point 0).
//
// Host constructions follow Tests/Vectors/generate_kernel_vectors.py in the same float64 order:
//   weights  s_w[c] = float32(max|w_c| / 127), q = clamp(rha(w / s_w[c]), −127, 127)
//   bias     rha(b / (s_x · s_w[c])) in int32
//   requant  quantizeMultiplier(s_x · s_w[c] / s_y) (conv, fc), s_a·s_b/s_y (mul, batchMatMul),
//            s_x / (T · s_y) (meanPool), addS8Multipliers (add)
//   LayerNorm γ/β/eps_q and the GELU / softmax tables: MuJoCore's LookupTables and `layerNormHost`.
import MuJoCore
import MuJoHostCore

public struct Int8BuildOptions {
    /// Per-output-channel weight scales (the spec); false = one scale for all channels (to compare).
    public var perChannel = true
    public init(perChannel: Bool = true) { self.perChannel = perChannel }
}

public enum Int8Builder {
    public static func build(float m: ModelDescription, ranges: [Int: ActivationRange], options: Int8BuildOptions = Int8BuildOptions()) throws -> ModelDescription {
        if let name = firstNonFiniteConstant(m) {   // Int8(NaN) traps: refused, not rounded (the onnx fuzz target)
            throw ImportError("tensor '\(name)' holds a NaN or infinite value; int8 cannot represent it")
        }
        var b = Int8Graph(float: m, ranges: sharedConcatRanges(m, ranges), options: options)
        try b.run()
        var out = ModelDescription(tensors: b.tensors, ops: b.ops, inputs: m.inputs, outputs: m.outputs,
                                   inputSpec: m.inputSpec, labels: m.labels, provenance: m.provenance)
        out.provenance.append(ProvenanceEntry("weights", options.perChannel ? "int8 symmetric per output channel" : "int8 symmetric per tensor"))
        do { try GraphValidator.validate(out) } catch { throw ImportError("the int8 graph is invalid: \(error)") }
        return out
    }
}

/// Concat copies bytes, so its inputs and output share one (scale, zero point): every input and the
/// output get the union of their ranges, and so do the inputs of the transposes/reshapes/ReLUs
/// that feed them (those pass their parameters through).
func sharedConcatRanges(_ m: ModelDescription, _ ranges: [Int: ActivationRange]) -> [Int: ActivationRange] {
    var r = ranges
    var producer: [Int: Int] = [:]
    for (i, op) in m.ops.enumerated() { for o in op.outputs { producer[o] = i } }
    for op in m.ops where op.code == .concat {
        var lo = Double.infinity, hi = -Double.infinity
        for t in op.inputs + op.outputs { if let x = r[t] { lo = min(lo, x.lo); hi = max(hi, x.hi) } }
        guard lo <= hi else { continue }
        var stack = op.inputs + op.outputs
        while let t = stack.popLast() {
            r[t] = ActivationRange(lo: lo, hi: hi)
            if let p = producer[t], [.transpose, .reshape, .relu].contains(m.ops[p].code) { stack.append(m.ops[p].inputs[0]) }
        }
    }
    return r
}

/// The name of the first float32 constant tensor of `m` holding a NaN or an infinity, or nil.
func firstNonFiniteConstant(_ m: ModelDescription) -> String? {
    for t in m.tensors where t.isConstant && t.dataType == .float32 {
        guard let d = t.data else { continue }
        for k in 0..<(d.count / 4) where !Float(bitPattern: ByteReader.u32(d, at: 4 * k)).isFinite { return t.name }
    }
    return nil
}

func roundHalfAway(_ x: Double) -> Double { x.rounded(.toNearestOrAwayFromZero) }

func int32Bytes(_ values: [Int32]) -> [UInt8] {
    var w = ByteWriter()
    for v in values { w.i32(v) }
    return w.bytes
}

struct Int8Graph {
    let f: ModelDescription
    let ranges: [Int: ActivationRange]
    let options: Int8BuildOptions
    var tensors: [TensorDescription]
    var ops: [OpDescription] = []
    /// Float input id → the int8 tensor that replaces it inside the graph.
    var replaced: [Int: Int] = [:]

    init(float: ModelDescription, ranges: [Int: ActivationRange], options: Int8BuildOptions) {
        f = float
        self.ranges = ranges
        self.options = options
        tensors = float.tensors
    }

    func floats(_ id: Int) -> [Float] {
        let d = f.tensors[id].data!
        return (0..<(d.count / 4)).map { Float(bitPattern: ByteReader.u32(d, at: 4 * $0)) }
    }

    mutating func add(_ t: TensorDescription) -> Int { tensors.append(t); return tensors.count - 1 }

    mutating func requant(_ name: String, _ ms: [QuantizedMultiplier]) -> Int {
        var v: [Int32] = []
        for m in ms { v += [m.multiplier, m.shift] }
        return add(TensorDescription(name: name, dataType: .int32, shape: [ms.count, 2], data: int32Bytes(v)))
    }

    func qm(_ r: Double, _ what: String) throws -> QuantizedMultiplier {
        guard let m = FixedPoint.quantizeMultiplier(r) else { throw ImportError("\(what): rescale factor \(r) is out of range") }
        return m
    }

    func q(_ id: Int) -> TensorQuantization { tensors[id].quantization! }

    mutating func setActivation(_ id: Int, _ qp: TensorQuantization) {
        tensors[id].dataType = .int8
        tensors[id].quantization = qp
    }

    mutating func calibrated(_ id: Int) throws -> TensorQuantization {
        guard let r = ranges[id] else { throw ImportError("tensor '\(f.tensors[id].name)' has no calibrated range") }
        guard r.lo.isFinite, r.hi.isFinite else {
            throw ImportError("tensor '\(f.tensors[id].name)' has the calibrated range [\(r.lo), \(r.hi)]: the float model overflows or makes NaN on the calibration windows")
        }
        let p = activationParams(r)
        return TensorQuantization(scale: p.scale, zeroPoint: p.zeroPoint)
    }

    /// Per-channel (axis 0) symmetric int8 weights; per-tensor stores one scale repeated.
    mutating func weights(_ id: Int) -> [Float] {
        let w = floats(id)
        let rows = f.tensors[id].shape[0], per = w.count / rows
        var scales: [Float] = []
        var data = [UInt8](repeating: 0, count: w.count)
        let globalMax = w.reduce(0) { max($0, Double(abs($1))) }
        for r in 0..<rows {
            let rowMax = options.perChannel ? w[(r * per)..<((r + 1) * per)].reduce(0) { max($0, Double(abs($1))) } : globalMax
            let s = Float(max(rowMax, 1e-12) / 127.0)
            scales.append(s)
            for i in 0..<per {
                let v = min(max(roundHalfAway(Double(w[r * per + i]) / Double(s)), -127), 127)
                data[r * per + i] = UInt8(bitPattern: Int8(v))
            }
        }
        tensors[id].dataType = .int8
        tensors[id].data = data
        tensors[id].quantization = TensorQuantization(scales: scales, zeroPoints: [Int32](repeating: 0, count: rows), axis: 0)
        return scales
    }

    mutating func bias(_ id: Int, sx: Float, sw: [Float]) {
        let b = floats(id)
        let v: [Int32] = (0..<b.count).map { c in
            Int32(min(max(roundHalfAway(Double(b[c]) / (Double(sx) * Double(sw[c]))), -2147483648), 2147483647))
        }
        tensors[id].dataType = .int32
        tensors[id].data = int32Bytes(v)
        tensors[id].quantization = nil
    }

    /// A constant operand of add/mul: int8, per tensor, asymmetric over its values.
    mutating func constantOperand(_ id: Int) {
        let v = floats(id)
        let lo = Double(v.min() ?? 0), hi = Double(v.max() ?? 0)
        let p = activationParams(ActivationRange(lo: lo, hi: hi))
        tensors[id].dataType = .int8
        tensors[id].data = v.map { x in UInt8(bitPattern: Int8(min(max(roundHalfAway(Double(x) / Double(p.scale)) + Double(p.zeroPoint), -128), 127))) }
        tensors[id].quantization = TensorQuantization(scale: p.scale, zeroPoint: p.zeroPoint)
    }

    mutating func run() throws {
        // The float input feeds a quantize op; the graph reads its int8 copy.
        for input in f.inputs {
            let qp = try calibrated(input)
            let id = add(TensorDescription(name: f.tensors[input].name + ".q", dataType: .int8, shape: f.tensors[input].shape, quantization: qp))
            replaced[input] = id
            ops.append(OpDescription(code: .quantize, inputs: [input], outputs: [id]))
        }
        for op0 in f.ops {
            var op = op0
            op.inputs = op.inputs.map { replaced[$0] ?? $0 }
            let x = op.inputs[0], y = op.outputs[0]
            let name = f.tensors[y].name
            switch op.code {
            case .conv1d, .fullyConnected:
                setActivation(y, try calibrated(y))
                let sx = q(x).scale, sy = q(y).scale
                let sw = weights(op.inputs[1])
                if op.inputs.count > 2, op.inputs[2] >= 0 { bias(op.inputs[2], sx: sx, sw: sw) }
                else {
                    // The int8 ops take a bias input; an absent float bias becomes zeros.
                    let zeros = [Int32](repeating: 0, count: sw.count)
                    let id = add(TensorDescription(name: name + ".bias", dataType: .int32, shape: [sw.count], data: int32Bytes(zeros)))
                    op.inputs = [op.inputs[0], op.inputs[1], id]
                }
                let ms = try sw.map { try qm(Double(sx) * Double($0) / Double(sy), name) }
                op.inputs.append(requant(name + ".requant", ms))
            case .add, .mul:
                setActivation(y, try calibrated(y))
                if tensors[op.inputs[1]].isConstant { constantOperand(op.inputs[1]) }
                let sa = q(x).scale, sb = q(op.inputs[1]).scale, sy = q(y).scale
                if op.code == .add {
                    guard let ms = addS8Multipliers(scaleA: sa, scaleB: sb, scaleOut: sy) else { throw ImportError("\(name): add rescale out of range") }
                    op.inputs.append(requant(name + ".requant", ms))
                } else {
                    op.inputs.append(requant(name + ".requant", [try qm(Double(sa) * Double(sb) / Double(sy), name)]))
                }
            case .gelu:
                setActivation(y, try calibrated(y))
                let table = LookupTables.elementwiseS8(scaleIn: q(x).scale, zeroPointIn: q(x).zeroPoint, scaleOut: q(y).scale,
                                                       zeroPointOut: q(y).zeroPoint, LookupTables.gelu)
                op.inputs.append(add(TensorDescription(name: name + ".table", dataType: .int8, shape: [256], data: table.map { UInt8(bitPattern: $0) })))
            case .softmax:
                setActivation(y, TensorQuantization(scale: 1.0 / 256, zeroPoint: -128))
                let table = LookupTables.softmaxExpS8(scaleIn: q(x).scale)
                op.inputs.append(add(TensorDescription(name: name + ".exp", dataType: .int32, shape: [256], data: int32Bytes(table))))
            case .layerNorm:
                setActivation(y, try calibrated(y))
                let gamma = floats(op.inputs[1]), beta = floats(op.inputs[2])
                let c = gamma.count
                let eps = Float(bitPattern: UInt32(bitPattern: op.attributes[0]))
                let sx = q(x).scale, sy = q(y).scale
                var gq: [UInt8] = [], bq: [Int32] = [], sg: [Float] = [], ms: [QuantizedMultiplier] = []
                for i in 0..<c {
                    let s = max(abs(Double(gamma[i])), 1e-12) / 127.0
                    gq.append(UInt8(bitPattern: Int8(min(max(roundHalfAway(Double(gamma[i]) / s), -127), 127))))
                    bq.append(Int32(min(max(roundHalfAway(Double(beta[i]) * 4096.0 / s), -2147483648), 2147483647)))
                    sg.append(Float(s))
                    ms.append(try qm(s / (4096.0 * Double(sy)), name))
                }
                tensors[op.inputs[1]].dataType = .int8
                tensors[op.inputs[1]].data = gq
                tensors[op.inputs[1]].quantization = TensorQuantization(scales: sg, zeroPoints: [Int32](repeating: 0, count: c), axis: 0)
                tensors[op.inputs[2]].dataType = .int32
                tensors[op.inputs[2]].data = int32Bytes(bq)
                op.attributes = [LookupTables.layerNormEpsilonS8(epsilon: eps, channels: c, scaleIn: sx)]
                op.inputs.append(requant(name + ".requant", ms))
            case .meanPool:
                setActivation(y, try calibrated(y))
                let t = tensors[x].shape[0]
                op.inputs.append(requant(name + ".requant", [try qm(Double(q(x).scale) / (Double(t) * Double(q(y).scale)), name)]))
            case .batchMatMul:
                setActivation(y, try calibrated(y))
                let r = Double(q(x).scale) * Double(q(op.inputs[1]).scale) / Double(q(y).scale)
                op.inputs.append(requant(name + ".requant", [try qm(r, name)]))
            case .l2Normalize:
                setActivation(y, TensorQuantization(scale: 1.0 / 128, zeroPoint: 0))
            case .transpose, .reshape, .relu:
                setActivation(y, q(x))
            case .concat:
                // All inputs must share the output's parameters: requantize none, so the calibrated
                // output range must already cover every input (it does: concat copies values).
                let qp = try calibrated(y)
                for i in op.inputs where tensors[i].quantization != qp {
                    throw ImportError("\(name): concat inputs have different int8 parameters; concat of differently scaled activations is not supported yet")
                }
                setActivation(y, qp)
            case .quantize, .dequantize:
                throw ImportError("\(name): the float graph already contains \(op.code.name)")
            }
            ops.append(op)
        }
    }
}
