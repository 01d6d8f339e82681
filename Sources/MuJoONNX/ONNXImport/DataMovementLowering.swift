// HOST ONLY. Lowering of the ops that move data without arithmetic: (Un)Squeeze, Reshape, Flatten,
// Transpose (a perm change only), Concat and Expand — on constants they fold, on activations they emit.
import MuJoCore

extension GraphLowering {
    /// (Un)Squeeze, Reshape and Flatten: a constant keeps its values under the new shape, an
    /// activation is reshaped.
    mutating func lowerReshape(_ node: Onnx_NodeProto) throws {
        let value = try operand(node, 0)
        let inShape: [Int]
        switch value {
        case .const(let c): inShape = c.shape
        case .tensor(let t): inShape = t.logical
        case .l2NormPiece: throw fail(node, "on a partial L2-norm pattern")
        }
        let isSqueeze = node.opType == "Unsqueeze" || node.opType == "Squeeze"
        let out = isSqueeze ? try squeezedShape(node, inShape) : try reshapedShape(node, inShape)
        switch value {
        case .const(let c): try setOutput(node, .const(ConstantTensor(shape: out, values: c.values)))
        case .tensor(let t): try reshapeTensor(node, t, to: out)
        case .l2NormPiece: break
        }
    }

    /// An activation reshaped to the logical shape `out`: a reshape op unless the runtime shape is unchanged.
    mutating func reshapeTensor(_ node: Onnx_NodeProto, _ tensor: TrackedTensor, to out: [Int]) throws {
        guard try checkShape(node, out, activation: true) == (try checkShape(node, tensor.logical, activation: true)) else {
            throw fail(node, "cannot reshape \(tensor.logical) into \(out)")
        }
        guard out.count >= 2, out[0] == 1 else { throw fail(node, "reshape to \(out) drops the batch dimension; the runtime needs a leading batch dimension of 1") }
        guard out.count - 1 <= ModelFormat.maxRank else { throw fail(node, "rank \(out.count) is above the runtime's maximum") }
        let t = inLogicalOrder(tensor)
        let reshaped = TrackedTensor(id: -1, logical: out, perm: Array(0..<(out.count - 1)))
        let y: Int
        if reshaped.runtimeShape == t.runtimeShape { y = t.id }
        else { y = builder.emit(.reshape, [t.id], output: node.output[0], shape: reshaped.runtimeShape) }
        try setOutput(node, .tensor(TrackedTensor(id: y, logical: out, perm: reshaped.perm)))
    }

    mutating func lowerConcat(_ node: Onnx_NodeProto) throws {
        let all = try (0..<node.input.count).map { try operand(node, $0) }
        if try foldConstantConcat(node, all) { return }
        let inputs = try (0..<all.count).map { try activationOperand(node, $0) }
        guard !inputs.isEmpty else { throw fail(node, "has no inputs") }
        let rank = inputs[0].logical.count
        let axis = try normalizeAxis(node, intAttribute(node, "axis", 0), rank: rank)
        guard axis >= 1 else { throw fail(node, "concatenating along the batch axis is not supported") }
        guard inputs.allSatisfy({ $0.logical.count == rank }) else { throw fail(node, "inputs of different ranks") }
        guard inputs.allSatisfy({ t in t.logical.indices.allSatisfy { $0 == axis || t.logical[$0] == inputs[0].logical[$0] } }) else {
            throw fail(node, "cannot concatenate \(inputs.map(\.logical)) along axis \(axis)")
        }
        // Concatenate in the layout the inputs already share (e.g. conv outputs [T, C] along C).
        let common = inputs.allSatisfy({ $0.perm == inputs[0].perm }) ? inputs[0].perm : Array(0..<(rank - 1))
        var ids: [Int] = []
        for t in inputs { ids.append(materialize(t, layout: common)) }
        var logical = inputs[0].logical
        logical[axis] = inputs.reduce(0) { $0 + $1.logical[axis] }
        let runtimeAxis = rank == 2 ? 1 : common.firstIndex(of: axis - 1)!
        let out = TrackedTensor(id: -1, logical: logical, perm: common)
        let y = builder.emit(.concat, ids, output: node.output[0], shape: out.runtimeShape, attributes: [Int32(runtimeAxis)])
        try setOutput(node, .tensor(TrackedTensor(id: y, logical: logical, perm: common)))
    }

    mutating func lowerTranspose(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: ["perm"])
        switch try operand(node, 0) {
        case .const(let c):
            let p = intsAttribute(node, "perm") ?? Array((0..<c.shape.count).reversed())
            guard ImportBounds.isPermutation(p, rank: c.shape.count) else { throw fail(node, "perm \(p) is not a permutation of the \(c.shape.count) axes") }
            try setOutput(node, .const(ConstantTensor(shape: p.map { c.shape[$0] }, values: transposeValues(c.values, c.shape, p))))
        case .tensor(let t):
            let p = intsAttribute(node, "perm") ?? Array((0..<t.logical.count).reversed())
            guard ImportBounds.isPermutation(p, rank: t.logical.count), p.first == 0 else { throw fail(node, "perm \(p) moves the batch dimension; only transposes that keep axis 0 in place are supported") }
            let perm = t.perm.map { p.firstIndex(of: 1 + $0)! - 1 }
            try setOutput(node, .tensor(TrackedTensor(id: t.id, logical: p.map { t.logical[$0] }, perm: perm)))
        case .l2NormPiece: throw fail(node, "on a partial L2-norm pattern")
        }
    }

    /// Expand of a constant (folded) or of an activation that already has the target shape.
    /// (Expand of an L2 norm is lowered by `lowerL2NormPiece`.)
    mutating func lowerExpand(_ node: Onnx_NodeProto) throws {
        switch try operand(node, 0) {
        case .const(let c):
            let target = try integers(node, try constantOperand(node, 1, "the shape"), "the shape")
            _ = try checkShape(node, target, activation: false)
            guard let v = broadcastValues(c.values, from: c.shape, to: target) else { throw fail(node, "cannot expand \(c.shape) to \(target)") }
            try setOutput(node, .const(ConstantTensor(shape: target, values: v)))
        case .tensor(let t):
            let target = try integers(node, try constantOperand(node, 1, "the shape"), "the shape")
            _ = try checkShape(node, target, activation: false)
            guard broadcastValues([0], from: [1], to: target) != nil, t.logical == target || target.allSatisfy({ $0 == 1 }) else {
                throw fail(node, "expanding an activation \(t.logical) to \(target) is not supported")
            }
            try setOutput(node, .tensor(t))
        case .l2NormPiece:
            throw fail(node, "on a partial L2-norm pattern")
        }
    }
}
