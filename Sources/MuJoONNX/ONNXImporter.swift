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
//
// This file: the entry point and the file/opset checks. The lowering is in ONNXImport/:
// GraphLowering (the walk), TrackedTensor (layouts), one file per pattern and per op family.
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
        var lowering = GraphLowering(file: file, graph: proto.graph)
        try lowering.run()
        let tensors = lowering.builder.finish()
        var model = ModelDescription(tensors: tensors, ops: lowering.builder.ops, inputs: [lowering.inputId], outputs: [lowering.outputId],
                                     inputSpec: inputSpec, labels: labels,
                                     provenance: [ProvenanceEntry("source", (file as NSString).lastPathComponent),
                                                  ProvenanceEntry("source.producer", "\(proto.producerName) \(proto.producerVersion)"),
                                                  ProvenanceEntry("source.opset", "\(opset)")])
        model.inputSpec.window = lowering.window
        if let name = firstNonFiniteConstant(model) {   // Int8Builder.swift; found by the onnx fuzz target
            throw ImportError("\(file): tensor '\(name)' holds a NaN or infinite value; export the encoder from a checkpoint whose weights are finite")
        }
        model.inputSpec.hop = max(1, min(model.inputSpec.hop, lowering.window))
        do { try GraphValidator.validate(model) } catch {
            throw ImportError("\(file): the lowered float graph is invalid: \(error)")
        }
        return ImportedGraph(model: model, inputChannels: lowering.channels, inputWindow: lowering.window,
                             inputName: lowering.inputName, outputName: lowering.outputName, opsetVersion: opset,
                             producer: "\(proto.producerName) \(proto.producerVersion)")
    }
}
