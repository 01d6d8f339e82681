// What each op accepts: inputs, dtypes, shapes and attributes. The table in docs/model-format.md
// is the prose form of this file.
import MuJoSystem

enum OpSignature {
    static func check(_ c: OpContext) throws(ModelError) {
        // Every op reads input 0 (its dtype picks the family) and writes output 0: checked before
        // any signature looks at them (found by the model fuzz target: a GELU with no inputs).
        guard let first = c.op.inputs.first, first != -1, !c.op.outputs.isEmpty else {
            throw c.fail(.badGraph, "has \(c.op.inputs.count) inputs and \(c.op.outputs.count) outputs; every op needs input 0 and an output")
        }
        switch c.op.code {
        case .conv1d: try conv1d(c)
        case .fullyConnected: try fullyConnected(c)
        case .add, .mul: try elementwise(c)
        case .gelu: try gelu(c)
        case .softmax: try softmax(c)
        case .layerNorm: try layerNorm(c)
        case .meanPool: try meanPool(c)
        case .transpose: try transpose(c)
        case .reshape: try reshape(c)
        case .concat: try concat(c)
        case .batchMatMul: try batchMatMul(c)
        case .l2Normalize: try l2Normalize(c)
        case .quantize, .dequantize: try quantize(c)
        case .relu: try relu(c)
        }
        if c.op.activation != .none {
            switch c.op.code {
            case .conv1d, .fullyConnected, .add, .mul, .meanPool, .batchMatMul: break
            default: throw c.fail(.badAttribute, "cannot fuse an activation")
            }
        }
    }

    static func isInt8(_ c: OpContext) -> Bool { c.input(0).dataType == .int8 }

    /// The int8 or float32 family: every activation in and out has the family's dtype.
    static func family(_ c: OpContext, _ ids: [Int]) throws(ModelError) -> DataType {
        let dt = c.input(0).dataType
        guard dt == .int8 || dt == .float32 else { throw c.fail(.dataTypeMismatch, "input is \(dt.name); ops run on int8 or float32") }
        for k in ids { try c.dtype(c.input(k), dt, "input \(k)") }
        try c.dtype(c.output(), dt, "output")
        return dt
    }

    static func conv1d(_ c: OpContext) throws(ModelError) {
        let int8 = isInt8(c)
        try c.counts(inputs: int8 ? 4...4 : 2...3, attributes: 5...5)
        _ = try family(c, [1])
        let x = c.input(0), w = c.input(1), y = c.output()
        try c.rank(x, 2, "input"); try c.rank(w, 3, "weights"); try c.rank(y, 2, "output")
        try c.constant(w, "weights")
        let a = c.op.attributes
        let stride = Int(a[0]), dilation = Int(a[1]), padL = Int(a[2]), padR = Int(a[3]), groups = Int(a[4])
        guard stride >= 1, stride <= 1024, dilation >= 1, dilation <= 1024, padL >= 0, padL <= 4096, padR >= 0, padR <= 4096, groups >= 1 else {
            throw c.fail(.badAttribute, "stride \(stride), dilation \(dilation), padding \(padL)/\(padR), groups \(groups) out of range")
        }
        let cin = x.shape[1], cout = w.shape[0], k = w.shape[1]
        guard cin % groups == 0, cout % groups == 0, w.shape[2] == cin / groups else {
            throw c.fail(.shapeMismatch, "weights \(w.shape) do not fit \(cin) input channels in \(groups) groups")
        }
        let span = dilation * (k - 1) + 1
        let tin = x.shape[0] + padL + padR
        guard tin >= span else { throw c.fail(.shapeMismatch, "input of \(x.shape[0]) steps is shorter than the kernel span \(span)") }
        try c.shape(y, [(tin - span) / stride + 1, cout], "output")
        guard k * (cin / groups) <= GraphValidator.maxReduction else { throw c.fail(.badAttribute, "reduction of \(k * cin / groups) terms is too long") }
        if c.has(2) { try c.dtype(c.input(2), int8 ? .int32 : .float32, "bias"); try c.shape(c.input(2), [cout], "bias"); try c.constant(c.input(2), "bias") }
        if int8 { try weightsPerChannel(c, w, cout); try c.requant(3, channels: cout) }
    }

    static func weightsPerChannel(_ c: OpContext, _ w: TensorDescription, _ channels: Int) throws(ModelError) {
        guard let q = w.quantization, q.axis == 0 || channels == 1 else {
            throw c.fail(.badTensor, "int8 weights '\(w.name)' need per-output-channel scales on axis 0")
        }
        for z in q.zeroPoints where z != 0 { throw c.fail(.badTensor, "int8 weights '\(w.name)' must be symmetric (zero point 0)") }
    }

    static func fullyConnected(_ c: OpContext) throws(ModelError) {
        let int8 = isInt8(c)
        try c.counts(inputs: int8 ? 4...4 : 2...3, attributes: 0...0)
        _ = try family(c, [1])
        let x = c.input(0), w = c.input(1)
        try c.rank(x, 2, "input"); try c.rank(w, 2, "weights"); try c.constant(w, "weights")
        let n = x.shape[0], k = x.shape[1], o = w.shape[0]
        guard w.shape[1] == k else { throw c.fail(.shapeMismatch, "weights \(w.shape) do not take \(k) inputs") }
        guard k <= GraphValidator.maxReduction else { throw c.fail(.badAttribute, "reduction of \(k) terms is too long") }
        try c.shape(c.output(), [n, o], "output")
        if c.has(2) { try c.dtype(c.input(2), int8 ? .int32 : .float32, "bias"); try c.shape(c.input(2), [o], "bias"); try c.constant(c.input(2), "bias") }
        if int8 { try weightsPerChannel(c, w, o); try c.requant(3, channels: o) }
    }

    static func elementwise(_ c: OpContext) throws(ModelError) {
        let int8 = isInt8(c)
        try c.counts(inputs: int8 ? 3...3 : 2...2, attributes: 0...0)
        _ = try family(c, [1])
        let a = c.input(0), b = c.input(1)
        let last = a.shape[a.shape.count - 1]
        guard b.shape == a.shape || b.shape == [last] || b.shape == [1] else {
            throw c.fail(.shapeMismatch, "second input \(b.shape) must have the shape of the first \(a.shape), [\(last)] or [1]")
        }
        try c.shape(c.output(), a.shape, "output")
        if int8 { try c.requant(2, channels: c.op.code == .add ? 3 : 1) }
    }

    static func gelu(_ c: OpContext) throws(ModelError) {
        let int8 = isInt8(c)
        try c.counts(inputs: int8 ? 2...2 : 1...1, attributes: 0...0)
        try c.dtype(c.output(), c.input(0).dataType, "output")
        try c.shape(c.output(), c.input(0).shape, "output")
        if int8 {
            try c.constant(c.input(1), "lookup table"); try c.dtype(c.input(1), .int8, "lookup table"); try c.shape(c.input(1), [256], "lookup table")
        } else { try c.dtype(c.input(0), .float32, "input") }
    }

    static func softmax(_ c: OpContext) throws(ModelError) {
        let int8 = isInt8(c)
        try c.counts(inputs: int8 ? 2...2 : 1...1, attributes: 0...0)
        _ = try family(c, [])
        try c.shape(c.output(), c.input(0).shape, "output")
        if int8 {
            try c.constant(c.input(1), "exp table"); try c.dtype(c.input(1), .int32, "exp table"); try c.shape(c.input(1), [256], "exp table")
            guard c.output().quantization == TensorQuantization(scale: 1.0 / 256, zeroPoint: -128) else {
                throw c.fail(.badTensor, "int8 softmax output must have scale 1/256 and zero point −128")
            }
            let e = Int32Values(c.input(1).data!)
            for i in 0..<256 where e[i] < 0 || e[i] > (1 << 20) { throw c.fail(.badAttribute, "exp table entry \(i) = \(e[i]) is outside 0…2^20") }
            guard e[0] > 0 else { throw c.fail(.badAttribute, "exp table entry 0 must be positive (it is exp(0))") }
        }
    }

    static func layerNorm(_ c: OpContext) throws(ModelError) {
        let int8 = isInt8(c)
        try c.counts(inputs: int8 ? 4...4 : 3...3, attributes: 1...1)
        _ = try family(c, [])
        let x = c.input(0)
        let ch = x.shape[x.shape.count - 1]
        guard ch <= GraphValidator.maxReduction else { throw c.fail(.badAttribute, "normalises \(ch) channels; at most \(GraphValidator.maxReduction)") }
        try c.shape(c.output(), x.shape, "output")
        try c.constant(c.input(1), "gamma"); try c.constant(c.input(2), "beta")
        try c.shape(c.input(1), [ch], "gamma"); try c.shape(c.input(2), [ch], "beta")
        if int8 {
            try c.dtype(c.input(1), .int8, "gamma"); try c.dtype(c.input(2), .int32, "beta")
            try weightsPerChannel(c, c.input(1), ch)
            try c.requant(3, channels: ch)
            guard c.op.attributes[0] >= 0 else { throw c.fail(.badAttribute, "integer epsilon \(c.op.attributes[0]) is negative") }
        } else {
            try c.dtype(c.input(1), .float32, "gamma"); try c.dtype(c.input(2), .float32, "beta")
            let eps = Float(bitPattern: UInt32(bitPattern: c.op.attributes[0]))
            guard eps.isFinite, eps >= 0 else { throw c.fail(.badAttribute, "epsilon \(eps) is not a finite non-negative number") }
        }
    }

    static func meanPool(_ c: OpContext) throws(ModelError) {
        let int8 = isInt8(c)
        try c.counts(inputs: int8 ? 2...2 : 1...1, attributes: 0...0)
        _ = try family(c, [])
        let x = c.input(0)
        try c.rank(x, 2, "input")
        guard x.shape[0] <= GraphValidator.maxReduction else { throw c.fail(.badAttribute, "pools \(x.shape[0]) steps; at most \(GraphValidator.maxReduction)") }
        try c.shape(c.output(), [1, x.shape[1]], "output")
        if int8 { try c.requant(1, channels: 1) }
    }

    static func transpose(_ c: OpContext) throws(ModelError) {
        try c.counts(inputs: 1...1, attributes: 1...ModelFormat.maxRank)
        let x = c.input(0), y = c.output()
        let perm = c.op.attributes.map { Int($0) }
        var sortedPerm = perm
        insertionSort(&sortedPerm, by: <)   // MuJoSystem/SmallSort.swift
        guard perm.count == x.shape.count, sortedPerm == Array(0..<perm.count) else {
            throw c.fail(.badAttribute, "permutation \(perm) does not fit rank \(x.shape.count)")
        }
        try c.dtype(y, x.dataType, "output")
        try c.shape(y, perm.map { x.shape[$0] }, "output")
        try c.sameQuantization(x, y)
    }

    static func reshape(_ c: OpContext) throws(ModelError) {
        try c.counts(inputs: 1...1, attributes: 0...0)
        let x = c.input(0), y = c.output()
        try c.dtype(y, x.dataType, "output")
        guard x.elementCount == y.elementCount else { throw c.fail(.shapeMismatch, "cannot reshape \(x.shape) into \(y.shape)") }
        try c.sameQuantization(x, y)
    }

    static func concat(_ c: OpContext) throws(ModelError) {
        try c.counts(inputs: 1...16, attributes: 1...1)
        let first = c.input(0), y = c.output()
        let axis = Int(c.op.attributes[0])
        guard axis >= 0, axis < first.shape.count else { throw c.fail(.badAttribute, "axis \(axis) is outside rank \(first.shape.count)") }
        var total = 0
        for k in 0..<c.op.inputs.count {
            let t = c.input(k)
            try c.dtype(t, first.dataType, "input \(k)")
            try c.sameQuantization(t, y)
            guard t.shape.count == first.shape.count else { throw c.fail(.shapeMismatch, "input \(k) has rank \(t.shape.count)") }
            for d in 0..<t.shape.count where d != axis && t.shape[d] != first.shape[d] {
                throw c.fail(.shapeMismatch, "input \(k) \(t.shape) differs from \(first.shape) off the axis")
            }
            total += t.shape[axis]
        }
        var expected = first.shape
        expected[axis] = total
        try c.dtype(y, first.dataType, "output")
        try c.shape(y, expected, "output")
    }

    static func batchMatMul(_ c: OpContext) throws(ModelError) {
        let int8 = isInt8(c)
        try c.counts(inputs: int8 ? 3...3 : 2...2, attributes: 1...1)
        _ = try family(c, [1])
        let a = c.input(0), b = c.input(1)
        try c.rank(a, 3, "first input"); try c.rank(b, 3, "second input")
        let transB = c.op.attributes[0]
        guard transB == 0 || transB == 1 else { throw c.fail(.badAttribute, "transposeB must be 0 or 1, is \(transB)") }
        let k = a.shape[2]
        let kb = transB == 1 ? b.shape[2] : b.shape[1], n = transB == 1 ? b.shape[1] : b.shape[2]
        guard b.shape[0] == a.shape[0], kb == k else { throw c.fail(.shapeMismatch, "cannot multiply \(a.shape) by \(b.shape)\(transB == 1 ? "ᵀ" : "")") }
        guard k <= GraphValidator.maxReduction else { throw c.fail(.badAttribute, "reduction of \(k) terms is too long") }
        try c.shape(c.output(), [a.shape[0], a.shape[1], n], "output")
        if int8 { try c.requant(2, channels: 1) }
    }

    static func l2Normalize(_ c: OpContext) throws(ModelError) {
        try c.counts(inputs: 1...1, attributes: 0...0)
        let dt = try family(c, [])
        try c.shape(c.output(), c.input(0).shape, "output")
        guard c.input(0).shape[c.input(0).shape.count - 1] <= GraphValidator.maxReduction else { throw c.fail(.badAttribute, "row is too long") }
        if dt == .int8, c.output().quantization != TensorQuantization(scale: 1.0 / 128, zeroPoint: 0) {
            throw c.fail(.badTensor, "int8 L2Normalize output must have scale 1/128 and zero point 0")
        }
    }

    static func quantize(_ c: OpContext) throws(ModelError) {
        try c.counts(inputs: 1...1, attributes: 0...0)
        let toInt8 = c.op.code == .quantize
        try c.dtype(c.input(0), toInt8 ? .float32 : .int8, "input")
        try c.dtype(c.output(), toInt8 ? .int8 : .float32, "output")
        try c.shape(c.output(), c.input(0).shape, "output")
    }

    static func relu(_ c: OpContext) throws(ModelError) {
        try c.counts(inputs: 1...1, attributes: 0...0)
        _ = try family(c, [])
        try c.shape(c.output(), c.input(0).shape, "output")
        try c.sameQuantization(c.input(0), c.output())
    }
}
