// HOST ONLY. Shape arithmetic folded on the host: Constant, Shape, Gather, Slice and Concat of
// constants, and the output shapes of (Un)Squeeze, Reshape and Flatten. Nothing here emits an op.

extension GraphLowering {
    mutating func lowerConstant(_ node: Onnx_NodeProto) throws {
        guard let value = attribute(node, "value") else { throw fail(node, "only the 'value' form of Constant is supported") }
        try setOutput(node, .const(try constantTensor(value.t, what: "node '\(node.name)' (Constant)")))
    }

    mutating func lowerShape(_ node: Onnx_NodeProto) throws {
        switch try operand(node, 0) {
        case .tensor(let t): try setOutput(node, .const(ConstantTensor(shape: [t.logical.count], values: t.logical.map(Double.init))))
        case .const(let c): try setOutput(node, .const(ConstantTensor(shape: [c.shape.count], values: c.shape.map(Double.init))))
        case .l2NormPiece: throw fail(node, "Shape of a partial L2-norm pattern")
        }
        if attribute(node, "start") != nil || attribute(node, "end") != nil { throw fail(node, "attributes start/end are not supported") }
    }

    mutating func lowerGather(_ node: Onnx_NodeProto) throws {
        let data = try constantOperand(node, 0, "Gather data (only shape arithmetic on constants is supported)")
        let idx = try constantOperand(node, 1, "Gather indices")
        guard !data.shape.isEmpty else { throw fail(node, "Gather of a scalar") }
        let axis = try normalizeAxis(node, intAttribute(node, "axis", 0), rank: data.shape.count)
        let outer = data.shape[..<axis].reduce(1, *), n = data.shape[axis], inner = data.shape[(axis + 1)...].reduce(1, *)
        let indices = try integers(node, idx, "Gather indices")
        for i in indices where i < -n || i >= n { throw fail(node, "index \(i) is outside 0..<\(n)") }
        _ = try checkShape(node, Array(data.shape[..<axis]) + idx.shape + Array(data.shape[(axis + 1)...]), activation: false)
        var v: [Double] = []
        for o in 0..<outer { for i in indices { let k = i < 0 ? i + n : i; for j in 0..<inner { v.append(data.values[(o * n + k) * inner + j]) } } }
        try setOutput(node, .const(ConstantTensor(shape: Array(data.shape[..<axis]) + idx.shape + Array(data.shape[(axis + 1)...]), values: v)))
    }

    /// The axes of a Squeeze, Unsqueeze or Reduce: the `axes` attribute (older opsets) or input `k`.
    func axesOf(_ node: Onnx_NodeProto, input k: Int) throws -> [Int]? {
        if let a = intsAttribute(node, "axes") { return a }
        if let c = try optionalOperand(node, k) {
            guard case .const(let cc) = c else { throw fail(node, "axes must be constant") }
            return try integers(node, cc, "axes")
        }
        return nil
    }

    /// Folds a Concat of constants (shape pieces); returns false when some input is not a constant.
    mutating func foldConstantConcat(_ node: Onnx_NodeProto, _ inputs: [LoweredValue]) throws -> Bool {
        var constants: [ConstantTensor] = []
        for input in inputs {
            guard case .const(let c) = input else { return false }
            constants.append(c)
        }
        guard let first = constants.first else { throw fail(node, "has no inputs") }
        let rank = first.shape.count
        let axis = try normalizeAxis(node, intAttribute(node, "axis", 0), rank: rank)
        for c in constants {
            guard c.shape.count == rank, c.shape.indices.allSatisfy({ $0 == axis || c.shape[$0] == first.shape[$0] }) else {
                throw fail(node, "cannot concatenate constants of shapes \(constants.map(\.shape)) along axis \(axis)")
            }
        }
        let outer = first.shape[..<axis].reduce(1, *)
        guard outer > 0 else { try setOutput(node, .const(ConstantTensor(shape: first.shape, values: []))); return true }
        var v: [Double] = []
        for o in 0..<outer { for c in constants { let chunk = c.count / outer; v += c.values[(o * chunk)..<((o + 1) * chunk)] } }
        var shape = constants[0].shape
        shape[axis] = constants.reduce(0) { $0 + $1.shape[axis] }
        try setOutput(node, .const(ConstantTensor(shape: shape, values: v)))
        return true
    }

    mutating func lowerSlice(_ node: Onnx_NodeProto) throws {
        let data = try constantOperand(node, 0, "Slice data (Slice on activations is not supported; only on constant shapes)")
        let starts = try integers(node, try constantOperand(node, 1, "starts"), "starts")
        let ends = try integers(node, try constantOperand(node, 2, "ends"), "ends")
        let axes = try optionalOperand(node, 3).map { _ in try integers(node, try constantOperand(node, 3, "axes"), "axes") } ?? Array(0..<starts.count)
        let steps = try optionalOperand(node, 4).map { _ in try integers(node, try constantOperand(node, 4, "steps"), "steps") } ?? [Int](repeating: 1, count: starts.count)
        guard data.shape.count == 1, axes.count == 1, axes[0] == 0 || axes[0] == -1, starts.count == 1, ends.count == 1, steps.count == 1 else {
            throw fail(node, "only 1-D slices of constant shapes are supported")
        }
        let n = data.count
        func clampIndex(_ i: Int) -> Int { let j = i < 0 ? i + n : i; return min(max(j, 0), n) }
        let s = clampIndex(starts[0]), e = clampIndex(min(ends[0], Int(Int32.max))), st = steps[0]
        guard st == 1 else { throw fail(node, "slice steps other than 1 are not supported") }
        let v = s < e ? Array(data.values[s..<e]) : []
        try setOutput(node, .const(ConstantTensor(shape: [v.count], values: v)))
    }

    /// The output shape of an Unsqueeze or Squeeze of a value of `shape`.
    func squeezedShape(_ node: Onnx_NodeProto, _ shape: [Int]) throws -> [Int] {
        if node.opType == "Unsqueeze" {
            guard let axes = try axesOf(node, input: 1) else { throw fail(node, "axes are required") }
            let rank = shape.count + axes.count
            guard Set(try axes.map { try normalizeAxis(node, $0, rank: rank) }).count == axes.count else { throw fail(node, "axes \(axes) repeat an axis") }
            var out = shape
            for a in try axes.map({ try normalizeAxis(node, $0, rank: rank) }).sorted() { out.insert(1, at: a) }
            return out
        }
        let axes = try axesOf(node, input: 1) ?? shape.indices.filter { shape[$0] == 1 }
        let removed = Set(try axes.map { try normalizeAxis(node, $0, rank: shape.count) })
        return shape.indices.filter { !removed.contains($0) }.map { shape[$0] }
    }

    /// The output shape of a Flatten or Reshape (0 copies a dimension unless allowzero, -1 is inferred).
    func reshapedShape(_ node: Onnx_NodeProto, _ inShape: [Int]) throws -> [Int] {
        if node.opType == "Flatten" {
            let axis = try normalizeAxis(node, intAttribute(node, "axis", 1), rank: inShape.count + 1)
            return [inShape[..<axis].reduce(1, *), inShape[axis...].reduce(1, *)]
        }
        let target = try integers(node, try constantOperand(node, 1, "the target shape"), "the target shape")
        let allowZero = intAttribute(node, "allowzero", 0) == 1
        var out = target.enumerated().map { i, d in (d == 0 && !allowZero && i < inShape.count) ? inShape[i] : d }
        guard out.allSatisfy({ $0 >= -1 }), out.filter({ $0 == -1 }).count <= 1 else { throw fail(node, "target shape \(target) is not a shape") }
        if let k = out.firstIndex(of: -1) {
            var rest = out
            rest.remove(at: k)
            let known = try checkShape(node, rest, activation: false)
            let total = try checkShape(node, inShape, activation: false)
            guard known > 0, total % known == 0 else { throw fail(node, "cannot infer -1 in \(target) for \(inShape)") }
            out[k] = total / known
        }
        guard try checkShape(node, out, activation: false) == (try checkShape(node, inShape, activation: false)) else {
            throw fail(node, "cannot reshape \(inShape) into \(out)")
        }
        return out
    }
}
