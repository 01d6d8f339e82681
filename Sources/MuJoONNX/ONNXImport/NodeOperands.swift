// HOST ONLY. How a lowering reads a node: its operands (constant, activation or L2-norm piece),
// its attributes with their ONNX defaults, and the errors that name the node.

extension GraphLowering {
    func fail(_ node: Onnx_NodeProto, _ what: String) -> ImportError {
        ImportError("\(file): node '\(node.name)' (\(node.opType)): \(what)")
    }

    func unsupported(_ node: Onnx_NodeProto) -> ImportError {
        ImportError("\(file): node '\(node.name)' uses op \(node.opType), which mujo quantize does not support. Supported ops: \(ONNXImporter.supportedOps.joined(separator: ", ")).")
    }

    // MARK: Operands: input `index` of a node

    func operand(_ node: Onnx_NodeProto, _ index: Int) throws -> LoweredValue {
        guard index < node.input.count, !node.input[index].isEmpty else { throw fail(node, "input \(index) is missing") }
        guard let value = values[node.input[index]] else { throw fail(node, "input '\(node.input[index])' is not defined before this node") }
        return value
    }

    func optionalOperand(_ node: Onnx_NodeProto, _ index: Int) throws -> LoweredValue? {
        guard index < node.input.count, !node.input[index].isEmpty else { return nil }
        return try operand(node, index)
    }

    func constantOperand(_ node: Onnx_NodeProto, _ index: Int, _ what: String) throws -> ConstantTensor {
        guard case .const(let constant) = try operand(node, index) else { throw fail(node, "\(what) must be a constant (an initializer or Constant), not computed from the input") }
        return constant
    }

    func activationOperand(_ node: Onnx_NodeProto, _ index: Int) throws -> TrackedTensor {
        switch try operand(node, index) {
        case .tensor(let tensor): return tensor
        case .const: throw fail(node, "input \(index) is a constant where an activation is expected; this op is supported on activations only")
        case .l2NormPiece: throw fail(node, "input \(index) is a partial L2-norm pattern used outside x / ‖x‖; only F.normalize-style x / max(‖x‖, eps) is supported")
        }
    }

    func attribute(_ node: Onnx_NodeProto, _ name: String) -> Onnx_AttributeProto? { node.attribute.first { $0.name == name } }
    func intAttribute(_ node: Onnx_NodeProto, _ name: String, _ defaultValue: Int) -> Int { attribute(node, name).map { Int($0.i) } ?? defaultValue }
    func intsAttribute(_ node: Onnx_NodeProto, _ name: String) -> [Int]? { attribute(node, name).map { $0.ints.map { Int($0) } } }
    func floatAttribute(_ node: Onnx_NodeProto, _ name: String, _ defaultValue: Float) -> Float { attribute(node, name).map { $0.f } ?? defaultValue }

    func checkAttributes(_ node: Onnx_NodeProto, allowed: [String]) throws {
        for a in node.attribute where !allowed.contains(a.name) {
            throw fail(node, "attribute '\(a.name)' is not supported (supported: \(allowed.isEmpty ? "none" : allowed.joined(separator: ", ")))")
        }
    }

    // setOutput, which checks the value it records: ImportBounds.swift.

    /// `axis` as 0…rank-1 (ONNX allows negative axes counted from the end).
    func normalizeAxis(_ node: Onnx_NodeProto, _ axis: Int, rank: Int) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else { throw fail(node, "axis \(axis) is outside rank \(rank)") }
        return a
    }
}
