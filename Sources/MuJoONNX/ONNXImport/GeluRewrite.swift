// HOST ONLY. Pattern rewrite before lowering: the erf form of GELU that torch exports,
// x·0.5·(1 + erf(x/√2)), becomes one synthetic Gelu node (the runtime has a gelu op).

extension GraphLowering {
    /// Replaces x·0.5·(1 + erf(x/√2)) (both orders torch emits) with one synthetic Gelu node.
    func rewriteGelu(_ nodes: [Onnx_NodeProto]) throws -> [Onnx_NodeProto] {
        var producerOf: [String: Int] = [:]
        var consumers: [String: [Int]] = [:]
        for (i, n) in nodes.enumerated() {
            for o in n.output { producerOf[o] = i }
            for x in n.input { consumers[x, default: []].append(i) }
        }
        /// The value of a scalar constant (an initializer or a Constant node), nil otherwise.
        func scalar(_ name: String) -> Double? {
            if case .const(let c)? = values[name], let s = c.scalar { return s }
            if let p = producerOf[name], nodes[p].opType == "Constant", let a = nodes[p].attribute.first(where: { $0.name == "value" }),
               let c = try? constantTensor(a.t, what: "constant"), let s = c.scalar { return s }
            return nil
        }
        /// The input of the binary `node` beside `name`, nil when `name` is not one of its two inputs.
        func otherInput(_ node: Onnx_NodeProto, _ name: String) -> String? {
            guard node.input.count == 2 else { return nil }
            return node.input[0] == name ? node.input[1] : (node.input[1] == name ? node.input[0] : nil)
        }
        func isClose(_ value: Double?, to target: Double) -> Bool { value.map { abs($0 - target) < 1e-4 * abs(target) } ?? false }
        /// The index of the only node that reads `name`, nil when it has other readers.
        func soleConsumer(_ name: String) -> Int? { (consumers[name]?.count == 1 && uses[name] == 1) ? consumers[name]![0] : nil }

        var drop = Set<Int>()
        var replace: [Int: Onnx_NodeProto] = [:]
        for (ei, e) in nodes.enumerated() where e.opType == "Erf" && e.input.count == 1 {
            guard let di = producerOf[e.input[0]], soleConsumer(e.input[0]) == ei, nodes[di].input.count == 2 else { continue }
            let d = nodes[di]
            let x: String
            if d.opType == "Div", isClose(scalar(d.input[1]), to: 2.0.squareRoot()) { x = d.input[0] }
            else if d.opType == "Mul", let o = otherInput(d, d.input[0]), isClose(scalar(o), to: 0.5.squareRoot()) { x = d.input[0] }
            else if d.opType == "Mul", isClose(scalar(d.input[0]), to: 0.5.squareRoot()) { x = d.input[1] }
            else { continue }
            guard let ai = soleConsumer(e.output[0]), nodes[ai].opType == "Add", let one = otherInput(nodes[ai], e.output[0]), isClose(scalar(one), to: 1) else { continue }
            guard let mi = soleConsumer(nodes[ai].output[0]), nodes[mi].opType == "Mul", let m1other = otherInput(nodes[mi], nodes[ai].output[0]) else { continue }
            var group = [di, ei, ai, mi]
            let out: String
            if m1other == x, let hi = soleConsumer(nodes[mi].output[0]), nodes[hi].opType == "Mul",
               let half = otherInput(nodes[hi], nodes[mi].output[0]), isClose(scalar(half), to: 0.5) {
                group.append(hi); out = nodes[hi].output[0]
            } else if let hi = producerOf[m1other], nodes[hi].opType == "Mul", soleConsumer(m1other) == mi,
                      let hx = otherInput(nodes[hi], x), isClose(scalar(hx), to: 0.5) {
                group.append(hi); out = nodes[mi].output[0]
            } else { continue }
            var g = Onnx_NodeProto()
            g.opType = "Gelu"
            g.name = "\(nodes[group.max()!].name) (GELU from erf)"
            g.input = [x]
            g.output = [out]
            let last = group.max()!
            for k in group where k != last { drop.insert(k) }
            replace[last] = g
        }
        var out: [Onnx_NodeProto] = []
        for (i, n) in nodes.enumerated() where !drop.contains(i) { out.append(replace[i] ?? n) }
        return out
    }
}
