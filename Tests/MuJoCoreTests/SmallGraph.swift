// Builds the small end-to-end graph of Tests/MuJoCoreTests/Vectors/small_graph.json as a MuJo model,
// in int8 (the numpy-quantized parameters) and in float32 (the float originals).
import Foundation
@testable import MuJoCore

/// Appends tensors and ops to a ModelDescription under construction.
struct GraphBuilder {
    var tensors: [TensorDescription] = []
    var ops: [OpDescription] = []

    mutating func add(_ t: TensorDescription) -> Int {
        tensors.append(t)
        return tensors.count - 1
    }

    mutating func activation(_ name: String, _ type: DataType, _ shape: [Int], scale: Double? = nil, zp: Int64? = nil) -> Int {
        let q = scale.map { TensorQuantization(scale: Float($0), zeroPoint: Int32(zp!)) }
        return add(TensorDescription(name: name, dataType: type, shape: shape, quantization: q))
    }

    mutating func constant(_ name: String, _ v: VectorTensor, quantization: TensorQuantization? = nil) -> Int {
        let type: DataType = v.dtype == "int8" ? .int8 : v.dtype == "int32" ? .int32 : .float32
        return add(TensorDescription(name: name, dataType: type, shape: v.shape, quantization: quantization, data: v.bytes))
    }

    mutating func constantInt32(_ name: String, _ values: [Int32], shape: [Int]) -> Int {
        let v = VectorTensor(dtype: "int32", shape: shape, numbers: values.map { NSNumber(value: $0) })
        return constant(name, v)
    }
}

struct SmallGraph {
    let json: JSONValue

    init() throws { json = try JSONValue.load(vectorsDirectory.appendingPathComponent("small_graph.json")) }

    var input: VectorTensor { VectorTensor(json["input"]!) }
    var expectedInt8: VectorTensor { VectorTensor(json["expected_int8"]!) }
    var expectedFloat: VectorTensor { VectorTensor(json["expected_float"]!) }
    var layers: [JSONValue] { json["layers"]!.array }

    static let spec = InputSpec(sampleRateHz: 20, window: 32, hop: 16, channels: [.accelX, .accelY, .accelZ])
    static let labels = LabelTable(textEncoder: "test vectors", dimension: 6, labels: [
        Label(name: "first axis", prompts: ["a unit vector along axis one"], embedding: [1, 0, 0, 0, 0, 0]),
        Label(name: "second axis", prompts: ["a unit vector along axis two", "axis two"], embedding: [0, 1, 0, 0, 0, 0], threshold: 0.1),
    ])

    func model(int8: Bool) -> ModelDescription {
        var b = GraphBuilder()
        let inShape = input.shape
        var x = b.activation("window", .float32, inShape)
        let inputId = x
        for (i, layer) in layers.enumerated() {
            let kernel = layer["kernel"]!.string!
            let p = (layer["params"]?.object ?? [:]).compactMapValues { $0.number }
            let t = (layer["tensors"]?.object ?? [:]).mapValues { VectorTensor($0) }
            let oq = layer["output_quant"]!
            let outShape = VectorTensor(layer["expected_int8"]!).shape
            let name = "layer\(i)_\(kernel)"
            let y = int8
                ? b.activation(name, .int8, outShape, scale: oq["scale"]!.number!.doubleValue, zp: oq["zp"]!.number!.int64Value)
                : b.activation(name, .float32, outShape)
            func rq(_ m: String = "multiplier", _ s: String = "shift") -> Int {
                let mm = t[m]!.int32, ss = t[s]!.int32
                return b.constantInt32("\(name).requant", (0..<mm.count).flatMap { [mm[$0], ss[$0]] }, shape: [mm.count, 2])
            }
            func perChannel(_ key: String) -> TensorQuantization {
                TensorQuantization(scales: t["w_scale"]!.float, zeroPoints: [Int32](repeating: 0, count: t["w_scale"]!.count), axis: 0)
            }
            switch kernel {
            case "quantizeF32ToS8":
                if int8 { b.ops.append(OpDescription(code: .quantize, inputs: [x], outputs: [y])) } else { continue }
            case "conv1dS8":
                let attrs = ["stride", "dilation", "pad_left", "pad_right", "groups"].map { Int32(p[$0]!.int64Value) }
                let act: FusedActivation = i == 1 ? .relu : .none
                if int8 {
                    let w = b.constant("\(name).w", t["w"]!, quantization: perChannel("w"))
                    let bias = b.constant("\(name).bias", t["bias"]!)
                    b.ops.append(OpDescription(code: .conv1d, inputs: [x, w, bias, rq()], outputs: [y], attributes: attrs, activation: act))
                } else {
                    let w = b.constant("\(name).w", t["w_float"]!), bias = b.constant("\(name).bias", t["bias_float"]!)
                    b.ops.append(OpDescription(code: .conv1d, inputs: [x, w, bias], outputs: [y], attributes: attrs, activation: act))
                }
            case "layerNormS8":
                if int8 {
                    let g = t["gamma"]!.float.map { max(abs($0), 1e-12) / 127 }
                    let gq = b.constant("\(name).gamma", t["gamma_q"]!, quantization: TensorQuantization(scales: g, zeroPoints: g.map { _ in 0 }, axis: 0))
                    let bq = b.constant("\(name).beta", t["beta_q"]!)
                    b.ops.append(OpDescription(code: .layerNorm, inputs: [x, gq, bq, rq()], outputs: [y], attributes: [Int32(p["eps_q"]!.int64Value)]))
                } else {
                    let g = b.constant("\(name).gamma", t["gamma"]!), be = b.constant("\(name).beta", t["beta"]!)
                    let eps = Float(p["eps"]!.doubleValue)
                    b.ops.append(OpDescription(code: .layerNorm, inputs: [x, g, be], outputs: [y], attributes: [Int32(bitPattern: eps.bitPattern)]))
                }
            case "geluS8":
                if int8 {
                    let table = b.constant("\(name).table", t["table"]!)
                    b.ops.append(OpDescription(code: .gelu, inputs: [x, table], outputs: [y]))
                } else { b.ops.append(OpDescription(code: .gelu, inputs: [x], outputs: [y])) }
            case "meanPoolS8":
                if int8 {
                    let r = b.constantInt32("\(name).requant", [Int32(p["mult"]!.int64Value), Int32(p["shift"]!.int64Value)], shape: [1, 2])
                    b.ops.append(OpDescription(code: .meanPool, inputs: [x, r], outputs: [y]))
                } else { b.ops.append(OpDescription(code: .meanPool, inputs: [x], outputs: [y])) }
            case "fullyConnectedS8":
                if int8 {
                    let w = b.constant("\(name).w", t["w"]!, quantization: perChannel("w")), bias = b.constant("\(name).bias", t["bias"]!)
                    b.ops.append(OpDescription(code: .fullyConnected, inputs: [x, w, bias, rq()], outputs: [y]))
                } else {
                    let w = b.constant("\(name).w", t["w_float"]!), bias = b.constant("\(name).bias", t["bias_float"]!)
                    b.ops.append(OpDescription(code: .fullyConnected, inputs: [x, w, bias], outputs: [y]))
                }
            case "l2NormalizeS8":
                b.ops.append(OpDescription(code: .l2Normalize, inputs: [x], outputs: [y]))
            default:
                fatalError("small_graph.json has an unknown layer kernel \(kernel)")
            }
            x = y
        }
        return ModelDescription(tensors: b.tensors, ops: b.ops, inputs: [inputId], outputs: [x], inputSpec: SmallGraph.spec,
                                labels: SmallGraph.labels,
                                provenance: [ProvenanceEntry("exporter", "MuJoCoreTests.SmallGraph"),
                                             ProvenanceEntry("source", "Tests/MuJoCoreTests/Vectors/small_graph.json")])
    }
}
