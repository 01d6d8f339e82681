// HOST ONLY. Lowering of Add, Sub, Mul and Div: folded on two constants, a bias folded into the
// fully connected or conv op before it, otherwise an add/mul with a constant in the runtime layout.
import MuJoCore

extension GraphLowering {
    /// `constant`, an operand of an element-wise op on `activation`, mapped through `transform` and
    /// laid out in the activation's runtime layout: `[1]`, `[last]` or full.
    func elementwiseConstant(_ node: Onnx_NodeProto, _ constant: ConstantTensor, for activation: TrackedTensor,
                             transform: (Double) -> Double) throws -> (shape: [Int], values: [Float]) {
        guard let full = broadcastValues(constant.values, from: constant.shape, to: activation.logical) else {
            throw fail(node, "constant of shape \(constant.shape) does not broadcast to the activation \(activation.logical) (only constants broadcasting onto the activation are supported)")
        }
        let inner = Array(activation.logical.dropFirst())
        let runtime = transposeValues(full, inner.isEmpty ? [1] : inner, activation.perm.isEmpty ? [0] : activation.perm).map { Float(transform($0)) }
        if runtime.allSatisfy({ $0 == runtime[0] }) { return ([1], [runtime[0]]) }
        let shape = activation.runtimeShape
        let last = shape[shape.count - 1]
        var rowsEqual = true
        for i in last..<runtime.count where runtime[i] != runtime[i % last] { rowsEqual = false; break }
        if rowsEqual { return ([last], Array(runtime[0..<last])) }
        return (shape, runtime)
    }

    /// Add, Sub, Mul, Div that are not pieces of x / ‖x‖ (`lowerL2NormPiece` sees Mul and Div first).
    mutating func lowerBinary(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: [])
        var av = try operand(node, 0), bv = try operand(node, 1)
        let op = node.opType
        if case .const(let ca) = av, case .const(let cb) = bv {
            let shape = ca.count >= cb.count ? ca.shape : cb.shape
            guard let xa = broadcastValues(ca.values, from: ca.shape, to: shape), let xb = broadcastValues(cb.values, from: cb.shape, to: shape) else {
                throw fail(node, "constant shapes \(ca.shape) and \(cb.shape) do not broadcast")
            }
            let v: [Double] = zip(xa, xb).map { p in
                switch op { case "Add": return p.0 + p.1; case "Sub": return p.0 - p.1; case "Mul": return p.0 * p.1; default: return p.0 / p.1 }
            }
            try setOutput(node, .const(ConstantTensor(shape: shape, values: v)))
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
            let cv = try elementwiseConstant(node, c, for: a, transform: f)
            let code: OpCode = (op == "Add" || op == "Sub") ? .add : .mul
            // Bias of a MatMul (per output channel) folds into the fully connected op.
            if code == .add, cv.shape.count == 1, let p = fusableProducer(node, input: k, a, codes: [.fullyConnected, .conv1d]),
               builder.ops[p].inputs.count == 2 || builder.ops[p].inputs[2] < 0 {
                let o = builder.tensors[builder.ops[p].outputs[0]].shape.last!
                let bias = cv.shape == [1] ? [Float](repeating: cv.values[0], count: o) : cv.values
                if bias.count == o {
                    let id = builder.constant(node.input[1 - k], [o], bias)
                    if builder.ops[p].inputs.count == 2 { builder.ops[p].inputs.append(id) } else { builder.ops[p].inputs[2] = id }
                    try setOutput(node, .tensor(a))
                    return
                }
            }
            let cid = builder.constant(node.input[1 - k] + (op == "Div" || op == "Sub" ? ".inv" : ""), cv.shape, cv.values)
            let y = builder.emit(code, [a.id, cid], output: node.output[0], shape: a.runtimeShape)
            try setOutput(node, .tensor(TrackedTensor(id: y, logical: a.logical, perm: a.perm)))
        case .tensor(let t):
            guard op == "Add" || op == "Mul" else { throw fail(node, "\(op) of two activations is not supported (only Add and Mul)") }
            guard t.logical == a.logical else { throw fail(node, "broadcasting between activations \(a.logical) and \(t.logical) is not supported") }
            let bid = materialize(t, layout: a.perm)
            let y = builder.emit(op == "Add" ? .add : .mul, [a.id, bid], output: node.output[0], shape: a.runtimeShape)
            try setOutput(node, .tensor(TrackedTensor(id: y, logical: a.logical, perm: a.perm)))
        case .l2NormPiece:
            throw fail(node, "a partial L2-norm pattern used outside x / ‖x‖")
        }
    }
}
