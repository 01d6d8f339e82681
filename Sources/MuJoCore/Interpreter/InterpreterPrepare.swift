// Prepare: each op becomes a PreparedStep — the kernel variant chosen from the KernelSet, called
// with every pointer and parameter resolved here, so invoke is a loop of calls with no lookups,
// checks or allocations. A new op needs one branch here and its reference kernel in Kernels/.

extension Interpreter {
    private func ptr<T>(_ id: Int, _: T.Type) -> UnsafeMutablePointer<T> { addresses[id].assumingMemoryBound(to: T.self) }
    private func optionalPtr<T>(_ op: OpDescription, _ k: Int, _: T.Type) -> UnsafePointer<T>? {
        k < op.inputs.count && op.inputs[k] >= 0 ? UnsafePointer(ptr(op.inputs[k], T.self)) : nil
    }
    private func zeroPoint(_ id: Int) -> Int32 { model.tensors[id].quantization?.zeroPoint ?? 0 }

    private func outputIO(_ op: OpDescription, inputZeroPoint: Int32) -> QuantizedIO {
        let q = model.tensors[op.outputs[0]].quantization!
        let range = FixedPoint.activationRange(op.activation, scale: q.scale, zeroPoint: q.zeroPoint)
        return QuantizedIO(inputZeroPoint: inputZeroPoint, outputZeroPoint: q.zeroPoint, lo: range.lo, hi: range.hi)
    }

    private func binaryIO(_ op: OpDescription) -> BinaryQuantizedIO {
        let io = outputIO(op, inputZeroPoint: 0)
        return BinaryQuantizedIO(zeroPointA: zeroPoint(op.inputs[0]), zeroPointB: zeroPoint(op.inputs[1]),
                                 outputZeroPoint: io.outputZeroPoint, lo: io.lo, hi: io.hi)
    }

    static func geometry(_ model: ModelDescription, _ op: OpDescription) -> Conv1DGeometry {
        let xt = model.tensors[op.inputs[0]], w = model.tensors[op.inputs[1]], a = op.attributes
        return Conv1DGeometry(timeIn: xt.shape[0], channelsIn: xt.shape[1], channelsOut: w.shape[0], kernelSize: w.shape[1],
                              stride: Int(a[0]), dilation: Int(a[1]), padLeft: Int(a[2]), padRight: Int(a[3]), groups: Int(a[4]))
    }

    /// The largest scratch any op's chosen convolution variant asks for.
    static func scratchBytes(_ model: ModelDescription, _ kernels: KernelSet) -> Int {
        var bytes = 0
        for op in model.ops where op.code == .conv1d {
            let g = geometry(model, op)
            let need = model.tensors[op.inputs[0]].dataType == .int8 ? kernels.conv1dS8.scratchBytes?(g) : kernels.conv1dF32.scratchBytes?(g)
            bytes = max(bytes, need ?? 0)
        }
        return bytes
    }

    func prepare(_ op: OpDescription, _ kernels: KernelSet, concatParts used: inout Int) -> PreparedStep {
        let x = op.inputs[0], y = op.outputs[0]
        let xt = model.tensors[x], yt = model.tensors[y]
        let int8 = xt.dataType == .int8
        let attrs = op.attributes
        let scratch = self.scratch
        func step<F>(_ k: KernelVariant<F>, _ call: @escaping (F) -> Void) -> PreparedStep {
            let f = k.function
            return PreparedStep(run: { call(f) }, variant: k.name)
        }
        switch op.code {
        case .conv1d:
            let g = Interpreter.geometry(model, op)
            if int8 {
                let (xp, w, b, rq, yp, io) = (ptr(x, Int8.self), ptr(op.inputs[1], Int8.self), optionalPtr(op, 2, Int32.self),
                                              ptr(op.inputs[3], Int32.self), ptr(y, Int8.self), outputIO(op, inputZeroPoint: zeroPoint(x)))
                return step(kernels.conv1dS8) { $0(xp, w, b, rq, yp, g, io, scratch) }
            }
            let (xp, w, b, yp, act) = (ptr(x, Float.self), ptr(op.inputs[1], Float.self), optionalPtr(op, 2, Float.self), ptr(y, Float.self), op.activation)
            return step(kernels.conv1dF32) { $0(xp, w, b, yp, g, act, scratch) }
        case .fullyConnected:
            let rows = xt.shape[0], k = xt.shape[1], o = model.tensors[op.inputs[1]].shape[0]
            if int8 {
                let (xp, w, b, rq, yp, io) = (ptr(x, Int8.self), ptr(op.inputs[1], Int8.self), optionalPtr(op, 2, Int32.self),
                                              ptr(op.inputs[3], Int32.self), ptr(y, Int8.self), outputIO(op, inputZeroPoint: zeroPoint(x)))
                return step(kernels.fullyConnectedS8) { $0(xp, w, b, rq, yp, rows, k, o, io) }
            }
            let (xp, w, b, yp, act) = (ptr(x, Float.self), ptr(op.inputs[1], Float.self), optionalPtr(op, 2, Float.self), ptr(y, Float.self), op.activation)
            return step(kernels.fullyConnectedF32) { $0(xp, w, b, yp, rows, k, o, act) }
        case .add, .mul:
            let count = xt.elementCount, bCount = model.tensors[op.inputs[1]].elementCount
            if int8 {
                let (a, b, rq, yp, io) = (ptr(x, Int8.self), ptr(op.inputs[1], Int8.self), ptr(op.inputs[2], Int32.self), ptr(y, Int8.self), binaryIO(op))
                return step(op.code == .add ? kernels.addS8 : kernels.mulS8) { $0(a, b, count, bCount, rq, yp, io) }
            }
            let (a, b, yp, act) = (ptr(x, Float.self), ptr(op.inputs[1], Float.self), ptr(y, Float.self), op.activation)
            return step(op.code == .add ? kernels.addF32 : kernels.mulF32) { $0(a, b, count, bCount, yp, act) }
        case .gelu:
            let count = xt.elementCount
            if int8 {
                let (xp, table, yp) = (ptr(x, Int8.self), ptr(op.inputs[1], Int8.self), ptr(y, Int8.self))
                return step(kernels.lookupS8) { $0(xp, count, table, yp) }
            }
            let (xp, yp) = (ptr(x, Float.self), ptr(y, Float.self))
            return step(kernels.geluF32) { $0(xp, count, yp) }
        case .softmax:
            let n = xt.shape[xt.shape.count - 1], rows = xt.elementCount / n
            if int8 {
                let (xp, table, yp) = (ptr(x, Int8.self), ptr(op.inputs[1], Int32.self), ptr(y, Int8.self))
                return step(kernels.softmaxS8) { $0(xp, rows, n, table, yp) }
            }
            let (xp, yp) = (ptr(x, Float.self), ptr(y, Float.self))
            return step(kernels.softmaxF32) { $0(xp, rows, n, yp) }
        case .layerNorm:
            let c = xt.shape[xt.shape.count - 1], rows = xt.elementCount / c
            if int8 {
                let (xp, gamma, beta, rq, yp) = (ptr(x, Int8.self), ptr(op.inputs[1], Int8.self), ptr(op.inputs[2], Int32.self),
                                                 ptr(op.inputs[3], Int32.self), ptr(y, Int8.self))
                let (eps, zpIn, zpOut) = (attrs[0], zeroPoint(x), zeroPoint(y))
                return step(kernels.layerNormS8) { $0(xp, rows, c, gamma, beta, rq, eps, yp, zpIn, zpOut) }
            }
            let (xp, gamma, beta, yp) = (ptr(x, Float.self), ptr(op.inputs[1], Float.self), ptr(op.inputs[2], Float.self), ptr(y, Float.self))
            let eps = Float(bitPattern: UInt32(bitPattern: attrs[0]))
            return step(kernels.layerNormF32) { $0(xp, rows, c, gamma, beta, eps, yp) }
        case .meanPool:
            let (t, c) = (xt.shape[0], xt.shape[1])
            if int8 {
                let (xp, rq, yp, io) = (ptr(x, Int8.self), ptr(op.inputs[1], Int32.self), ptr(y, Int8.self), outputIO(op, inputZeroPoint: zeroPoint(x)))
                return step(kernels.meanPoolS8) { $0(xp, t, c, rq, yp, io) }
            }
            let (xp, yp, act) = (ptr(x, Float.self), ptr(y, Float.self), op.activation)
            return step(kernels.meanPoolF32) { $0(xp, t, c, yp, act) }
        case .batchMatMul:
            let bt = model.tensors[op.inputs[1]]
            let transposeB = attrs[0] == 1
            let (batches, m, k, n) = (xt.shape[0], xt.shape[1], xt.shape[2], transposeB ? bt.shape[1] : bt.shape[2])
            if int8 {
                let (a, b, rq, yp, io) = (ptr(x, Int8.self), ptr(op.inputs[1], Int8.self), ptr(op.inputs[2], Int32.self), ptr(y, Int8.self), binaryIO(op))
                return step(kernels.batchMatMulS8) { $0(a, b, batches, m, k, n, transposeB, rq, yp, io) }
            }
            let (a, b, yp, act) = (ptr(x, Float.self), ptr(op.inputs[1], Float.self), ptr(y, Float.self), op.activation)
            return step(kernels.batchMatMulF32) { $0(a, b, batches, m, k, n, transposeB, yp, act) }
        case .l2Normalize:
            let n = xt.shape[xt.shape.count - 1], rows = xt.elementCount / n
            if int8 {
                let (xp, zpIn, yp) = (ptr(x, Int8.self), zeroPoint(x), ptr(y, Int8.self))
                return step(kernels.l2NormalizeS8) { $0(xp, rows, n, zpIn, yp) }
            }
            let (xp, yp) = (ptr(x, Float.self), ptr(y, Float.self))
            return step(kernels.l2NormalizeF32) { $0(xp, rows, n, yp) }
        case .quantize:
            let q = yt.quantization!
            let (xp, count, scale, zp, yp) = (ptr(x, Float.self), xt.elementCount, q.scale, q.zeroPoint, ptr(y, Int8.self))
            return step(kernels.quantize) { $0(xp, count, scale, zp, yp) }
        case .dequantize:
            let q = xt.quantization!
            let (xp, count, scale, zp, yp) = (ptr(x, Int8.self), xt.elementCount, q.scale, q.zeroPoint, ptr(y, Float.self))
            return step(kernels.dequantize) { $0(xp, count, scale, zp, yp) }
        case .relu:
            let count = xt.elementCount
            if int8 {
                let (xp, zp, yp) = (ptr(x, Int8.self), zeroPoint(x), ptr(y, Int8.self))
                return step(kernels.reluS8) { $0(xp, count, zp, yp) }
            }
            let (xp, yp) = (ptr(x, Float.self), ptr(y, Float.self))
            return step(kernels.reluF32) { $0(xp, count, yp) }
        // Data movement has one implementation each (DataMovement.swift): nothing to choose.
        case .transpose:
            let plan = TransposePlan(shape: xt.shape, perm: attrs.map { Int($0) })
            if xt.dataType.byteSize == 1 {
                let (xp, yp) = (ptr(x, Int8.self), ptr(y, Int8.self))
                return PreparedStep(run: { transposeElements(xp, plan: plan, output: yp) }, variant: "reference")
            }
            let (xp, yp) = (ptr(x, UInt32.self), ptr(y, UInt32.self))
            return PreparedStep(run: { transposeElements(xp, plan: plan, output: yp) }, variant: "reference")
        case .reshape:
            let (xp, bytes, yp) = (UnsafeRawPointer(addresses[x]), xt.byteCount, addresses[y])
            return PreparedStep(run: { copyBytes(xp, count: bytes, output: yp) }, variant: "reference")
        case .concat:
            let axis = Int(attrs[0])
            var outer = 1
            for d in 0..<axis { outer *= yt.shape[d] }
            let parts = concatParts! + used
            for (k, id) in op.inputs.enumerated() {
                parts[k] = ConcatPart(base: UnsafeRawPointer(addresses[id]), chunkBytes: model.tensors[id].byteCount / outer)
            }
            used += op.inputs.count
            let (count, yp, rowBytes) = (op.inputs.count, addresses[y], yt.byteCount / outer)
            return PreparedStep(run: { concatBytes(parts, count: count, outer: outer, output: yp, rowBytes: rowBytes) }, variant: "reference")
        }
    }
}
