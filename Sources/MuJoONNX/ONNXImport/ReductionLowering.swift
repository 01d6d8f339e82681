// HOST ONLY. Lowering of LayerNormalization (over the last axis) and ReduceMean (a mean pool over
// time); the one-axis reduction checks are shared with ReduceL2/ReduceSum of L2 normalisation.
import MuJoCore

extension GraphLowering {
    mutating func lowerLayerNorm(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: ["axis", "epsilon", "stash_type"])
        var x = try activationOperand(node, 0)
        let axis = try normalizeAxis(node, intAttribute(node, "axis", -1), rank: x.logical.count)
        guard axis == x.logical.count - 1 else { throw fail(node, "normalising over axes \(axis)… is not supported; only the last axis") }
        guard node.output.count == 1 || node.output[1...].allSatisfy({ $0.isEmpty || uses[$0] == nil }) else { throw fail(node, "the Mean/InvStdDev outputs are not supported") }
        if !x.lastAxisIsLast { x = inLogicalOrder(x) }
        let c = x.logical[axis]
        let gamma = try constantOperand(node, 1, "Scale").values
        let beta = try optionalOperand(node, 2) == nil ? [Double](repeating: 0, count: c) : try constantOperand(node, 2, "B").values
        guard gamma.count == c, beta.count == c else { throw fail(node, "γ/β must have \(c) values") }
        let eps = floatAttribute(node, "epsilon", 1e-5)
        let g = builder.constant(node.input[1], [c], gamma.map { Float($0) })
        let bb = builder.constant(node.input.count > 2 && !node.input[2].isEmpty ? node.input[2] : node.name + ".beta", [c], beta.map { Float($0) })
        let y = builder.emit(.layerNorm, [x.id, g, bb], output: node.output[0], shape: x.runtimeShape, attributes: [Int32(bitPattern: eps.bitPattern)])
        try setOutput(node, .tensor(TrackedTensor(id: y, logical: x.logical, perm: x.perm)))
    }

    /// The operand, rank, axis and keepdims of a reduction over exactly one axis. The operand is an
    /// activation or the x² piece of an L2 norm (whose rank is that of x).
    func reductionOperand(_ node: Onnx_NodeProto) throws -> (input: LoweredValue, rank: Int, axis: Int, keepDims: Bool) {
        try checkAttributes(node, allowed: ["axes", "keepdims", "noop_with_empty_axes"])
        let keepDims = intAttribute(node, "keepdims", 1) == 1
        let input = try operand(node, 0)
        let rank: Int
        switch input {
        case .tensor(let t): rank = t.logical.count
        case .l2NormPiece(.square(let of)):
            guard case .tensor(let t)? = values[of] else { throw fail(node, "unexpected input") }
            rank = t.logical.count
        default: throw fail(node, "\(node.opType) is supported on activations (mean over one axis), ReduceL2/Σx² over the last axis for L2 normalisation")
        }
        guard let axes = try axesOf(node, input: 1), axes.count == 1 else { throw fail(node, "reducing over several (or all) axes is not supported; give exactly one axis") }
        let axis = try normalizeAxis(node, axes[0], rank: rank)
        return (input, rank, axis, keepDims)
    }

    /// ReduceMean over the time axis: a mean pool to [1, C].
    mutating func lowerReduceMean(_ node: Onnx_NodeProto) throws {
        let reduction = try reductionOperand(node)
        let axis = reduction.axis, keep = reduction.keepDims
        guard case .tensor(let x0) = reduction.input else { throw fail(node, "ReduceMean of x² is not supported") }
        guard x0.logical.count == 3, axis >= 1 else { throw fail(node, "ReduceMean is supported over the time axis of a [1, T, C] or [1, C, T] activation, not \(x0.logical) axis \(axis)") }
        let other = axis == 1 ? 2 : 1
        let xid = materialize(x0, layout: [axis - 1, other - 1])
        let c = x0.logical[other]
        var logical = x0.logical
        if keep { logical[axis] = 1 } else { logical.remove(at: axis) }
        let y = builder.emit(.meanPool, [xid], output: node.output[0], shape: [1, c])
        let perm: [Int] = keep ? [axis - 1, other - 1] : [0]
        try setOutput(node, .tensor(TrackedTensor(id: y, logical: logical, perm: perm)))
    }
}
