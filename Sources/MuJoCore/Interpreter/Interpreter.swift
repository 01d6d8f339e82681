// Runs a validated model: prepare once, invoke many times.
//
// Ownership and lifetimes:
// - The interpreter owns two blocks, allocated in `init` and freed in `deinit`:
//   the constant block (every constant tensor, 16-aligned, copied once from the model) and the
//   arena (every activation tensor, placed by ArenaPlanner; `arenaBytes` is its exact size).
// - `init` validates nothing new (ModelReader/ModelWriter already ran GraphValidator) but does
//   all the work: offsets, pointers, kernel parameters, activation ranges.
// - `invoke()` walks the prepared steps. It allocates nothing, checks nothing and cannot fail.
// - Input and output tensors live in the arena: write inputs before each invoke, read outputs
//   after it and before the next invoke.

public final class Interpreter {
    public let model: ModelDescription
    public let plan: ArenaPlan
    public let constantBytes: Int
    private let arena: UnsafeMutableRawPointer
    private let constants: UnsafeMutableRawPointer
    private let addresses: [UnsafeMutableRawPointer]
    private var steps: [Step] = []
    private var concatParts: UnsafeMutablePointer<ConcatPart>?
    /// Scratch of the float GEMM kernels (conv1dF32Gemm's im2col), sized at init for the largest op.
    private let gemmScratch: UnsafeMutablePointer<Float>
    public let gemmScratchBytes: Int

    public var arenaBytes: Int { plan.arenaBytes }

    /// `preserveIntermediates: true` gives every tensor its own arena bytes, so that all of them
    /// can be read after `invoke()` (calibration, per-layer fidelity); the arena is then larger.
    public init(model: ModelDescription, preserveIntermediates: Bool = false) {
        self.model = model
        plan = ArenaPlanner.plan(model, shareMemory: !preserveIntermediates)
        arena = UnsafeMutableRawPointer.allocate(byteCount: max(plan.arenaBytes, 16), alignment: ModelFormat.alignment)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: max(plan.arenaBytes, 16))
        var constantOffsets = [Int](repeating: -1, count: model.tensors.count)
        var total = 0
        for (i, t) in model.tensors.enumerated() where t.isConstant {
            constantOffsets[i] = total
            total += ArenaPlanner.align(t.byteCount)
        }
        constantBytes = total
        constants = UnsafeMutableRawPointer.allocate(byteCount: max(total, 16), alignment: ModelFormat.alignment)
        var addresses: [UnsafeMutableRawPointer] = []
        for (i, t) in model.tensors.enumerated() {
            if let data = t.data {
                let at = constants + constantOffsets[i]
                data.withUnsafeBytes { at.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                addresses.append(at)
            } else {
                // Tensors no op touches get offset −1: point them at the arena start (never read).
                addresses.append(arena + max(plan.offsets[i], 0))
            }
        }
        self.addresses = addresses
        var partCount = 0
        for op in model.ops where op.code == .concat { partCount += op.inputs.count }
        concatParts = partCount > 0 ? UnsafeMutablePointer<ConcatPart>.allocate(capacity: partCount) : nil
        var scratchCount = 0
        for op in model.ops where op.code == .conv1d && model.tensors[op.inputs[0]].dataType == .float32 {
            let g = Interpreter.geometry(model, op)
            if conv1dF32GemmApplies(g) { scratchCount = max(scratchCount, conv1dF32GemmScratchCount(g)) }
        }
        gemmScratchBytes = scratchCount * 4
        gemmScratch = UnsafeMutablePointer<Float>.allocate(capacity: max(scratchCount, 4))
        var usedParts = 0
        steps = model.ops.map { prepare($0, concatParts: &usedParts) }
    }

    deinit {
        arena.deallocate()
        constants.deallocate()
        concatParts?.deallocate()
        gemmScratch.deallocate()
    }

    /// Runs every op once. No allocation, no checks.
    public func invoke() {
        steps.withUnsafeBufferPointer { s in
            for step in s { step.run() }
        }
    }

    /// The bytes of tensor `id` (an input to fill, an output to read).
    public func tensorPointer(_ id: Int) -> UnsafeMutableRawPointer { addresses[id] }

    public func inputPointer(_ k: Int = 0) -> UnsafeMutableRawPointer { addresses[model.inputs[k]] }
    public func outputPointer(_ k: Int = 0) -> UnsafeMutableRawPointer { addresses[model.outputs[k]] }

    /// Copies output `k` into `out` as floats, dequantizing an int8 output.
    public func readOutput(_ k: Int = 0, into out: UnsafeMutablePointer<Float>) {
        let t = model.tensors[model.outputs[k]]
        let p = addresses[model.outputs[k]]
        switch t.dataType {
        case .float32: out.update(from: p.assumingMemoryBound(to: Float.self), count: t.elementCount)
        case .int8:
            let q = t.quantization!
            dequantizeS8ToF32(p.assumingMemoryBound(to: Int8.self), count: t.elementCount, scale: q.scale, zeroPoint: q.zeroPoint, output: out)
        case .int32:
            let src = p.assumingMemoryBound(to: Int32.self)
            for i in 0..<t.elementCount { out[i] = Float(src[i]) }
        }
    }

    // MARK: - Prepare

    private func ptr<T>(_ id: Int, _: T.Type) -> UnsafeMutablePointer<T> { addresses[id].assumingMemoryBound(to: T.self) }
    private func optionalPtr<T>(_ op: OpDescription, _ k: Int, _: T.Type) -> UnsafePointer<T>? {
        k < op.inputs.count && op.inputs[k] >= 0 ? UnsafePointer(ptr(op.inputs[k], T.self)) : nil
    }
    private func zp(_ id: Int) -> Int32 { model.tensors[id].quantization?.zeroPoint ?? 0 }

    private func outputIO(_ op: OpDescription, inputZeroPoint: Int32) -> QuantizedIO {
        let q = model.tensors[op.outputs[0]].quantization!
        let range = FixedPoint.activationRange(op.activation, scale: q.scale, zeroPoint: q.zeroPoint)
        return QuantizedIO(inputZeroPoint: inputZeroPoint, outputZeroPoint: q.zeroPoint, lo: range.lo, hi: range.hi)
    }

    private func binaryIO(_ op: OpDescription) -> BinaryQuantizedIO {
        let io = outputIO(op, inputZeroPoint: 0)
        return BinaryQuantizedIO(zeroPointA: zp(op.inputs[0]), zeroPointB: zp(op.inputs[1]), outputZeroPoint: io.outputZeroPoint, lo: io.lo, hi: io.hi)
    }

    static func geometry(_ model: ModelDescription, _ op: OpDescription) -> Conv1DGeometry {
        let xt = model.tensors[op.inputs[0]], w = model.tensors[op.inputs[1]], a = op.attributes
        return Conv1DGeometry(timeIn: xt.shape[0], channelsIn: xt.shape[1], channelsOut: w.shape[0], kernelSize: w.shape[1],
                              stride: Int(a[0]), dilation: Int(a[1]), padLeft: Int(a[2]), padRight: Int(a[3]), groups: Int(a[4]))
    }

    private func prepare(_ op: OpDescription, concatParts used: inout Int) -> Step {
        let x = op.inputs[0], y = op.outputs[0]
        let xt = model.tensors[x], yt = model.tensors[y]
        let int8 = xt.dataType == .int8
        let attrs = op.attributes
        switch op.code {
        case .conv1d:
            let g = Interpreter.geometry(model, op)
            if int8 {
                return .conv1dS8(x: ptr(x, Int8.self), w: ptr(op.inputs[1], Int8.self), bias: optionalPtr(op, 2, Int32.self),
                                 rq: ptr(op.inputs[3], Int32.self), y: ptr(y, Int8.self), g: g, io: outputIO(op, inputZeroPoint: zp(x)))
            }
            if conv1dF32GemmApplies(g) {
                return .conv1dF32Gemm(x: ptr(x, Float.self), w: ptr(op.inputs[1], Float.self), bias: optionalPtr(op, 2, Float.self),
                                      y: ptr(y, Float.self), g: g, act: op.activation, scratch: gemmScratch)
            }
            return .conv1dF32(x: ptr(x, Float.self), w: ptr(op.inputs[1], Float.self), bias: optionalPtr(op, 2, Float.self),
                              y: ptr(y, Float.self), g: g, act: op.activation)
        case .fullyConnected:
            let rows = xt.shape[0], k = xt.shape[1], o = model.tensors[op.inputs[1]].shape[0]
            if int8 {
                return .fullyConnectedS8(x: ptr(x, Int8.self), w: ptr(op.inputs[1], Int8.self), bias: optionalPtr(op, 2, Int32.self),
                                         rq: ptr(op.inputs[3], Int32.self), y: ptr(y, Int8.self), rows: rows, k: k, o: o,
                                         io: outputIO(op, inputZeroPoint: zp(x)))
            }
            return .fullyConnectedF32Gemm(x: ptr(x, Float.self), w: ptr(op.inputs[1], Float.self), bias: optionalPtr(op, 2, Float.self),
                                      y: ptr(y, Float.self), rows: rows, k: k, o: o, act: op.activation)
        case .add, .mul:
            let b = op.inputs[1]
            let count = xt.elementCount, bCount = model.tensors[b].elementCount
            if int8 {
                let rq = ptr(op.inputs[2], Int32.self)
                return op.code == .add
                    ? .addS8(a: ptr(x, Int8.self), b: ptr(b, Int8.self), count: count, bCount: bCount, rq: rq, y: ptr(y, Int8.self), io: binaryIO(op))
                    : .mulS8(a: ptr(x, Int8.self), b: ptr(b, Int8.self), count: count, bCount: bCount, rq: rq, y: ptr(y, Int8.self), io: binaryIO(op))
            }
            return op.code == .add
                ? .addF32(a: ptr(x, Float.self), b: ptr(b, Float.self), count: count, bCount: bCount, y: ptr(y, Float.self), act: op.activation)
                : .mulF32(a: ptr(x, Float.self), b: ptr(b, Float.self), count: count, bCount: bCount, y: ptr(y, Float.self), act: op.activation)
        case .gelu:
            if int8 { return .lookupS8(x: ptr(x, Int8.self), count: xt.elementCount, table: ptr(op.inputs[1], Int8.self), y: ptr(y, Int8.self)) }
            return .geluF32(x: ptr(x, Float.self), count: xt.elementCount, y: ptr(y, Float.self))
        case .softmax:
            let n = xt.shape[xt.shape.count - 1], rows = xt.elementCount / n
            if int8 { return .softmaxS8(x: ptr(x, Int8.self), rows: rows, n: n, table: ptr(op.inputs[1], Int32.self), y: ptr(y, Int8.self)) }
            return .softmaxF32(x: ptr(x, Float.self), rows: rows, n: n, y: ptr(y, Float.self))
        case .layerNorm:
            let c = xt.shape[xt.shape.count - 1], rows = xt.elementCount / c
            if int8 {
                return .layerNormS8(x: ptr(x, Int8.self), rows: rows, c: c, gamma: ptr(op.inputs[1], Int8.self), beta: ptr(op.inputs[2], Int32.self),
                                    rq: ptr(op.inputs[3], Int32.self), eps: attrs[0], y: ptr(y, Int8.self), zpIn: zp(x), zpOut: zp(y))
            }
            return .layerNormF32(x: ptr(x, Float.self), rows: rows, c: c, gamma: ptr(op.inputs[1], Float.self), beta: ptr(op.inputs[2], Float.self),
                                 eps: Float(bitPattern: UInt32(bitPattern: attrs[0])), y: ptr(y, Float.self))
        case .meanPool:
            if int8 {
                return .meanPoolS8(x: ptr(x, Int8.self), t: xt.shape[0], c: xt.shape[1], rq: ptr(op.inputs[1], Int32.self), y: ptr(y, Int8.self),
                                   io: outputIO(op, inputZeroPoint: zp(x)))
            }
            return .meanPoolF32(x: ptr(x, Float.self), t: xt.shape[0], c: xt.shape[1], y: ptr(y, Float.self), act: op.activation)
        case .batchMatMul:
            let b = model.tensors[op.inputs[1]]
            let tb = attrs[0] == 1
            let n = tb ? b.shape[1] : b.shape[2]
            if int8 {
                return .batchMatMulS8(a: ptr(x, Int8.self), b: ptr(op.inputs[1], Int8.self), batches: xt.shape[0], m: xt.shape[1], k: xt.shape[2], n: n,
                                      transposeB: tb, rq: ptr(op.inputs[2], Int32.self), y: ptr(y, Int8.self), io: binaryIO(op))
            }
            return .batchMatMulF32(a: ptr(x, Float.self), b: ptr(op.inputs[1], Float.self), batches: xt.shape[0], m: xt.shape[1], k: xt.shape[2], n: n,
                                   transposeB: tb, y: ptr(y, Float.self), act: op.activation)
        case .l2Normalize:
            let n = xt.shape[xt.shape.count - 1], rows = xt.elementCount / n
            if int8 { return .l2NormalizeS8(x: ptr(x, Int8.self), rows: rows, n: n, zpIn: zp(x), y: ptr(y, Int8.self)) }
            return .l2NormalizeF32(x: ptr(x, Float.self), rows: rows, n: n, y: ptr(y, Float.self))
        case .quantize:
            let q = yt.quantization!
            return .quantize(x: ptr(x, Float.self), count: xt.elementCount, scale: q.scale, zp: q.zeroPoint, y: ptr(y, Int8.self))
        case .dequantize:
            let q = xt.quantization!
            return .dequantize(x: ptr(x, Int8.self), count: xt.elementCount, scale: q.scale, zp: q.zeroPoint, y: ptr(y, Float.self))
        case .transpose:
            let plan = TransposePlan(shape: xt.shape, perm: attrs.map { Int($0) })
            if xt.dataType.byteSize == 1 { return .transpose1(x: ptr(x, Int8.self), plan: plan, y: ptr(y, Int8.self)) }
            return .transpose4(x: ptr(x, UInt32.self), plan: plan, y: ptr(y, UInt32.self))
        case .reshape:
            return .copy(x: addresses[x], bytes: xt.byteCount, y: addresses[y])
        case .concat:
            let axis = Int(attrs[0])
            var outer = 1
            for d in 0..<axis { outer *= yt.shape[d] }
            let parts = concatParts! + used
            for (k, id) in op.inputs.enumerated() {
                let t = model.tensors[id]
                parts[k] = ConcatPart(base: UnsafeRawPointer(addresses[id]), chunkBytes: t.byteCount / outer)
            }
            used += op.inputs.count
            return .concat(parts: UnsafePointer(parts), partCount: op.inputs.count, outer: outer, y: addresses[y], rowBytes: yt.byteCount / outer)
        case .relu:
            if int8 { return .reluS8(x: ptr(x, Int8.self), count: xt.elementCount, zp: zp(x), y: ptr(y, Int8.self)) }
            return .reluF32(x: ptr(x, Float.self), count: xt.elementCount, y: ptr(y, Float.self))
        }
    }
}
