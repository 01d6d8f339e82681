// HOST ONLY. The walk over the ONNX nodes: the lowering's state, the input and output checks, and
// the table that sends each op to its lowering (one file per pattern or op family beside this one).
import MuJoCore

struct GraphLowering {
    let file: String
    let graph: Onnx_GraphProto
    let builder = GraphBuilder()
    var values: [String: LoweredValue] = [:]
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

    mutating func run() throws {
        for t in graph.initializer { values[t.name] = .const(try constantTensor(t, what: "initializer '\(t.name)'")) }
        let realInputs = graph.input.filter { values[$0.name] == nil }
        guard realInputs.count == 1 else { throw ImportError("\(file): the model has \(realInputs.count) inputs; mujo quantize takes one IMU window input") }
        let inp = realInputs[0]
        inputName = inp.name
        let dims = inp.type.tensorType.shape.dim.map { $0.dimValue }
        guard inp.type.tensorType.elemType == 1 else { throw ImportError("\(file): input '\(inp.name)' is not float32") }
        guard dims.count == 3, dims[0] == 1, dims[1] > 0, dims[2] > 0 else {
            throw ImportError("\(file): input '\(inp.name)' has shape \(dims) (rank \(dims.count)); expected [1, C, T] (Conv1d layout, batch 1, static sizes): re-export with a fixed-size dummy input of shape (1, C, T)")
        }
        guard dims[1] <= Int64(ModelFormat.maxInputChannels), dims[2] <= 1 << 16 else {
            throw ImportError("\(file): input '\(inp.name)' has shape \(dims); a model file takes at most \(ModelFormat.maxInputChannels) channels and 65536 samples")
        }
        channels = Int(dims[1]); window = Int(dims[2])
        inputId = builder.activation(inp.name, [window, channels])
        values[inp.name] = .tensor(TrackedTensor(id: inputId, logical: [1, channels, window], perm: [1, 0]))

        var nodes = graph.node
        for n in nodes where n.output.isEmpty || n.output[0].isEmpty { throw fail(n, "has no output") }
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
        outputId = materialize(out, layout: Array(0..<out.perm.count))
        builder.tensors[outputId].name = outputName
    }

    /// Sends `node` to the lowering of its op. Pieces of x / ‖x‖ go to `lowerL2NormPiece` first.
    mutating func lower(_ node: Onnx_NodeProto) throws {
        switch node.opType {
        case "Constant": try lowerConstant(node)
        case "Identity", "Cast": try setOutput(node, try operand(node, 0))
        case "Shape": try lowerShape(node)
        case "Gather": try lowerGather(node)
        case "Concat": try lowerConcat(node)
        case "Slice": try lowerSlice(node)
        case "Unsqueeze", "Squeeze", "Reshape", "Flatten": try lowerReshape(node)
        case "Transpose": try lowerTranspose(node)
        case "Expand": if try !lowerL2NormPiece(node) { try lowerExpand(node) }
        case "Conv": try lowerConv(node)
        case "BatchNormalization": try lowerBatchNorm(node)
        case "Relu": try applyActivation(node, .relu)
        case "Clip": if try !lowerL2NormPiece(node) { try lowerClip(node) }
        case "Gelu": try lowerGelu(node)
        case "Erf": throw fail(node, "Erf is supported only inside the GELU pattern x·0.5·(1 + erf(x/√2))")
        case "Softmax": try lowerSoftmax(node)
        case "Gemm": try lowerGemm(node)
        case "MatMul": try lowerMatMul(node)
        case "Add", "Sub": try lowerBinary(node)
        case "Mul", "Div": if try !lowerL2NormPiece(node) { try lowerBinary(node) }
        case "LayerNormalization": try lowerLayerNorm(node)
        case "ReduceMean": try lowerReduceMean(node)
        // Supported only as pieces of x / ‖x‖: lowerL2NormPiece lowers them or throws.
        case "Pow", "Sqrt", "ReduceL2", "ReduceSum": _ = try lowerL2NormPiece(node)
        default: throw unsupported(node)
        }
    }

    /// The op that produced `tensor` when it may be rewritten in place (its sole consumer is input
    /// `index` of `node`, and it has no fused activation yet).
    func fusableProducer(_ node: Onnx_NodeProto, input index: Int, _ tensor: TrackedTensor, codes: [OpCode]) -> Int? {
        guard uses[node.input[index]] == 1, let p = builder.producer[tensor.id], codes.contains(builder.ops[p].code),
              builder.ops[p].activation == .none else { return nil }
        return p
    }
}
