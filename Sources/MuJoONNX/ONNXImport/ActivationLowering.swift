// HOST ONLY. Lowering of activations: ReLU/ReLU6 (fused into the producing op when it can be),
// Clip as ReLU/ReLU6, exact GELU and Softmax over the last axis.
import MuJoCore

extension GraphLowering {
    /// ReLU or ReLU6 of input 0: fused into the op that produces it when it is the sole reader.
    mutating func applyActivation(_ node: Onnx_NodeProto, _ activation: FusedActivation) throws {
        let x = try activationOperand(node, 0)
        if let p = fusableProducer(node, input: 0, x, codes: [.conv1d, .fullyConnected, .add, .mul, .meanPool, .batchMatMul]) {
            builder.ops[p].activation = activation
            try setOutput(node, .tensor(x))
            return
        }
        guard activation == .relu else { throw fail(node, "ReLU6 is supported only fused into the Conv/Gemm/Add that produces its input") }
        let y = builder.emit(.relu, [x.id], output: node.output[0], shape: x.runtimeShape)
        try setOutput(node, .tensor(TrackedTensor(id: y, logical: x.logical, perm: x.perm)))
    }

    /// The min and max of a Clip (nil when absent; NaN when not a scalar).
    func clipBounds(_ node: Onnx_NodeProto) throws -> (min: Double?, max: Double?) {
        let lo: Double? = try optionalOperand(node, 1).map { _ in try constantOperand(node, 1, "min").scalar ?? .nan }
        let hi: Double? = try optionalOperand(node, 2).map { _ in try constantOperand(node, 2, "max").scalar ?? .nan }
        return (lo, hi)
    }

    /// Clip(0, inf) = ReLU and Clip(0, 6) = ReLU6. (The eps clip of F.normalize is lowered by `lowerL2NormPiece`.)
    mutating func lowerClip(_ node: Onnx_NodeProto) throws {
        let (lo, hi) = try clipBounds(node)
        if lo == 0, hi == nil { return try applyActivation(node, .relu) }
        if lo == 0, hi == 6 { return try applyActivation(node, .relu6) }
        throw fail(node, "Clip(\(lo.map { "\($0)" } ?? "-inf"), \(hi.map { "\($0)" } ?? "inf")) is not supported; only Clip(0, inf) = ReLU, Clip(0, 6) = ReLU6 and the eps clip of F.normalize")
    }

    mutating func lowerGelu(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: ["approximate"])
        if let a = attribute(node, "approximate"), String(decoding: a.s, as: UTF8.self) != "none" {
            throw fail(node, "approximate='\(String(decoding: a.s, as: UTF8.self))' is not supported; only the exact erf GELU (approximate='none')")
        }
        let x = try activationOperand(node, 0)
        let y = builder.emit(.gelu, [x.id], output: node.output[0], shape: x.runtimeShape)
        try setOutput(node, .tensor(TrackedTensor(id: y, logical: x.logical, perm: x.perm)))
    }

    mutating func lowerSoftmax(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: ["axis"])
        var x = try activationOperand(node, 0)
        let axis = try normalizeAxis(node, intAttribute(node, "axis", -1), rank: x.logical.count)
        guard axis == x.logical.count - 1 else { throw fail(node, "softmax over axis \(axis) is not supported; only over the last axis") }
        if !x.lastAxisIsLast { x = inLogicalOrder(x) }
        let y = builder.emit(.softmax, [x.id], output: node.output[0], shape: x.runtimeShape)
        try setOutput(node, .tensor(TrackedTensor(id: y, logical: x.logical, perm: x.perm)))
    }
}
