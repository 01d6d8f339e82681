// Runs a validated model: prepare once, invoke many times.
//
// Ownership and lifetimes:
// - The interpreter owns three blocks, allocated in `init` and freed in `deinit`:
//   the constant block (every constant tensor, 16-aligned, copied once from the model), the
//   arena (every activation tensor, placed by ArenaPlanner; `arenaBytes` is its exact size) and
//   the kernels' scratch (the largest any chosen variant asks for; `scratchBytes`).
// - `init` validates nothing new (ModelReader and the writer already ran GraphValidator) but
//   does all the work: offsets, pointers, kernel parameters, activation ranges, and the choice
//   of kernel variant per op from a `KernelSet` (Kernels/KernelDispatch.swift).
// - `invoke()` walks the prepared steps. It allocates nothing, checks nothing and cannot fail.
//   `invoke(observer:)` does the same and tells an observer when each op starts and ends
//   (per-op timing for `mujo bench`); the plain `invoke()` has no observer cost at all.
// - Input and output tensors live in the arena: write inputs before each invoke, read outputs
//   after it and before the next invoke.

/// Told when each op of an `invoke(observer:)` starts and ends (a profiler, a tracer).
public protocol InvokeObserver {
    mutating func willRun(op index: Int)
    mutating func didRun(op index: Int)
}

/// One prepared op: the chosen kernel with every pointer and parameter bound at prepare time.
struct PreparedStep {
    let run: () -> Void
    let variant: StaticString
}

public final class Interpreter {
    public let model: ModelDescription
    public let plan: ArenaPlan
    public let constantBytes: Int
    /// Bytes of kernel scratch (e.g. im2col for a GEMM convolution); 0 with the reference kernels.
    public let scratchBytes: Int
    let arena: UnsafeMutableRawPointer
    let constants: UnsafeMutableRawPointer
    let scratch: UnsafeMutableRawPointer
    let addresses: [UnsafeMutableRawPointer]
    let concatParts: UnsafeMutablePointer<ConcatPart>?
    private var steps: [PreparedStep] = []

    public var arenaBytes: Int { plan.arenaBytes }

    /// `kernels`: which variant of each kernel family to run (default: the best this build and
    /// CPU have). `preserveIntermediates: true` gives every tensor its own arena bytes, so that
    /// all of them can be read after `invoke()` (calibration, per-layer fidelity); the arena is
    /// then larger.
    public init(model: ModelDescription, kernels: KernelSet = .best, preserveIntermediates: Bool = false) {
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
        scratchBytes = Interpreter.scratchBytes(model, kernels)
        scratch = UnsafeMutableRawPointer.allocate(byteCount: max(scratchBytes, 16), alignment: ModelFormat.alignment)
        var usedParts = 0
        steps = model.ops.map { prepare($0, kernels, concatParts: &usedParts) }
    }

    deinit {
        arena.deallocate()
        constants.deallocate()
        concatParts?.deallocate()
        scratch.deallocate()
    }

    /// Runs every op once. No allocation, no checks.
    public func invoke() {
        steps.withUnsafeBufferPointer { s in
            for step in s { step.run() }
        }
    }

    /// Runs every op once, telling `observer` when each starts and ends.
    public func invoke<Observer: InvokeObserver>(observer: inout Observer) {
        steps.withUnsafeBufferPointer { s in
            for i in 0..<s.count {
                observer.willRun(op: i)
                s[i].run()
                observer.didRun(op: i)
            }
        }
    }

    /// The name of the kernel variant op `index` runs ("reference", "gemm-c", "gemm-neon", …).
    public func kernelVariant(op index: Int) -> StaticString { steps[index].variant }

    /// The bytes of tensor `id` (an input to fill, an output to read).
    public func tensorPointer(_ id: Int) -> UnsafeMutableRawPointer { addresses[id] }

    public func inputPointer(_ k: Int = 0) -> UnsafeMutableRawPointer { addresses[model.inputs[k]] }
    public func outputPointer(_ k: Int = 0) -> UnsafeMutableRawPointer { addresses[model.outputs[k]] }

    /// Copies tensor `id` into `out` as floats, dequantizing int8 with its scale and zero point.
    public func readTensor(_ id: Int, into out: UnsafeMutablePointer<Float>) {
        let t = model.tensors[id]
        let p = addresses[id]
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

    /// Copies output `k` into `out` as floats.
    public func readOutput(_ k: Int = 0, into out: UnsafeMutablePointer<Float>) { readTensor(model.outputs[k], into: out) }
}
