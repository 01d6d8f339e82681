// HOST ONLY. Accumulates the tensors and ops of a float32 MuJo graph while the ONNX importer walks
// the ONNX nodes. Constant values stay as [Float] until `finish`, so later rewrites (BatchNorm
// folding, bias fusion) can edit them in place.
import MuJoCore

final class GraphBuilder {
    var tensors: [TensorDescription] = []
    /// Float constants (weights, biases, γ/β) by tensor id, written into `data` by `finish`.
    var floatConstants: [Int: [Float]] = [:]
    var ops: [OpDescription] = []
    /// Op index that writes each tensor id.
    var producer: [Int: Int] = [:]
    private var usedNames: Set<String> = []

    private func unique(_ name: String) -> String {
        var n = name.isEmpty ? "t\(tensors.count)" : name
        var k = 1
        while usedNames.contains(n) { n = "\(name)#\(k)"; k += 1 }
        usedNames.insert(n)
        return n
    }

    func activation(_ name: String, _ shape: [Int]) -> Int {
        tensors.append(TensorDescription(name: unique(name), dataType: .float32, shape: shape))
        return tensors.count - 1
    }

    func constant(_ name: String, _ shape: [Int], _ values: [Float]) -> Int {
        precondition(values.count == shape.reduce(1, *))
        tensors.append(TensorDescription(name: unique(name), dataType: .float32, shape: shape, data: []))
        floatConstants[tensors.count - 1] = values
        return tensors.count - 1
    }

    @discardableResult
    func emit(_ code: OpCode, _ inputs: [Int], output name: String, shape: [Int], attributes: [Int32] = []) -> Int {
        let y = activation(name, shape)
        ops.append(OpDescription(code: code, inputs: inputs, outputs: [y], attributes: attributes))
        producer[y] = ops.count - 1
        return y
    }

    func finish() -> [TensorDescription] {
        var out = tensors
        for (id, values) in floatConstants {
            var bytes = [UInt8]()
            bytes.reserveCapacity(values.count * 4)
            for v in values {
                let b = v.bitPattern
                bytes.append(UInt8(truncatingIfNeeded: b)); bytes.append(UInt8(truncatingIfNeeded: b >> 8))
                bytes.append(UInt8(truncatingIfNeeded: b >> 16)); bytes.append(UInt8(truncatingIfNeeded: b >> 24))
            }
            out[id].data = bytes
        }
        return out
    }
}

// MARK: - Small array helpers (row-major)

func strides(_ shape: [Int]) -> [Int] {
    var s = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for d in stride(from: shape.count - 1, through: 0, by: -1) { s[d] = acc; acc *= shape[d] }
    return s
}

/// `out[i0…] = x[…]` with `out.shape[d] = shape[perm[d]]`.
func transposeValues<T>(_ x: [T], _ shape: [Int], _ perm: [Int]) -> [T] {
    if perm == Array(0..<perm.count) || x.count <= 1 { return x }
    let outShape = perm.map { shape[$0] }
    let inStrides = strides(shape)
    let srcStride = perm.map { inStrides[$0] }
    var out = [T]()
    out.reserveCapacity(x.count)
    var idx = [Int](repeating: 0, count: outShape.count)
    for _ in 0..<x.count {
        var src = 0
        for d in 0..<idx.count { src += idx[d] * srcStride[d] }
        out.append(x[src])
        var d = idx.count - 1
        while d >= 0 { idx[d] += 1; if idx[d] < outShape[d] { break }; idx[d] = 0; d -= 1 }
    }
    return out
}

/// numpy broadcasting of `x` (shape `from`) to `to`; nil when the shapes do not broadcast.
func broadcastValues(_ x: [Double], from: [Int], to: [Int]) -> [Double]? {
    if from.count > to.count { return nil }
    let padded = [Int](repeating: 1, count: to.count - from.count) + from
    for d in 0..<to.count where padded[d] != to[d] && padded[d] != 1 { return nil }
    let inStrides = strides(padded)
    let total = to.reduce(1, *)
    var out = [Double]()
    out.reserveCapacity(total)
    var idx = [Int](repeating: 0, count: to.count)
    for _ in 0..<total {
        var src = 0
        for d in 0..<to.count where padded[d] != 1 { src += idx[d] * inStrides[d] }
        out.append(x[src])
        var d = to.count - 1
        while d >= 0 { idx[d] += 1; if idx[d] < to[d] { break }; idx[d] = 0; d -= 1 }
    }
    return out
}
