// Transpose and plain copies on raw elements of any size (int8, int32, float32 alike).

/// A transpose of a rank ≤ 4 tensor, planned once: output dims and the input stride of each
/// output axis, padded with leading unit axes so one loop nest serves every rank.
public struct TransposePlan: Equatable {
    public var dims: (Int, Int, Int, Int)
    public var strides: (Int, Int, Int, Int)

    /// `perm[i]` names the input axis that becomes output axis i.
    public init(shape: [Int], perm: [Int]) {
        var inStrides = [Int](repeating: 0, count: shape.count)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) { inStrides[i] = s; s *= shape[i] }
        var d = [1, 1, 1, 1], st = [0, 0, 0, 0]
        let pad = 4 - shape.count
        for i in 0..<perm.count {
            d[pad + i] = shape[perm[i]]
            st[pad + i] = inStrides[perm[i]]
        }
        dims = (d[0], d[1], d[2], d[3])
        strides = (st[0], st[1], st[2], st[3])
    }

    public static func == (l: TransposePlan, r: TransposePlan) -> Bool {
        l.dims == r.dims && l.strides == r.strides
    }
}

public func transposeElements<T>(_ x: UnsafePointer<T>, plan: TransposePlan, output: UnsafeMutablePointer<T>) {
    let (d0, d1, d2, d3) = plan.dims, (s0, s1, s2, s3) = plan.strides
    var o = 0
    for a in 0..<d0 {
        for b in 0..<d1 {
            for c in 0..<d2 {
                let base = a * s0 + b * s1 + c * s2
                if s3 == 1 {
                    // The last axis stays last (e.g. attention's heads moved in front of the steps):
                    // a contiguous run, which the compiler turns into vector copies.
                    let from = x + base, to = output + o
                    for d in 0..<d3 { to[d] = from[d] }
                } else {
                    for d in 0..<d3 { output[o + d] = x[base + d * s3] }
                }
                o += d3
            }
        }
    }
}

/// Copies `count` bytes (reshape and concat are copies into the output tensor).
public func copyBytes(_ x: UnsafeRawPointer, count: Int, output: UnsafeMutableRawPointer) {
    if x != UnsafeRawPointer(output) { output.copyMemory(from: x, byteCount: count) }
}

/// One input of a concat: its base address and the bytes it contributes per outer block.
public struct ConcatPart {
    public var base: UnsafeRawPointer
    public var chunkBytes: Int
    public init(base: UnsafeRawPointer, chunkBytes: Int) {
        self.base = base
        self.chunkBytes = chunkBytes
    }
}

/// Concat along an axis: for each of `outer` blocks, copy each input's contiguous chunk in turn
/// (a block of the output is `rowBytes` long).
public func concatBytes(_ parts: UnsafePointer<ConcatPart>, count: Int, outer: Int, output: UnsafeMutableRawPointer, rowBytes: Int) {
    for o in 0..<outer {
        var at = output + o * rowBytes
        for p in 0..<count {
            let part = parts[p]
            at.copyMemory(from: part.base + o * part.chunkBytes, byteCount: part.chunkBytes)
            at += part.chunkBytes
        }
    }
}
