// HOST ONLY. Layout tracking: each activation is a runtime tensor plus its logical ONNX shape and
// a perm, so ONNX Transposes cost nothing until an op needs another layout (`materialize`).

/// An activation: runtime tensor `id`, its logical ONNX shape (batch 1 first) and `perm`, where
/// runtime dimension i holds logical dimension 1 + perm[i].
struct TrackedTensor {
    var id: Int
    var logical: [Int]
    var perm: [Int]
    var runtimeShape: [Int] {
        let s = perm.map { logical[1 + $0] }
        return s.count == 1 ? [1, s[0]] : s
    }
    var isIdentity: Bool { perm == Array(0..<perm.count) }
    /// Whether the logical last axis is the runtime last axis.
    var lastAxisIsLast: Bool { perm.last == logical.count - 2 }
}

/// What an ONNX value name stands for during the lowering.
enum LoweredValue {
    case const(ConstantTensor)
    case tensor(TrackedTensor)
    case l2NormPiece(L2NormPiece)
}

extension GraphLowering {
    /// The tensor id holding `tensor` in `layout` (a perm), emitting a transpose when needed; each
    /// layout of a tensor is emitted once.
    mutating func materialize(_ tensor: TrackedTensor, layout: [Int]) -> Int {
        if tensor.perm == layout { return tensor.id }
        let key = "\(tensor.id)/\(layout)"
        if let id = transposed[key] { return id }
        let attrs = layout.map { Int32(tensor.perm.firstIndex(of: $0)!) }
        let shape = TrackedTensor(id: -1, logical: tensor.logical, perm: layout).runtimeShape
        let id: Int
        if tensor.runtimeShape.count == 2, shape.count == 2, tensor.logical.count == 2 {
            id = tensor.id
        } else {
            id = builder.emit(.transpose, [tensor.id], output: builder.tensors[tensor.id].name + ".T", shape: shape, attributes: attrs)
        }
        transposed[key] = id
        return id
    }

    /// `tensor` stored in logical order (perm 0, 1, …), transposed if it is not already.
    mutating func inLogicalOrder(_ tensor: TrackedTensor) -> TrackedTensor {
        let order = Array(0..<tensor.perm.count)
        return TrackedTensor(id: materialize(tensor, layout: order), logical: tensor.logical, perm: order)
    }
}
