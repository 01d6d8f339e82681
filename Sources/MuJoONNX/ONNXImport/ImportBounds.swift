// HOST ONLY. The bounds that keep the importer's own arithmetic in range on any file: shapes with
// no negative dimension and at most `maxElements` elements (no Int overflow, no allocation of a
// hostile size), integer values of constants that are integers, permutations that are
// permutations, and a value for every node output. The onnx fuzz target (Fuzz/Targets/onnx.swift)
// found the importer trapping where these were assumed; each refusal names the node.
import MuJoCore

enum ImportBounds {
    /// The most elements of any tensor the importer builds (4 Mi: far above an IMU encoder's).
    static let maxElements = 1 << 22

    /// The element count of `shape`, or nil when a dimension is below `minimum` or the count is
    /// above `maxElements` (checked dimension by dimension, so the product cannot overflow).
    static func elementCount(_ shape: [Int], minimum: Int = 0) -> Int? {
        var n = 1
        for d in shape {
            guard d >= minimum, d <= maxElements else { return nil }
            n *= d
            guard n <= maxElements else { return nil }
        }
        return n
    }

    /// Whether `p` holds each of 0..<rank once.
    static func isPermutation(_ p: [Int], rank: Int) -> Bool {
        p.count == rank && Set(p).count == rank && p.allSatisfy { $0 >= 0 && $0 < rank }
    }
}

extension GraphLowering {
    /// The values of a constant operand as integers (axes, shapes, indices, slice bounds): each
    /// finite, integral and within ±2⁴⁰ (Int(Double) traps on anything else).
    func integers(_ node: Onnx_NodeProto, _ constant: ConstantTensor, _ what: String) throws -> [Int] {
        try constant.values.map { v in
            guard v.isFinite, v == v.rounded(), abs(v) <= Double(1 << 40) else { throw fail(node, "\(what) holds \(v), not an integer in range") }
            return Int(v)
        }
    }

    /// The shape of a value the node makes, refused when it has a negative dimension (an activation:
    /// an empty one) or more than ImportBounds.maxElements elements.
    func checkShape(_ node: Onnx_NodeProto, _ shape: [Int], activation: Bool) throws -> Int {
        guard let n = ImportBounds.elementCount(shape, minimum: activation ? 1 : 0) else {
            throw fail(node, "makes a value of shape \(shape): \(activation ? "every dimension must be at least 1" : "no dimension may be negative") and it may hold at most \(ImportBounds.maxElements) elements")
        }
        return n
    }

    /// Records the value of the node's (first) output: a constant must hold as many values as its
    /// shape names; an activation's shape must be in bounds and its perm a permutation.
    mutating func setOutput(_ node: Onnx_NodeProto, _ value: LoweredValue) throws {
        switch value {
        case .const(let c):
            guard try checkShape(node, c.shape, activation: false) == c.values.count else {
                throw fail(node, "makes a constant of shape \(c.shape) from \(c.values.count) values")
            }
        case .tensor(let t):
            _ = try checkShape(node, t.logical, activation: true)
            guard !t.logical.isEmpty, ImportBounds.isPermutation(t.perm, rank: t.logical.count - 1) || (t.logical.count == 1 && t.perm.isEmpty) else {
                throw fail(node, "makes an activation of shape \(t.logical) the runtime cannot lay out")
            }
        case .l2NormPiece: break
        }
        values[node.output[0]] = value
    }
}
