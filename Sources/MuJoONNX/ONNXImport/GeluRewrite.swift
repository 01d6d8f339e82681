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
        func scalar(_ name: String) -> Double? {
            if case .const(let c)? = values[name], let s = c.scalar { return s }
            if let p = producerOf[name], nodes[p].opType == "Constant", let a = nodes[p].attribute.first(where: { $0.name == "value" }),
               let c = try? constantTensor(a.t, what: "constant"), let s = c.scalar { return s }
            return nil
        }
        func other(_ n: Onnx_NodeProto, _ name: String) -> String? {
            guard n.input.count == 2 else { return nil }
            return n.input[0] == name ? n.input[1] : (n.input[1] == name ? n.input[0] : nil)
        }
        func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-4 * abs(b) } ?? false }
        func single(_ name: String) -> Int? { (consumers[name]?.count == 1 && uses[name] == 1) ? consumers[name]![0] : nil }

        var drop = Set<Int>()
        var replace: [Int: Onnx_NodeProto] = [:]
        for (ei, e) in nodes.enumerated() where e.opType == "Erf" {
            guard let di = producerOf[e.input[0]], single(e.input[0]) == ei else { continue }
            let d = nodes[di]
            let x: String
            if d.opType == "Div", close(scalar(d.input[1]), 2.0.squareRoot()) { x = d.input[0] }
            else if d.opType == "Mul", let o = other(d, d.input[0]), close(scalar(o), 0.5.squareRoot()) { x = d.input[0] }
            else if d.opType == "Mul", close(scalar(d.input[0]), 0.5.squareRoot()) { x = d.input[1] }
            else { continue }
            guard let ai = single(e.output[0]), nodes[ai].opType == "Add", let one = other(nodes[ai], e.output[0]), close(scalar(one), 1) else { continue }
            guard let mi = single(nodes[ai].output[0]), nodes[mi].opType == "Mul", let m1other = other(nodes[mi], nodes[ai].output[0]) else { continue }
            var group = [di, ei, ai, mi]
            let out: String
            if m1other == x, let hi = single(nodes[mi].output[0]), nodes[hi].opType == "Mul",
               let half = other(nodes[hi], nodes[mi].output[0]), close(scalar(half), 0.5) {
                group.append(hi); out = nodes[hi].output[0]
            } else if let hi = producerOf[m1other], nodes[hi].opType == "Mul", single(m1other) == mi,
                      let hx = other(nodes[hi], x), close(scalar(hx), 0.5) {
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
