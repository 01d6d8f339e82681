// HOST ONLY. ONNX (as `torch.onnx.export`, opset 17+, emits it) → a float32 MuJo ModelDescription.
//
// Layouts. ONNX tensors carry a batch dimension of 1 and a logical shape; the runtime has no batch
// dimension and stores windows time-major `[T, C]`. Every activation is tracked as
//   (runtime tensor id, logical ONNX shape, perm)
// where runtime dimension i holds logical dimension 1 + perm[i] (the batch dimension is dropped;
// a logical `[1, C]` is stored as `[1, C]`). Transposes only change the perm; a real `transpose`
// op is emitted when an op needs another layout (`materialize`). The ONNX input `[1, C, T]` is the
// runtime `[T, C]` with perm [1, 0], so Conv1d needs no transpose at all.
//
// Constant sub-graphs (Shape/Gather/Concat/Unsqueeze/... on shapes, Constant, Identity) are folded
// on the host. Patterns lowered as a whole: Conv + BatchNormalization (folded), MatMul + Add (bias),
// x·0.5·(1 + erf(x/√2)) (GELU), x / Expand(Clip(ReduceL2(x))) (L2 normalisation), Relu after
// Conv/Gemm/Add (fused activation). Anything else is an error naming the node, the op and what
// is supported — never a silent fallback.
import Foundation
import MuJoCore
import SwiftProtobuf

public struct ImportedGraph {
    public var model: ModelDescription
    /// The ONNX input shape without the batch dimension: `[C, T]`.
    public var inputChannels: Int
    public var inputWindow: Int
    public var inputName: String
    public var outputName: String
    public var opsetVersion: Int
    public var producer: String
}

public enum ONNXImporter {
    public static let supportedOps = [
        "Add", "BatchNormalization", "Cast", "Clip", "Concat", "Constant", "Conv", "Div", "Erf", "Expand", "Flatten",
        "Gather", "Gelu", "Gemm", "Identity", "LayerNormalization", "MatMul", "Mul", "Pow", "ReduceL2", "ReduceMean",
        "ReduceSum", "Relu", "Reshape", "Shape", "Slice", "Softmax", "Sqrt", "Squeeze", "Sub", "Transpose", "Unsqueeze",
    ]

    public static func load(path: String, inputSpec: InputSpec, labels: LabelTable) throws -> ImportedGraph {
        guard let data = FileManager.default.contents(atPath: path) else { throw ImportError("\(path): cannot read the file") }
        return try importModel(data: data, file: path, inputSpec: inputSpec, labels: labels)
    }

    public static func importModel(data: Data, file: String, inputSpec: InputSpec, labels: LabelTable) throws -> ImportedGraph {
        let proto: Onnx_ModelProto
        do {
            proto = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw ImportError("\(file): not a valid ONNX protobuf (\(error)); is the file truncated or not an .onnx model?")
        }
        guard proto.hasGraph, !proto.graph.node.isEmpty else { throw ImportError("\(file): the ONNX model has no graph nodes (truncated or empty file?)") }
        var opset = 0
        for o in proto.opsetImport where o.domain == "" || o.domain == "ai.onnx" { opset = Int(o.version) }
        guard opset >= 13 else { throw ImportError("\(file): opset \(opset) is not supported; export with opset_version=17 or later") }
        var lowering = Lowering(file: file, graph: proto.graph)
        try lowering.run()
        let tensors = lowering.b.finish()
        var model = ModelDescription(tensors: tensors, ops: lowering.b.ops, inputs: [lowering.inputId], outputs: [lowering.outputId],
                                     inputSpec: inputSpec, labels: labels,
                                     provenance: [ProvenanceEntry("source", (file as NSString).lastPathComponent),
                                                  ProvenanceEntry("source.producer", "\(proto.producerName) \(proto.producerVersion)"),
                                                  ProvenanceEntry("source.opset", "\(opset)")])
        model.inputSpec.window = lowering.window
        model.inputSpec.hop = max(1, min(model.inputSpec.hop, lowering.window))
        do { try GraphValidator.validate(model) } catch {
            throw ImportError("\(file): the lowered float graph is invalid: \(error)")
        }
        return ImportedGraph(model: model, inputChannels: lowering.channels, inputWindow: lowering.window,
                             inputName: lowering.inputName, outputName: lowering.outputName, opsetVersion: opset,
                             producer: "\(proto.producerName) \(proto.producerVersion)")
    }
}

// MARK: - Values

struct Const {
    var shape: [Int]
    var values: [Double]
    var count: Int { values.count }
    var scalar: Double? { values.count == 1 ? values[0] : nil }
}

struct RT {
    var id: Int
    var logical: [Int]
    var perm: [Int]
    var runtimeShape: [Int] {
        let s = perm.map { logical[1 + $0] }
        return s.count == 1 ? [1, s[0]] : s
    }
    var isIdentity: Bool { perm == Array(0..<perm.count) }
    /// Whether the logical last axis is the runtime last axis.
    var lastAxisIsLast: Bool { perm.last == logical.count - 2 }
}

enum Marker {
    /// ‖x‖ over the last axis (keepdims), possibly clipped below and expanded: the F.normalize pattern.
    case norm(of: String)
    /// x², Σx² over the last axis: the pieces of a hand-written L2 norm.
    case square(of: String)
    case sumSquares(of: String)
}

enum Value {
    case const(Const)
    case tensor(RT)
    case marker(Marker)
}

// MARK: - Lowering

struct Lowering {
    let file: String
    let graph: Onnx_GraphProto
    let b = GraphBuilder()
    var values: [String: Value] = [:]
    var uses: [String: Int] = [:]
    /// The op types that read each value (to recognise x·x feeding a ReduceSum).
    var consumerOps: [String: [String]] = [:]
    var inputId = -1, outputId = -1
    var channels = 0, window = 0
    var inputName = "", outputName = ""
    /// Materialized layouts already emitted: "tensorId/perm" → tensor id.
    var transposed: [String: Int] = [:]

    init(file: String, graph: Onnx_GraphProto) {
        self.file = file
        self.graph = graph
    }

    func fail(_ node: Onnx_NodeProto, _ what: String) -> ImportError {
        ImportError("\(file): node '\(node.name)' (\(node.opType)): \(what)")
    }

    func unsupported(_ node: Onnx_NodeProto) -> ImportError {
        ImportError("\(file): node '\(node.name)' uses op \(node.opType), which mujo quantize does not support. Supported ops: \(ONNXImporter.supportedOps.joined(separator: ", ")).")
    }

    mutating func run() throws {
        for t in graph.initializer { values[t.name] = .const(try tensorConst(t, what: "initializer '\(t.name)'")) }
        let realInputs = graph.input.filter { values[$0.name] == nil }
        guard realInputs.count == 1 else { throw ImportError("\(file): the model has \(realInputs.count) inputs; mujo quantize takes one IMU window input") }
        let inp = realInputs[0]
        inputName = inp.name
        let dims = inp.type.tensorType.shape.dim.map { $0.dimValue }
        guard inp.type.tensorType.elemType == 1 else { throw ImportError("\(file): input '\(inp.name)' is not float32") }
        guard dims.count == 3, dims[0] == 1, dims[1] > 0, dims[2] > 0 else {
            throw ImportError("\(file): input '\(inp.name)' has shape \(dims) (rank \(dims.count)); expected [1, C, T] (Conv1d layout, batch 1, static sizes): re-export with a fixed-size dummy input of shape (1, C, T)")
        }
        channels = Int(dims[1]); window = Int(dims[2])
        inputId = b.activation(inp.name, [window, channels])
        values[inp.name] = .tensor(RT(id: inputId, logical: [1, channels, window], perm: [1, 0]))

        var nodes = graph.node
        for n in nodes { for i in n.input where !i.isEmpty { uses[i, default: 0] += 1; consumerOps[i, default: []].append(n.opType) } }
        for o in graph.output { uses[o.name, default: 0] += 1 }
        nodes = try rewriteGelu(nodes)

        for node in nodes {
            guard node.domain == "" || node.domain == "ai.onnx" else {
                throw fail(node, "domain '\(node.domain)' is not supported; only the default ONNX domain")
            }
            try lower(node)
        }
        guard graph.output.count == 1 else { throw ImportError("\(file): the model has \(graph.output.count) outputs; mujo quantize takes one embedding output") }
        outputName = graph.output[0].name
        guard case .tensor(let out)? = values[outputName] else { throw ImportError("\(file): output '\(outputName)' is not computed from the input") }
        outputId = materialize(out, Array(0..<out.perm.count))
        b.tensors[outputId].name = outputName
    }

    // MARK: Value access

    func value(_ node: Onnx_NodeProto, _ k: Int) throws -> Value {
        guard k < node.input.count, !node.input[k].isEmpty else { throw fail(node, "input \(k) is missing") }
        guard let v = values[node.input[k]] else { throw fail(node, "input '\(node.input[k])' is not defined before this node") }
        return v
    }

    func optionalValue(_ node: Onnx_NodeProto, _ k: Int) throws -> Value? {
        guard k < node.input.count, !node.input[k].isEmpty else { return nil }
        return try value(node, k)
    }

    func const(_ node: Onnx_NodeProto, _ k: Int, _ what: String) throws -> Const {
        guard case .const(let c) = try value(node, k) else { throw fail(node, "\(what) must be a constant (an initializer or Constant), not computed from the input") }
        return c
    }

    func tensor(_ node: Onnx_NodeProto, _ k: Int) throws -> RT {
        switch try value(node, k) {
        case .tensor(let t): return t
        case .const: throw fail(node, "input \(k) is a constant where an activation is expected; this op is supported on activations only")
        case .marker: throw fail(node, "input \(k) is a partial L2-norm pattern used outside x / ‖x‖; only F.normalize-style x / max(‖x‖, eps) is supported")
        }
    }

    func attr(_ node: Onnx_NodeProto, _ name: String) -> Onnx_AttributeProto? { node.attribute.first { $0.name == name } }
    func intAttr(_ node: Onnx_NodeProto, _ name: String, _ dflt: Int) -> Int { attr(node, name).map { Int($0.i) } ?? dflt }
    func intsAttr(_ node: Onnx_NodeProto, _ name: String) -> [Int]? { attr(node, name).map { $0.ints.map { Int($0) } } }
    func floatAttr(_ node: Onnx_NodeProto, _ name: String, _ dflt: Float) -> Float { attr(node, name).map { $0.f } ?? dflt }

    func checkAttributes(_ node: Onnx_NodeProto, allowed: [String]) throws {
        for a in node.attribute where !allowed.contains(a.name) {
            throw fail(node, "attribute '\(a.name)' is not supported (supported: \(allowed.isEmpty ? "none" : allowed.joined(separator: ", ")))")
        }
    }

    mutating func set(_ node: Onnx_NodeProto, _ v: Value) { values[node.output[0]] = v }

    func tensorConst(_ t: Onnx_TensorProto, what: String) throws -> Const {
        let shape = t.dims.map { Int($0) }
        let count = shape.reduce(1, *)
        var v: [Double] = []
        let raw = t.dataLocation == .external ? try externalBytes(t, what: what) : [UInt8](t.rawData)
        func rawWords<T: FixedWidthInteger>(_: T.Type) -> [T] {
            let size = MemoryLayout<T>.size
            return (0..<(raw.count / size)).map { i in
                var x: T = 0
                for k in 0..<size { x |= T(truncatingIfNeeded: raw[i * size + k]) << (8 * k) }
                return x
            }
        }
        switch t.dataType {
        case 1: v = raw.isEmpty ? t.floatData.map(Double.init) : rawWords(UInt32.self).map { Double(Float(bitPattern: $0)) }
        case 11: v = raw.isEmpty ? t.doubleData : rawWords(UInt64.self).map { Double(bitPattern: $0) }
        case 7: v = raw.isEmpty ? t.int64Data.map(Double.init) : rawWords(Int64.self).map(Double.init)
        case 6: v = raw.isEmpty ? t.int32Data.map(Double.init) : rawWords(Int32.self).map(Double.init)
        case 9: v = raw.isEmpty ? t.int32Data.map(Double.init) : raw.map(Double.init)
        default: throw ImportError("\(file): \(what) has ONNX data type \(t.dataType); supported: float, double, int32, int64, bool")
        }
        guard v.count == count else { throw ImportError("\(file): \(what) holds \(v.count) values for shape \(shape) (truncated file?)") }
        return Const(shape: shape, values: v)
    }

    /// The bytes of a tensor stored beside the model (torch's dynamo exporter writes `MODEL.onnx.data`).
    func externalBytes(_ t: Onnx_TensorProto, what: String) throws -> [UInt8] {
        var location = "", offset: UInt64 = 0, length: Int? = nil
        for e in t.externalData {
            switch e.key {
            case "location": location = e.value
            case "offset": offset = UInt64(e.value) ?? 0
            case "length": length = Int(e.value)
            default: break
            }
        }
        guard !location.isEmpty, !location.hasPrefix("/"), !location.split(separator: "/").contains("..") else {
            throw ImportError("\(file): \(what) has external data at '\(location)'; only a file beside the model is read")
        }
        let path = ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(location)
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw ImportError("\(file): \(what) keeps its values in '\(location)', which cannot be read at \(path); copy it next to the .onnx file")
        }
        defer { try? h.close() }
        let count = t.dims.reduce(1) { $0 * Int($1) } * (t.dataType == 7 || t.dataType == 11 ? 8 : (t.dataType == 9 ? 1 : 4))
        try h.seek(toOffset: offset)
        let data = try h.read(upToCount: length ?? count) ?? Data()
        guard data.count == (length ?? count) else { throw ImportError("\(file): \(what): '\(location)' is too short (truncated?)") }
        return [UInt8](data)
    }

    // MARK: Layout

    /// The tensor id holding `t` in layout `want` (a perm), emitting a transpose when needed.
    mutating func materialize(_ t: RT, _ want: [Int]) -> Int {
        if t.perm == want { return t.id }
        let key = "\(t.id)/\(want)"
        if let id = transposed[key] { return id }
        let attrs = want.map { Int32(t.perm.firstIndex(of: $0)!) }
        let shape = RT(id: -1, logical: t.logical, perm: want).runtimeShape
        let id: Int
        if t.runtimeShape.count == 2, shape.count == 2, t.logical.count == 2 {
            id = t.id
        } else {
            id = b.emit(.transpose, [t.id], output: b.tensors[t.id].name + ".T", shape: shape, attributes: attrs)
        }
        transposed[key] = id
        return id
    }

    mutating func identity(_ t: RT) -> RT {
        RT(id: materialize(t, Array(0..<t.perm.count)), logical: t.logical, perm: Array(0..<t.perm.count))
    }

    /// A constant operand of an element-wise op on `a`, in `a`'s runtime layout: `[1]`, `[last]` or full.
    func elementwiseConstant(_ node: Onnx_NodeProto, _ c: Const, for a: RT, _ f: (Double) -> Double) throws -> (shape: [Int], values: [Float]) {
        guard let full = broadcastValues(c.values, from: c.shape, to: a.logical) else {
            throw fail(node, "constant of shape \(c.shape) does not broadcast to the activation \(a.logical) (only constants broadcasting onto the activation are supported)")
        }
        let inner = Array(a.logical.dropFirst())
        let runtime = transposeValues(full, inner.isEmpty ? [1] : inner, a.perm.isEmpty ? [0] : a.perm).map { Float(f($0)) }
        if runtime.allSatisfy({ $0 == runtime[0] }) { return ([1], [runtime[0]]) }
        let shape = a.runtimeShape
        let last = shape[shape.count - 1]
        var rowsEqual = true
        for i in last..<runtime.count where runtime[i] != runtime[i % last] { rowsEqual = false; break }
        if rowsEqual { return ([last], Array(runtime[0..<last])) }
        return (shape, runtime)
    }

    func normalizeAxis(_ node: Onnx_NodeProto, _ axis: Int, rank: Int) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else { throw fail(node, "axis \(axis) is outside rank \(rank)") }
        return a
    }

    // MARK: Pattern rewrites

    /// Replaces x·0.5·(1 + erf(x/√2)) (both orders torch emits) with one synthetic Gelu node.
    func rewriteGelu(_ nodes: [Onnx_NodeProto]) throws -> [Onnx_NodeProto] {
        var producerOf: [String: Int] = [:]
        var consumers: [String: [Int]] = [:]
        for (i, n) in nodes.enumerated() {
            for o in n.output { producerOf[o] = i }
            for x in n.input { consumers[x, default: []].append(i) }
        }
        func scalar(_ name: String) -> Double? {
            if case .const(let c)? = values[name], let s = c.scalar { return s }
            if let p = producerOf[name], nodes[p].opType == "Constant", let a = nodes[p].attribute.first(where: { $0.name == "value" }),
               let c = try? tensorConst(a.t, what: "constant"), let s = c.scalar { return s }
            return nil
        }
        func other(_ n: Onnx_NodeProto, _ name: String) -> String? {
            guard n.input.count == 2 else { return nil }
            return n.input[0] == name ? n.input[1] : (n.input[1] == name ? n.input[0] : nil)
        }
        func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-4 * abs(b) } ?? false }
        func single(_ name: String) -> Int? { (consumers[name]?.count == 1 && uses[name] == 1) ? consumers[name]![0] : nil }

        var drop = Set<Int>()
        var replace: [Int: Onnx_NodeProto] = [:]
        for (ei, e) in nodes.enumerated() where e.opType == "Erf" {
            guard let di = producerOf[e.input[0]], single(e.input[0]) == ei else { continue }
            let d = nodes[di]
            let x: String
            if d.opType == "Div", close(scalar(d.input[1]), 2.0.squareRoot()) { x = d.input[0] }
            else if d.opType == "Mul", let o = other(d, d.input[0]), close(scalar(o), 0.5.squareRoot()) { x = d.input[0] }
            else if d.opType == "Mul", close(scalar(d.input[0]), 0.5.squareRoot()) { x = d.input[1] }
            else { continue }
            guard let ai = single(e.output[0]), nodes[ai].opType == "Add", let one = other(nodes[ai], e.output[0]), close(scalar(one), 1) else { continue }
            guard let mi = single(nodes[ai].output[0]), nodes[mi].opType == "Mul", let m1other = other(nodes[mi], nodes[ai].output[0]) else { continue }
            var group = [di, ei, ai, mi]
            let out: String
            if m1other == x, let hi = single(nodes[mi].output[0]), nodes[hi].opType == "Mul",
               let half = other(nodes[hi], nodes[mi].output[0]), close(scalar(half), 0.5) {
                group.append(hi); out = nodes[hi].output[0]
            } else if let hi = producerOf[m1other], nodes[hi].opType == "Mul", single(m1other) == mi,
                      let hx = other(nodes[hi], x), close(scalar(hx), 0.5) {
                group.append(hi); out = nodes[mi].output[0]
            } else { continue }
            var g = Onnx_NodeProto()
            g.opType = "Gelu"
            g.name = "\(nodes[group.max()!].name) (GELU from erf)"
            g.input = [x]
            g.output = [out]
            let last = group.max()!
            for k in group where k != last { drop.insert(k) }
            replace[last] = g
        }
        var out: [Onnx_NodeProto] = []
        for (i, n) in nodes.enumerated() where !drop.contains(i) { out.append(replace[i] ?? n) }
        return out
    }

    // MARK: Nodes

    mutating func lower(_ node: Onnx_NodeProto) throws {
        switch node.opType {
        case "Constant":
            guard let a = attr(node, "value") else { throw fail(node, "only the 'value' form of Constant is supported") }
            set(node, .const(try tensorConst(a.t, what: "node '\(node.name)' (Constant)")))
        case "Identity":
            set(node, try value(node, 0))
        case "Cast":
            set(node, try value(node, 0))
        case "Shape":
            switch try value(node, 0) {
            case .tensor(let t): set(node, .const(Const(shape: [t.logical.count], values: t.logical.map(Double.init))))
            case .const(let c): set(node, .const(Const(shape: [c.shape.count], values: c.shape.map(Double.init))))
            case .marker: throw fail(node, "Shape of a partial L2-norm pattern")
            }
            if attr(node, "start") != nil || attr(node, "end") != nil { throw fail(node, "attributes start/end are not supported") }
        case "Gather": try lowerGather(node)
        case "Unsqueeze", "Squeeze": try lowerSqueeze(node)
        case "Concat": try lowerConcat(node)
        case "Slice": try lowerSlice(node)
        case "Reshape", "Flatten": try lowerReshape(node)
        case "Transpose": try lowerTranspose(node)
        case "Conv": try lowerConv(node)
        case "BatchNormalization": try lowerBatchNorm(node)
        case "Relu": try lowerRelu(node)
        case "Clip": try lowerClip(node)
        case "Gemm": try lowerGemm(node)
        case "MatMul": try lowerMatMul(node)
        case "Add", "Sub", "Mul", "Div": try lowerBinary(node)
        case "Gelu":
            try checkAttributes(node, allowed: ["approximate"])
            if let a = attr(node, "approximate"), String(decoding: a.s, as: UTF8.self) != "none" {
                throw fail(node, "approximate='\(String(decoding: a.s, as: UTF8.self))' is not supported; only the exact erf GELU (approximate='none')")
            }
            let x = try tensor(node, 0)
            let y = b.emit(.gelu, [x.id], output: node.output[0], shape: x.runtimeShape)
            set(node, .tensor(RT(id: y, logical: x.logical, perm: x.perm)))
        case "Erf":
            throw fail(node, "Erf is supported only inside the GELU pattern x·0.5·(1 + erf(x/√2))")
        case "Softmax":
            try checkAttributes(node, allowed: ["axis"])
            var x = try tensor(node, 0)
            let axis = try normalizeAxis(node, intAttr(node, "axis", -1), rank: x.logical.count)
            guard axis == x.logical.count - 1 else { throw fail(node, "softmax over axis \(axis) is not supported; only over the last axis") }
            if !x.lastAxisIsLast { x = identity(x) }
            let y = b.emit(.softmax, [x.id], output: node.output[0], shape: x.runtimeShape)
            set(node, .tensor(RT(id: y, logical: x.logical, perm: x.perm)))
        case "LayerNormalization": try lowerLayerNorm(node)
        case "ReduceMean", "ReduceL2", "ReduceSum": try lowerReduce(node)
        case "Pow":
            let x = try tensor(node, 0)
            guard let e = try const(node, 1, "the exponent").scalar, e == 2, consumerOps[node.output[0]] == ["ReduceSum"] else {
                throw fail(node, "Pow is supported only as x² feeding ReduceSum inside an L2 norm x / √(Σx²)")
            }
            _ = x
            set(node, .marker(.square(of: node.input[0])))
        case "Sqrt":
            guard case .marker(.sumSquares(let x)) = try value(node, 0) else { throw fail(node, "Sqrt is supported only as √(Σx²) inside an L2 normalisation x / ‖x‖") }
            set(node, .marker(.norm(of: x)))
        case "Expand":
            switch try value(node, 0) {
            case .marker(let m): set(node, .marker(m))
            case .const(let c):
                let target = try const(node, 1, "the shape").values.map { Int($0) }
                guard let v = broadcastValues(c.values, from: c.shape, to: target) else { throw fail(node, "cannot expand \(c.shape) to \(target)") }
                set(node, .const(Const(shape: target, values: v)))
            case .tensor(let t):
                let target = try const(node, 1, "the shape").values.map { Int($0) }
                guard broadcastValues([0], from: [1], to: target) != nil, t.logical == target || target.allSatisfy({ $0 == 1 }) else {
                    throw fail(node, "expanding an activation \(t.logical) to \(target) is not supported")
                }
                set(node, .tensor(t))
            }
        default:
            throw unsupported(node)
        }
    }

    mutating func lowerGather(_ node: Onnx_NodeProto) throws {
        let data = try const(node, 0, "Gather data (only shape arithmetic on constants is supported)")
        let idx = try const(node, 1, "Gather indices")
        let axis = try normalizeAxis(node, intAttr(node, "axis", 0), rank: max(data.shape.count, 1))
        let outer = data.shape[..<axis].reduce(1, *), n = data.shape[axis], inner = data.shape[(axis + 1)...].reduce(1, *)
        var v: [Double] = []
        for o in 0..<outer { for i in idx.values { let k = Int(i) < 0 ? Int(i) + n : Int(i); for j in 0..<inner { v.append(data.values[(o * n + k) * inner + j]) } } }
        set(node, .const(Const(shape: Array(data.shape[..<axis]) + idx.shape + Array(data.shape[(axis + 1)...]), values: v)))
    }

    mutating func axesOf(_ node: Onnx_NodeProto, input k: Int) throws -> [Int]? {
        if let a = intsAttr(node, "axes") { return a }
        if let c = try optionalValue(node, k) {
            guard case .const(let cc) = c else { throw fail(node, "axes must be constant") }
            return cc.values.map { Int($0) }
        }
        return nil
    }

    mutating func lowerSqueeze(_ node: Onnx_NodeProto) throws {
        let v = try value(node, 0)
        let shape: [Int]
        switch v {
        case .const(let c): shape = c.shape
        case .tensor(let t): shape = t.logical
        case .marker: throw fail(node, "on a partial L2-norm pattern")
        }
        var out: [Int]
        if node.opType == "Unsqueeze" {
            guard let axes = try axesOf(node, input: 1) else { throw fail(node, "axes are required") }
            let rank = shape.count + axes.count
            let norm = try axes.map { try normalizeAxis(node, $0, rank: rank) }.sorted()
            out = shape
            for a in norm { out.insert(1, at: a) }
        } else {
            let axes = try axesOf(node, input: 1) ?? shape.indices.filter { shape[$0] == 1 }
            let norm = Set(try axes.map { try normalizeAxis(node, $0, rank: shape.count) })
            out = shape.indices.filter { !norm.contains($0) }.map { shape[$0] }
        }
        switch v {
        case .const(let c): set(node, .const(Const(shape: out, values: c.values)))
        case .tensor(let t): try reshapeTensor(node, t, to: out)
        case .marker: break
        }
    }

    mutating func lowerConcat(_ node: Onnx_NodeProto) throws {
        let all = try (0..<node.input.count).map { try value(node, $0) }
        let axisAttr = intAttr(node, "axis", 0)
        if all.allSatisfy({ if case .const = $0 { return true }; return false }) {
            let cs = all.map { v -> Const in if case .const(let c) = v { return c }; fatalError() }
            let rank = cs[0].shape.count
            let axis = try normalizeAxis(node, axisAttr, rank: rank)
            let outer = cs[0].shape[..<axis].reduce(1, *)
            var v: [Double] = []
            for o in 0..<outer { for c in cs { let chunk = c.count / outer; v += c.values[(o * chunk)..<((o + 1) * chunk)] } }
            var shape = cs[0].shape
            shape[axis] = cs.reduce(0) { $0 + $1.shape[axis] }
            set(node, .const(Const(shape: shape, values: v)))
            return
        }
        let ts0 = try (0..<all.count).map { try tensor(node, $0) }
        let rank = ts0[0].logical.count
        let axis = try normalizeAxis(node, axisAttr, rank: rank)
        guard axis >= 1 else { throw fail(node, "concatenating along the batch axis is not supported") }
        guard ts0.allSatisfy({ $0.logical.count == rank }) else { throw fail(node, "inputs of different ranks") }
        // Concatenate in the layout the inputs already share (e.g. conv outputs [T, C] along C).
        let common = ts0.allSatisfy({ $0.perm == ts0[0].perm }) ? ts0[0].perm : Array(0..<(rank - 1))
        var ids: [Int] = []
        for t in ts0 { ids.append(materialize(t, common)) }
        var logical = ts0[0].logical
        logical[axis] = ts0.reduce(0) { $0 + $1.logical[axis] }
        let runtimeAxis = rank == 2 ? 1 : common.firstIndex(of: axis - 1)!
        let out = RT(id: -1, logical: logical, perm: common)
        let y = b.emit(.concat, ids, output: node.output[0], shape: out.runtimeShape, attributes: [Int32(runtimeAxis)])
        set(node, .tensor(RT(id: y, logical: logical, perm: common)))
    }

    mutating func lowerSlice(_ node: Onnx_NodeProto) throws {
        let data = try const(node, 0, "Slice data (Slice on activations is not supported; only on constant shapes)")
        let starts = try const(node, 1, "starts").values.map { Int($0) }
        let ends = try const(node, 2, "ends").values.map { Int($0) }
        let axes = try optionalValue(node, 3).map { _ in try const(node, 3, "axes").values.map { Int($0) } } ?? Array(0..<starts.count)
        let steps = try optionalValue(node, 4).map { _ in try const(node, 4, "steps").values.map { Int($0) } } ?? [Int](repeating: 1, count: starts.count)
        guard data.shape.count == 1, axes.count == 1, axes[0] == 0 || axes[0] == -1 else { throw fail(node, "only 1-D slices of constant shapes are supported") }
        let n = data.count
        func clampIndex(_ i: Int) -> Int { let j = i < 0 ? i + n : i; return min(max(j, 0), n) }
        let s = clampIndex(starts[0]), e = clampIndex(min(ends[0], Int(Int32.max))), st = steps[0]
        guard st == 1 else { throw fail(node, "slice steps other than 1 are not supported") }
        let v = s < e ? Array(data.values[s..<e]) : []
        set(node, .const(Const(shape: [v.count], values: v)))
    }

    mutating func reshapeTensor(_ node: Onnx_NodeProto, _ t0: RT, to out: [Int]) throws {
        guard out.reduce(1, *) == t0.logical.reduce(1, *) else { throw fail(node, "cannot reshape \(t0.logical) into \(out)") }
        guard out.count >= 2, out[0] == 1 else { throw fail(node, "reshape to \(out) drops the batch dimension; the runtime needs a leading batch dimension of 1") }
        guard out.count - 1 <= ModelFormat.maxRank else { throw fail(node, "rank \(out.count) is above the runtime's maximum") }
        let t = identity(t0)
        let newT = RT(id: -1, logical: out, perm: Array(0..<(out.count - 1)))
        let y: Int
        if newT.runtimeShape == t.runtimeShape { y = t.id }
        else { y = b.emit(.reshape, [t.id], output: node.output[0], shape: newT.runtimeShape) }
        set(node, .tensor(RT(id: y, logical: out, perm: newT.perm)))
    }

    mutating func lowerReshape(_ node: Onnx_NodeProto) throws {
        let v = try value(node, 0)
        var inShape: [Int]
        switch v {
        case .const(let c): inShape = c.shape
        case .tensor(let t): inShape = t.logical
        case .marker: throw fail(node, "on a partial L2-norm pattern")
        }
        var out: [Int]
        if node.opType == "Flatten" {
            let axis = try normalizeAxis(node, intAttr(node, "axis", 1), rank: inShape.count + 1)
            out = [inShape[..<axis].reduce(1, *), inShape[axis...].reduce(1, *)]
        } else {
            let target = try const(node, 1, "the target shape").values.map { Int($0) }
            let allowZero = intAttr(node, "allowzero", 0) == 1
            out = target.enumerated().map { i, d in (d == 0 && !allowZero && i < inShape.count) ? inShape[i] : d }
            if let k = out.firstIndex(of: -1) {
                let known = out.enumerated().filter { $0.offset != k }.reduce(1) { $0 * $1.element }
                guard known > 0 else { throw fail(node, "cannot infer -1 in \(target)") }
                out[k] = inShape.reduce(1, *) / known
            }
        }
        switch v {
        case .const(let c): set(node, .const(Const(shape: out, values: c.values)))
        case .tensor(let t): try reshapeTensor(node, t, to: out)
        case .marker: break
        }
    }

    mutating func lowerTranspose(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: ["perm"])
        switch try value(node, 0) {
        case .const(let c):
            let p = intsAttr(node, "perm") ?? Array((0..<c.shape.count).reversed())
            set(node, .const(Const(shape: p.map { c.shape[$0] }, values: transposeValues(c.values, c.shape, p))))
        case .tensor(let t):
            let p = intsAttr(node, "perm") ?? Array((0..<t.logical.count).reversed())
            guard p.count == t.logical.count, p.first == 0 else { throw fail(node, "perm \(p) moves the batch dimension; only transposes that keep axis 0 in place are supported") }
            let perm = t.perm.map { p.firstIndex(of: 1 + $0)! - 1 }
            set(node, .tensor(RT(id: t.id, logical: p.map { t.logical[$0] }, perm: perm)))
        case .marker: throw fail(node, "on a partial L2-norm pattern")
        }
    }

    mutating func lowerConv(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: ["dilations", "group", "kernel_shape", "pads", "strides", "auto_pad"])
        if let a = attr(node, "auto_pad"), String(decoding: a.s, as: UTF8.self) != "NOTSET" {
            throw fail(node, "auto_pad=\(String(decoding: a.s, as: UTF8.self)) is not supported; export explicit padding")
        }
        let x0 = try tensor(node, 0)
        guard x0.logical.count == 3 else { throw fail(node, "input \(x0.logical) is not [1, C, T]; only Conv1d is supported") }
        let w = try const(node, 1, "the weights")
        guard w.shape.count == 3 else { throw fail(node, "weights \(w.shape) are not Conv1d weights [Cout, Cin/groups, K]") }
        let x = RT(id: materialize(x0, [1, 0]), logical: x0.logical, perm: [1, 0])
        let cout = w.shape[0], cinG = w.shape[1], k = w.shape[2]
        let stride = intsAttr(node, "strides") ?? [1], dil = intsAttr(node, "dilations") ?? [1], pads = intsAttr(node, "pads") ?? [0, 0]
        let groups = intAttr(node, "group", 1)
        guard stride.count == 1, dil.count == 1, pads.count == 2 else { throw fail(node, "only 1-D strides/dilations/pads are supported") }
        // ONNX [Cout, Cin/G, K] → MuJo [Cout, K, Cin/G].
        let wv = transposeValues(w.values, w.shape, [0, 2, 1]).map { Float($0) }
        let wid = b.constant(node.input[1], [cout, k, cinG], wv)
        var bid = -1
        if let bv = try optionalValue(node, 2) {
            guard case .const(let bc) = bv, bc.count == cout else { throw fail(node, "bias must be a constant of \(cout) values") }
            bid = b.constant(node.input[2], [cout], bc.values.map { Float($0) })
        }
        let tin = x.logical[2]
        let tout = (tin + pads[0] + pads[1] - dil[0] * (k - 1) - 1) / stride[0] + 1
        guard tout >= 1 else { throw fail(node, "output length \(tout) < 1") }
        let y = b.emit(.conv1d, bid >= 0 ? [x.id, wid, bid] : [x.id, wid], output: node.output[0], shape: [tout, cout],
                       attributes: [Int32(stride[0]), Int32(dil[0]), Int32(pads[0]), Int32(pads[1]), Int32(groups)])
        set(node, .tensor(RT(id: y, logical: [1, cout, tout], perm: [1, 0])))
    }

    /// The op that produced `t` when it may be rewritten in place (sole consumer is this node).
    func fusableProducer(_ node: Onnx_NodeProto, _ k: Int, _ t: RT, codes: [OpCode]) -> Int? {
        guard uses[node.input[k]] == 1, let p = b.producer[t.id], codes.contains(b.ops[p].code), b.ops[p].activation == .none else { return nil }
        return p
    }

    mutating func lowerBatchNorm(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: ["epsilon", "momentum", "training_mode"])
        guard intAttr(node, "training_mode", 0) == 0 else { throw fail(node, "training_mode=1 is not supported; export in eval mode") }
        let x = try tensor(node, 0)
        let gamma = try const(node, 1, "scale").values, beta = try const(node, 2, "B").values
        let mean = try const(node, 3, "mean").values, variance = try const(node, 4, "var").values
        let eps = Double(floatAttr(node, "epsilon", 1e-5))
        let a = (0..<gamma.count).map { gamma[$0] / (variance[$0] + eps).squareRoot() }
        let c = (0..<gamma.count).map { beta[$0] - mean[$0] * a[$0] }
        if let p = fusableProducer(node, 0, x, codes: [.conv1d]) {
            let op = b.ops[p]
            let wid = op.inputs[1]
            let w = b.tensors[wid].shape
            let per = w[1] * w[2]
            var wv = b.floatConstants[wid]!
            for o in 0..<w[0] { for i in 0..<per { wv[o * per + i] = Float(Double(wv[o * per + i]) * a[o]) } }
            b.floatConstants[wid] = wv
            var bias = op.inputs.count > 2 ? b.floatConstants[op.inputs[2]]!.map(Double.init) : [Double](repeating: 0, count: w[0])
            bias = (0..<w[0]).map { bias[$0] * a[$0] + c[$0] }
            if op.inputs.count > 2 { b.floatConstants[op.inputs[2]] = bias.map { Float($0) } }
            else { b.ops[p].inputs.append(b.constant(node.input[0] + ".bias", [w[0]], bias.map { Float($0) })) }
            set(node, .tensor(x))
            return
        }
        guard x.logical.count == 3 else { throw fail(node, "BatchNormalization on \(x.logical) is supported only on [1, C, T] activations") }
        let shape = [1, gamma.count, 1]
        let m = try elementwiseConstant(node, Const(shape: shape, values: a), for: x) { $0 }
        let mid = b.emit(.mul, [x.id, b.constant(node.name + ".scale", m.shape, m.values)], output: node.output[0] + ".scaled", shape: x.runtimeShape)
        let s = try elementwiseConstant(node, Const(shape: shape, values: c), for: x) { $0 }
        let y = b.emit(.add, [mid, b.constant(node.name + ".shift", s.shape, s.values)], output: node.output[0], shape: x.runtimeShape)
        set(node, .tensor(RT(id: y, logical: x.logical, perm: x.perm)))
    }

    mutating func applyActivation(_ node: Onnx_NodeProto, _ act: FusedActivation) throws {
        let x = try tensor(node, 0)
        if let p = fusableProducer(node, 0, x, codes: [.conv1d, .fullyConnected, .add, .mul, .meanPool, .batchMatMul]) {
            b.ops[p].activation = act
            set(node, .tensor(x))
            return
        }
        guard act == .relu else { throw fail(node, "ReLU6 is supported only fused into the Conv/Gemm/Add that produces its input") }
        let y = b.emit(.relu, [x.id], output: node.output[0], shape: x.runtimeShape)
        set(node, .tensor(RT(id: y, logical: x.logical, perm: x.perm)))
    }

    mutating func lowerRelu(_ node: Onnx_NodeProto) throws { try applyActivation(node, .relu) }

    mutating func lowerClip(_ node: Onnx_NodeProto) throws {
        let lo: Double? = try optionalValue(node, 1).map { _ in try const(node, 1, "min").scalar ?? .nan }
        let hi: Double? = try optionalValue(node, 2).map { _ in try const(node, 2, "max").scalar ?? .nan }
        if case .marker(let m) = try value(node, 0) {
            guard hi == nil, let l = lo, l >= 0, l <= 1e-6 else { throw fail(node, "Clip of an L2 norm is supported only as max(‖x‖, eps) with eps ≤ 1e-6") }
            set(node, .marker(m))
            return
        }
        if lo == 0, hi == nil { return try applyActivation(node, .relu) }
        if lo == 0, hi == 6 { return try applyActivation(node, .relu6) }
        throw fail(node, "Clip(\(lo.map { "\($0)" } ?? "-inf"), \(hi.map { "\($0)" } ?? "inf")) is not supported; only Clip(0, inf) = ReLU, Clip(0, 6) = ReLU6 and the eps clip of F.normalize")
    }

    mutating func lowerGemm(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: ["alpha", "beta", "transA", "transB"])
        guard intAttr(node, "transA", 0) == 0 else { throw fail(node, "transA=1 is not supported") }
        let x = try tensor(node, 0)
        guard x.logical.count == 2 else { throw fail(node, "input \(x.logical) is not [1, K]") }
        let w = try const(node, 1, "B (the weights)")
        let alpha = Double(floatAttr(node, "alpha", 1)), beta = Double(floatAttr(node, "beta", 1))
        // MuJo weights are [O, K]: B itself with transB=1, Bᵀ otherwise.
        let wOK = intAttr(node, "transB", 0) == 1 ? w.values : transposeValues(w.values, w.shape, [1, 0])
        let o = intAttr(node, "transB", 0) == 1 ? w.shape[0] : w.shape[1], k = w.values.count / o
        guard k == x.logical[1] else { throw fail(node, "weights \(w.shape) do not take \(x.logical[1]) inputs") }
        let wid = b.constant(node.input[1], [o, k], wOK.map { Float($0 * alpha) })
        var inputs = [x.id, wid]
        if let cv = try optionalValue(node, 2) {
            guard case .const(let c) = cv, let full = broadcastValues(c.values, from: c.shape, to: [1, o]) else { throw fail(node, "C must be a constant broadcasting to [1, \(o)]") }
            inputs.append(b.constant(node.input[2], [o], full.map { Float($0 * beta) }))
        }
        let y = b.emit(.fullyConnected, inputs, output: node.output[0], shape: [1, o])
        set(node, .tensor(RT(id: y, logical: [1, o], perm: [0])))
    }

    mutating func lowerMatMul(_ node: Onnx_NodeProto) throws {
        let av = try value(node, 0), bv = try value(node, 1)
        if case .tensor(let a0) = av, case .const(let w) = bv {
            guard w.shape.count == 2 else { throw fail(node, "constant right operand \(w.shape) must be 2-D [K, O]") }
            guard a0.logical.count == 2 || a0.logical.count == 3 else { throw fail(node, "activation \(a0.logical) must be [1, K] or [1, T, K] for a MatMul by weights") }
            let a = identity(a0)
            let k = w.shape[0], o = w.shape[1]
            guard a.logical.last == k else { throw fail(node, "cannot multiply \(a.logical) by \(w.shape)") }
            let wid = b.constant(node.input[1], [o, k], transposeValues(w.values, w.shape, [1, 0]).map { Float($0) })
            var logical = a.logical
            logical[logical.count - 1] = o
            let outT = RT(id: -1, logical: logical, perm: a.perm)
            let y = b.emit(.fullyConnected, [a.id, wid], output: node.output[0], shape: outT.runtimeShape)
            set(node, .tensor(RT(id: y, logical: logical, perm: a.perm)))
            return
        }
        guard case .tensor(let a0) = av, case .tensor(let b0) = bv else { throw fail(node, "MatMul with a constant left operand is not supported") }
        if a0.logical.count == 3, b0.logical.count == 3 { return try lowerMatMul3(node, a0, b0) }
        guard a0.logical.count == 4, b0.logical.count == 4 else { throw fail(node, "MatMul of activations needs [1, H, M, K] × [1, H, K, N] or [1, M, K] × [1, K, N] operands, got \(a0.logical) × \(b0.logical)") }
        let a = identity(a0)
        guard a.logical[1] == b0.logical[1], a.logical[3] == b0.logical[2] else { throw fail(node, "cannot multiply \(a.logical) by \(b0.logical)") }
        let transposeB: Bool
        let bid: Int
        if b0.perm == [0, 2, 1] { transposeB = true; bid = b0.id }
        else if b0.isIdentity { transposeB = false; bid = b0.id }
        else { transposeB = true; bid = materialize(b0, [0, 2, 1]) }
        let logical = [1, a.logical[1], a.logical[2], b0.logical[3]]
        let y = b.emit(.batchMatMul, [a.id, bid], output: node.output[0], shape: Array(logical.dropFirst()), attributes: [transposeB ? 1 : 0])
        set(node, .tensor(RT(id: y, logical: logical, perm: [0, 1, 2])))
    }

    /// Single-head attention: [1, M, K] × [1, K, N]. The runtime's batchMatMul is rank 3, so both
    /// operands get a leading 1 (a reshape, i.e. a copy) and the result drops it again.
    mutating func lowerMatMul3(_ node: Onnx_NodeProto, _ a0: RT, _ b0: RT) throws {
        let a = identity(a0)
        guard a.logical[2] == b0.logical[1] else { throw fail(node, "cannot multiply \(a.logical) by \(b0.logical)") }
        let m = a.logical[1], k = a.logical[2], n = b0.logical[2]
        let transposeB = b0.perm == [1, 0]
        let bid = transposeB ? b0.id : materialize(b0, [0, 1])
        let a3 = b.emit(.reshape, [a.id], output: node.input[0] + ".3d", shape: [1, m, k])
        let b3 = b.emit(.reshape, [bid], output: node.input[1] + ".3d", shape: transposeB ? [1, n, k] : [1, k, n])
        let y3 = b.emit(.batchMatMul, [a3, b3], output: node.output[0] + ".3d", shape: [1, m, n], attributes: [transposeB ? 1 : 0])
        let y = b.emit(.reshape, [y3], output: node.output[0], shape: [m, n])
        set(node, .tensor(RT(id: y, logical: [1, m, n], perm: [0, 1])))
    }

    mutating func lowerBinary(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: [])
        var av = try value(node, 0), bv = try value(node, 1)
        let op = node.opType
        // L2 normalisation: x / ‖x‖.
        if op == "Div", case .marker(.norm(let of)) = bv {
            guard of == node.input[0] else { throw fail(node, "divides by the norm of another tensor; only x / ‖x‖ is supported") }
            var x = try tensor(node, 0)
            if !x.lastAxisIsLast { x = identity(x) }
            let y = b.emit(.l2Normalize, [x.id], output: node.output[0], shape: x.runtimeShape)
            set(node, .tensor(RT(id: y, logical: x.logical, perm: x.perm)))
            return
        }
        if case .const(let ca) = av, case .const(let cb) = bv {
            let shape = ca.count >= cb.count ? ca.shape : cb.shape
            guard let xa = broadcastValues(ca.values, from: ca.shape, to: shape), let xb = broadcastValues(cb.values, from: cb.shape, to: shape) else {
                throw fail(node, "constant shapes \(ca.shape) and \(cb.shape) do not broadcast")
            }
            let v: [Double] = zip(xa, xb).map { p in
                switch op { case "Add": return p.0 + p.1; case "Sub": return p.0 - p.1; case "Mul": return p.0 * p.1; default: return p.0 / p.1 }
            }
            set(node, .const(Const(shape: shape, values: v)))
            return
        }
        // x·x whose only reader is a ReduceSum: the Σx² of a hand-written L2 norm.
        if op == "Mul", node.input[0] == node.input[1], case .tensor = av, consumerOps[node.output[0]] == ["ReduceSum"] {
            set(node, .marker(.square(of: node.input[0])))
            return
        }
        // Constant first: commutative ops swap; Sub/Div with a constant left operand are not supported.
        var k = 0
        if case .const = av {
            guard op == "Add" || op == "Mul" else { throw fail(node, "\(op) with a constant left operand is not supported") }
            swap(&av, &bv); k = 1
        }
        guard case .tensor(let a) = av else { throw fail(node, "input is a partial L2-norm pattern used outside x / ‖x‖") }
        switch bv {
        case .const(let c):
            let f: (Double) -> Double = op == "Sub" ? { -$0 } : (op == "Div" ? { 1 / $0 } : { $0 })
            let cv = try elementwiseConstant(node, c, for: a, f)
            let code: OpCode = (op == "Add" || op == "Sub") ? .add : .mul
            // Bias of a MatMul (per output channel) folds into the fully connected op.
            if code == .add, cv.shape.count == 1, let p = fusableProducer(node, k, a, codes: [.fullyConnected, .conv1d]),
               b.ops[p].inputs.count == 2 || b.ops[p].inputs[2] < 0 {
                let o = b.tensors[b.ops[p].outputs[0]].shape.last!
                let bias = cv.shape == [1] ? [Float](repeating: cv.values[0], count: o) : cv.values
                if bias.count == o {
                    let id = b.constant(node.input[1 - k], [o], bias)
                    if b.ops[p].inputs.count == 2 { b.ops[p].inputs.append(id) } else { b.ops[p].inputs[2] = id }
                    set(node, .tensor(a))
                    return
                }
            }
            let cid = b.constant(node.input[1 - k] + (op == "Div" || op == "Sub" ? ".inv" : ""), cv.shape, cv.values)
            let y = b.emit(code, [a.id, cid], output: node.output[0], shape: a.runtimeShape)
            set(node, .tensor(RT(id: y, logical: a.logical, perm: a.perm)))
        case .tensor(let t):
            guard op == "Add" || op == "Mul" else { throw fail(node, "\(op) of two activations is not supported (only Add and Mul)") }
            guard t.logical == a.logical else { throw fail(node, "broadcasting between activations \(a.logical) and \(t.logical) is not supported") }
            let bid = materialize(t, a.perm)
            let y = b.emit(op == "Add" ? .add : .mul, [a.id, bid], output: node.output[0], shape: a.runtimeShape)
            set(node, .tensor(RT(id: y, logical: a.logical, perm: a.perm)))
        case .marker:
            throw fail(node, "a partial L2-norm pattern used outside x / ‖x‖")
        }
    }

    mutating func lowerLayerNorm(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: ["axis", "epsilon", "stash_type"])
        var x = try tensor(node, 0)
        let axis = try normalizeAxis(node, intAttr(node, "axis", -1), rank: x.logical.count)
        guard axis == x.logical.count - 1 else { throw fail(node, "normalising over axes \(axis)… is not supported; only the last axis") }
        guard node.output.count == 1 || node.output[1...].allSatisfy({ $0.isEmpty || uses[$0] == nil }) else { throw fail(node, "the Mean/InvStdDev outputs are not supported") }
        if !x.lastAxisIsLast { x = identity(x) }
        let c = x.logical[axis]
        let gamma = try const(node, 1, "Scale").values
        let beta = try optionalValue(node, 2) == nil ? [Double](repeating: 0, count: c) : try const(node, 2, "B").values
        guard gamma.count == c, beta.count == c else { throw fail(node, "γ/β must have \(c) values") }
        let eps = floatAttr(node, "epsilon", 1e-5)
        let g = b.constant(node.input[1], [c], gamma.map { Float($0) })
        let bb = b.constant(node.input.count > 2 && !node.input[2].isEmpty ? node.input[2] : node.name + ".beta", [c], beta.map { Float($0) })
        let y = b.emit(.layerNorm, [x.id, g, bb], output: node.output[0], shape: x.runtimeShape, attributes: [Int32(bitPattern: eps.bitPattern)])
        set(node, .tensor(RT(id: y, logical: x.logical, perm: x.perm)))
    }

    mutating func lowerReduce(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: ["axes", "keepdims", "noop_with_empty_axes"])
        let keep = intAttr(node, "keepdims", 1) == 1
        let v = try value(node, 0)
        let rank: Int
        switch v {
        case .tensor(let t): rank = t.logical.count
        case .marker(.square(let of)):
            guard case .tensor(let t)? = values[of] else { throw fail(node, "unexpected input") }
            rank = t.logical.count
        default: throw fail(node, "\(node.opType) is supported on activations (mean over one axis), ReduceL2/Σx² over the last axis for L2 normalisation")
        }
        guard let axes0 = try axesOf(node, input: 1), axes0.count == 1 else { throw fail(node, "reducing over several (or all) axes is not supported; give exactly one axis") }
        let axis = try normalizeAxis(node, axes0[0], rank: rank)
        if node.opType == "ReduceL2" || node.opType == "ReduceSum" {
            guard axis == rank - 1, keep else { throw fail(node, "\(node.opType) is supported only over the last axis with keepdims=1, as part of x / ‖x‖") }
            if node.opType == "ReduceL2", case .tensor = v { set(node, .marker(.norm(of: node.input[0]))); return }
            if node.opType == "ReduceSum", case .marker(.square(let of)) = v { set(node, .marker(.sumSquares(of: of))); return }
            throw fail(node, "\(node.opType) is supported only as ReduceL2(x) or ReduceSum(x²) inside x / ‖x‖")
        }
        guard case .tensor(let x0) = v else { throw fail(node, "ReduceMean of x² is not supported") }
        guard x0.logical.count == 3, axis >= 1 else { throw fail(node, "ReduceMean is supported over the time axis of a [1, T, C] or [1, C, T] activation, not \(x0.logical) axis \(axis)") }
        let other = axis == 1 ? 2 : 1
        let xid = materialize(x0, [axis - 1, other - 1])
        let c = x0.logical[other]
        var logical = x0.logical
        if keep { logical[axis] = 1 } else { logical.remove(at: axis) }
        let y = b.emit(.meanPool, [xid], output: node.output[0], shape: [1, c])
        let perm: [Int] = keep ? [axis - 1, other - 1] : [0]
        set(node, .tensor(RT(id: y, logical: logical, perm: perm)))
    }
}
