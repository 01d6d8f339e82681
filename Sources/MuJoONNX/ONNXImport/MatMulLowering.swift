// HOST ONLY. Lowering of Gemm and MatMul: by constant weights a fully connected op (weights stored
// [O, K]); of two activations a batch matmul (attention scores and values).
import MuJoCore

extension GraphLowering {
    mutating func lowerGemm(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: ["alpha", "beta", "transA", "transB"])
        guard intAttribute(node, "transA", 0) == 0 else { throw fail(node, "transA=1 is not supported") }
        let x = try activationOperand(node, 0)
        guard x.logical.count == 2 else { throw fail(node, "input \(x.logical) is not [1, K]") }
        let w = try constantOperand(node, 1, "B (the weights)")
        guard w.shape.count == 2, w.shape[0] >= 1, w.shape[1] >= 1 else { throw fail(node, "weights \(w.shape) are not a [K, O] matrix") }
        let alpha = Double(floatAttribute(node, "alpha", 1)), beta = Double(floatAttribute(node, "beta", 1))
        // MuJo weights are [O, K]: B itself with transB=1, Bᵀ otherwise.
        let wOK = intAttribute(node, "transB", 0) == 1 ? w.values : transposeValues(w.values, w.shape, [1, 0])
        let o = intAttribute(node, "transB", 0) == 1 ? w.shape[0] : w.shape[1], k = w.values.count / o
        guard k == x.logical[1] else { throw fail(node, "weights \(w.shape) do not take \(x.logical[1]) inputs") }
        let wid = builder.constant(node.input[1], [o, k], wOK.map { Float($0 * alpha) })
        var inputs = [x.id, wid]
        if let cv = try optionalOperand(node, 2) {
            guard case .const(let c) = cv, let full = broadcastValues(c.values, from: c.shape, to: [1, o]) else { throw fail(node, "C must be a constant broadcasting to [1, \(o)]") }
            inputs.append(builder.constant(node.input[2], [o], full.map { Float($0 * beta) }))
        }
        let y = builder.emit(.fullyConnected, inputs, output: node.output[0], shape: [1, o])
        try setOutput(node, .tensor(TrackedTensor(id: y, logical: [1, o], perm: [0])))
    }

    mutating func lowerMatMul(_ node: Onnx_NodeProto) throws {
        let av = try operand(node, 0), bv = try operand(node, 1)
        if case .tensor(let a0) = av, case .const(let w) = bv {
            guard w.shape.count == 2, w.shape[0] >= 1, w.shape[1] >= 1 else { throw fail(node, "constant right operand \(w.shape) must be 2-D [K, O]") }
            guard a0.logical.count == 2 || a0.logical.count == 3 else { throw fail(node, "activation \(a0.logical) must be [1, K] or [1, T, K] for a MatMul by weights") }
            let a = inLogicalOrder(a0)
            let k = w.shape[0], o = w.shape[1]
            guard a.logical.last == k else { throw fail(node, "cannot multiply \(a.logical) by \(w.shape)") }
            let wid = builder.constant(node.input[1], [o, k], transposeValues(w.values, w.shape, [1, 0]).map { Float($0) })
            var logical = a.logical
            logical[logical.count - 1] = o
            let outT = TrackedTensor(id: -1, logical: logical, perm: a.perm)
            let y = builder.emit(.fullyConnected, [a.id, wid], output: node.output[0], shape: outT.runtimeShape)
            try setOutput(node, .tensor(TrackedTensor(id: y, logical: logical, perm: a.perm)))
            return
        }
        guard case .tensor(let a0) = av, case .tensor(let b0) = bv else { throw fail(node, "MatMul with a constant left operand is not supported") }
        if a0.logical.count == 3, b0.logical.count == 3 { return try lowerMatMul3(node, a0, b0) }
        guard a0.logical.count == 4, b0.logical.count == 4 else { throw fail(node, "MatMul of activations needs [1, H, M, K] × [1, H, K, N] or [1, M, K] × [1, K, N] operands, got \(a0.logical) × \(b0.logical)") }
        let a = inLogicalOrder(a0)
        guard a.logical[1] == b0.logical[1], a.logical[3] == b0.logical[2] else { throw fail(node, "cannot multiply \(a.logical) by \(b0.logical)") }
        let transposeB: Bool
        let bid: Int
        if b0.perm == [0, 2, 1] { transposeB = true; bid = b0.id }
        else if b0.isIdentity { transposeB = false; bid = b0.id }
        else { transposeB = true; bid = materialize(b0, layout: [0, 2, 1]) }
        let logical = [1, a.logical[1], a.logical[2], b0.logical[3]]
        let y = builder.emit(.batchMatMul, [a.id, bid], output: node.output[0], shape: Array(logical.dropFirst()), attributes: [transposeB ? 1 : 0])
        try setOutput(node, .tensor(TrackedTensor(id: y, logical: logical, perm: [0, 1, 2])))
    }

    /// Single-head attention: [1, M, K] × [1, K, N]. The runtime's batchMatMul is rank 3, so both
    /// operands get a leading 1 (a reshape, i.e. a copy) and the result drops it again.
    mutating func lowerMatMul3(_ node: Onnx_NodeProto, _ lhs: TrackedTensor, _ rhs: TrackedTensor) throws {
        let a = inLogicalOrder(lhs)
        guard a.logical[2] == rhs.logical[1] else { throw fail(node, "cannot multiply \(a.logical) by \(rhs.logical)") }
        let m = a.logical[1], k = a.logical[2], n = rhs.logical[2]
        let transposeB = rhs.perm == [1, 0]
        let bid = transposeB ? rhs.id : materialize(rhs, layout: [0, 1])
        let a3 = builder.emit(.reshape, [a.id], output: node.input[0] + ".3d", shape: [1, m, k])
        let b3 = builder.emit(.reshape, [bid], output: node.input[1] + ".3d", shape: transposeB ? [1, n, k] : [1, k, n])
        let y3 = builder.emit(.batchMatMul, [a3, b3], output: node.output[0] + ".3d", shape: [1, m, n], attributes: [transposeB ? 1 : 0])
        let y = builder.emit(.reshape, [y3], output: node.output[0], shape: [m, n])
        try setOutput(node, .tensor(TrackedTensor(id: y, logical: [1, m, n], perm: [0, 1])))
    }
}
