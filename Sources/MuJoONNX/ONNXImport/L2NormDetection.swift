// HOST ONLY. L2 normalisation x / ‖x‖ in the forms exporters write it — F.normalize's
// x / Expand(Clip(ReduceL2(x), eps)) and the hand-written x / √(Σx²) — detected in one place.
// Its pieces are carried as `L2NormPiece` values until the Div emits one l2Normalize op.

/// A partial L2 norm of the value named `of`, waiting for the Div that completes x / ‖x‖.
enum L2NormPiece {
    /// ‖x‖ over the last axis (keepdims), possibly clipped below and expanded: the F.normalize pattern.
    case norm(of: String)
    /// x², Σx² over the last axis: the pieces of a hand-written L2 norm.
    case square(of: String)
    case sumSquares(of: String)
}

extension GraphLowering {
    /// Lowers `node` when it is a piece of x / ‖x‖ and returns true; returns false when it is not
    /// one, so the op's ordinary lowering runs. Pow, Sqrt, ReduceL2 and ReduceSum are supported only
    /// as such pieces: for them this returns true or throws.
    mutating func lowerL2NormPiece(_ node: Onnx_NodeProto) throws -> Bool {
        switch node.opType {
        case "Pow":
            // x² whose only reader is a ReduceSum.
            _ = try activationOperand(node, 0)
            guard let e = try constantOperand(node, 1, "the exponent").scalar, e == 2, consumerOps[node.output[0]] == ["ReduceSum"] else {
                throw fail(node, "Pow is supported only as x² feeding ReduceSum inside an L2 norm x / √(Σx²)")
            }
            try setOutput(node, .l2NormPiece(.square(of: node.input[0])))
        case "Mul":
            // x·x whose only reader is a ReduceSum: the Σx² of a hand-written L2 norm.
            try checkAttributes(node, allowed: [])
            let lhs = try operand(node, 0)
            _ = try operand(node, 1)
            guard node.input[0] == node.input[1], case .tensor = lhs, consumerOps[node.output[0]] == ["ReduceSum"] else { return false }
            try setOutput(node, .l2NormPiece(.square(of: node.input[0])))
        case "ReduceL2", "ReduceSum":
            let reduction = try reductionOperand(node)
            guard reduction.axis == reduction.rank - 1, reduction.keepDims else {
                throw fail(node, "\(node.opType) is supported only over the last axis with keepdims=1, as part of x / ‖x‖")
            }
            if node.opType == "ReduceL2", case .tensor = reduction.input {
                try setOutput(node, .l2NormPiece(.norm(of: node.input[0])))
            } else if node.opType == "ReduceSum", case .l2NormPiece(.square(let of)) = reduction.input {
                try setOutput(node, .l2NormPiece(.sumSquares(of: of)))
            } else {
                throw fail(node, "\(node.opType) is supported only as ReduceL2(x) or ReduceSum(x²) inside x / ‖x‖")
            }
        case "Sqrt":
            guard case .l2NormPiece(.sumSquares(let x)) = try operand(node, 0) else {
                throw fail(node, "Sqrt is supported only as √(Σx²) inside an L2 normalisation x / ‖x‖")
            }
            try setOutput(node, .l2NormPiece(.norm(of: x)))
        case "Clip":
            // max(‖x‖, eps) of F.normalize.
            let bounds = try clipBounds(node)
            guard case .l2NormPiece(let piece) = try operand(node, 0) else { return false }
            guard bounds.max == nil, let eps = bounds.min, eps >= 0, eps <= 1e-6 else {
                throw fail(node, "Clip of an L2 norm is supported only as max(‖x‖, eps) with eps ≤ 1e-6")
            }
            try setOutput(node, .l2NormPiece(piece))
        case "Expand":
            // ‖x‖ expanded to x's shape: the division broadcasts it anyway.
            guard case .l2NormPiece(let piece) = try operand(node, 0) else { return false }
            try setOutput(node, .l2NormPiece(piece))
        case "Div":
            // x / ‖x‖: one l2Normalize over the last axis.
            try checkAttributes(node, allowed: [])
            _ = try operand(node, 0)
            guard case .l2NormPiece(.norm(let of)) = try operand(node, 1) else { return false }
            guard of == node.input[0] else { throw fail(node, "divides by the norm of another tensor; only x / ‖x‖ is supported") }
            var x = try activationOperand(node, 0)
            if !x.lastAxisIsLast { x = inLogicalOrder(x) }
            let y = builder.emit(.l2Normalize, [x.id], output: node.output[0], shape: x.runtimeShape)
            try setOutput(node, .tensor(TrackedTensor(id: y, logical: x.logical, perm: x.perm)))
        default:
            return false
        }
        return true
    }
}
