// HOST ONLY. Lowering of Conv1d and BatchNormalization. A BatchNorm right after a Conv is folded
// into its weights and bias; any other BatchNorm becomes a per-channel mul and add.
import MuJoCore

extension GraphLowering {
    mutating func lowerConv(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: ["dilations", "group", "kernel_shape", "pads", "strides", "auto_pad"])
        if let a = attribute(node, "auto_pad"), String(decoding: a.s, as: UTF8.self) != "NOTSET" {
            throw fail(node, "auto_pad=\(String(decoding: a.s, as: UTF8.self)) is not supported; export explicit padding")
        }
        let x0 = try activationOperand(node, 0)
        guard x0.logical.count == 3 else { throw fail(node, "input \(x0.logical) is not [1, C, T]; only Conv1d is supported") }
        let w = try constantOperand(node, 1, "the weights")
        guard w.shape.count == 3 else { throw fail(node, "weights \(w.shape) are not Conv1d weights [Cout, Cin/groups, K]") }
        let x = TrackedTensor(id: materialize(x0, layout: [1, 0]), logical: x0.logical, perm: [1, 0])
        let cout = w.shape[0], cinG = w.shape[1], k = w.shape[2]
        let stride = intsAttribute(node, "strides") ?? [1], dil = intsAttribute(node, "dilations") ?? [1], pads = intsAttribute(node, "pads") ?? [0, 0]
        let groups = intAttribute(node, "group", 1)
        guard stride.count == 1, dil.count == 1, pads.count == 2 else { throw fail(node, "only 1-D strides/dilations/pads are supported") }
        let limit = 1 << 16
        guard cout >= 1, cinG >= 1, k >= 1, (1...limit).contains(stride[0]), (1...limit).contains(dil[0]), pads.allSatisfy({ (0...limit).contains($0) }),
              (1...limit).contains(groups) else {
            throw fail(node, "weights \(w.shape), strides \(stride), dilations \(dil), pads \(pads), group \(groups) are out of range")
        }
        // ONNX [Cout, Cin/G, K] → MuJo [Cout, K, Cin/G].
        let wv = transposeValues(w.values, w.shape, [0, 2, 1]).map { Float($0) }
        let wid = builder.constant(node.input[1], [cout, k, cinG], wv)
        var bid = -1
        if let bv = try optionalOperand(node, 2) {
            guard case .const(let bc) = bv, bc.count == cout else { throw fail(node, "bias must be a constant of \(cout) values") }
            bid = builder.constant(node.input[2], [cout], bc.values.map { Float($0) })
        }
        let tin = x.logical[2]
        let tout = (tin + pads[0] + pads[1] - dil[0] * (k - 1) - 1) / stride[0] + 1
        guard tout >= 1 else { throw fail(node, "output length \(tout) < 1") }
        let y = builder.emit(.conv1d, bid >= 0 ? [x.id, wid, bid] : [x.id, wid], output: node.output[0], shape: [tout, cout],
                       attributes: [Int32(stride[0]), Int32(dil[0]), Int32(pads[0]), Int32(pads[1]), Int32(groups)])
        try setOutput(node, .tensor(TrackedTensor(id: y, logical: [1, cout, tout], perm: [1, 0])))
    }

    /// BatchNormalization in eval mode: y = a·x + c per channel, a = γ/√(var + eps), c = β − mean·a.
    mutating func lowerBatchNorm(_ node: Onnx_NodeProto) throws {
        try checkAttributes(node, allowed: ["epsilon", "momentum", "training_mode"])
        guard intAttribute(node, "training_mode", 0) == 0 else { throw fail(node, "training_mode=1 is not supported; export in eval mode") }
        let x = try activationOperand(node, 0)
        let gamma = try constantOperand(node, 1, "scale").values, beta = try constantOperand(node, 2, "B").values
        let mean = try constantOperand(node, 3, "mean").values, variance = try constantOperand(node, 4, "var").values
        let eps = Double(floatAttribute(node, "epsilon", 1e-5))
        guard beta.count == gamma.count, mean.count == gamma.count, variance.count == gamma.count else {
            throw fail(node, "scale, B, mean and var hold \(gamma.count), \(beta.count), \(mean.count) and \(variance.count) values; one per channel each")
        }
        let a = (0..<gamma.count).map { gamma[$0] / (variance[$0] + eps).squareRoot() }
        let c = (0..<gamma.count).map { beta[$0] - mean[$0] * a[$0] }
        if let p = fusableProducer(node, input: 0, x, codes: [.conv1d]) {
            let op = builder.ops[p]
            let wid = op.inputs[1]
            let w = builder.tensors[wid].shape
            guard gamma.count == w[0] else { throw fail(node, "\(gamma.count) channels after a convolution with \(w[0])") }
            let per = w[1] * w[2]
            var wv = builder.floatConstants[wid]!
            for o in 0..<w[0] { for i in 0..<per { wv[o * per + i] = Float(Double(wv[o * per + i]) * a[o]) } }
            builder.floatConstants[wid] = wv
            var bias = op.inputs.count > 2 ? builder.floatConstants[op.inputs[2]]!.map(Double.init) : [Double](repeating: 0, count: w[0])
            bias = (0..<w[0]).map { bias[$0] * a[$0] + c[$0] }
            if op.inputs.count > 2 { builder.floatConstants[op.inputs[2]] = bias.map { Float($0) } }
            else { builder.ops[p].inputs.append(builder.constant(node.input[0] + ".bias", [w[0]], bias.map { Float($0) })) }
            try setOutput(node, .tensor(x))
            return
        }
        guard x.logical.count == 3 else { throw fail(node, "BatchNormalization on \(x.logical) is supported only on [1, C, T] activations") }
        let shape = [1, gamma.count, 1]
        let m = try elementwiseConstant(node, ConstantTensor(shape: shape, values: a), for: x, transform: { $0 })
        let mid = builder.emit(.mul, [x.id, builder.constant(node.name + ".scale", m.shape, m.values)], output: node.output[0] + ".scaled", shape: x.runtimeShape)
        let s = try elementwiseConstant(node, ConstantTensor(shape: shape, values: c), for: x, transform: { $0 })
        let y = builder.emit(.add, [mid, builder.constant(node.name + ".shift", s.shape, s.values)], output: node.output[0], shape: x.runtimeShape)
        try setOutput(node, .tensor(TrackedTensor(id: y, logical: x.logical, perm: x.perm)))
    }
}
