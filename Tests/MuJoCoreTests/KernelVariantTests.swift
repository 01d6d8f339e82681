import XCTest
@testable import MuJoCore
import MuJoHostCore

/// Every variant in Kernels/KernelDispatch.swift against its reference on random shapes, zero
/// points and saturating values (the committed numpy vectors are in KernelVectorTests), and the
/// dispatch itself: what `best` picks, and that the interpreter runs what it picked.
final class KernelVariantTests: XCTestCase {
    struct LCG {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        mutating func int8() -> Int8 { Int8(truncatingIfNeeded: next(256) - 128) }
    }

    func testFullyConnectedVariantsBitExactOnRandomShapes() {
        var rng = LCG(state: 42)
        let variants = KernelVariants.fullyConnectedS8.filter { $0.isAvailable() }
        XCTAssertGreaterThan(variants.count, 1, "a second variant is registered")
        for trial in 0..<300 {
            let rows = 1 + rng.next(6), k = 1 + rng.next(70), o = 1 + rng.next(20)
            // Extremes on some trials: every input and weight at ±127/−128, large zero points.
            let extreme = trial % 5 == 0
            let x = (0..<(rows * k)).map { _ in extreme ? (rng.next(2) == 0 ? Int8.min : Int8.max) : rng.int8() }
            let w = (0..<(o * k)).map { _ in extreme ? Int8.min : rng.int8() }
            let bias: [Int32]? = rng.next(3) == 0 ? nil : (0..<o).map { _ in Int32(rng.next(200_001) - 100_000) }
            let rq = (0..<o).flatMap { _ in [Int32(1 << 30) + Int32(rng.next(1 << 29)), Int32(-rng.next(12))] }
            let io = QuantizedIO(inputZeroPoint: Int32(rng.next(256) - 128), outputZeroPoint: Int32(rng.next(256) - 128),
                                 lo: Int32(-128 + rng.next(10)), hi: Int32(127 - rng.next(10)))
            var expected = [Int8](repeating: 0, count: rows * o)
            withOptionalPointer(bias) { b in fullyConnectedS8(input: x, weights: w, bias: b, requant: rq, output: &expected, rows: rows, inputs: k, outputs: o, io: io) }
            for v in variants.dropFirst() {
                var y = [Int8](repeating: 0x55, count: rows * o)
                withOptionalPointer(bias) { b in v.function(x, w, b, rq, &y, rows, k, o, io) }
                XCTAssertEqual(y, expected, "trial \(trial) rows \(rows) k \(k) o \(o) [\(v.name)]")
            }
        }
    }

    /// Random zero point in the int8 range, often at its ends (the saturation hazards).
    func zeroPoint(_ rng: inout LCG) -> Int32 {
        switch rng.next(4) {
        case 0: return -128
        case 1: return 127
        default: return Int32(rng.next(256) - 128)
        }
    }

    func requantTable(_ rng: inout LCG, _ count: Int) -> [Int32] {
        (0..<count).flatMap { _ in [Int32(1 << 30) + Int32(rng.next(1 << 30) - 1), Int32(rng.next(20) - 14)] }
    }

    func testConv1dVariantsBitExactOnRandomGeometries() {
        var rng = LCG(state: 7)
        let variants = KernelVariants.conv1dS8.filter { $0.isAvailable() }
        XCTAssertGreaterThan(variants.count, 1, "an optimized variant is registered")
        for trial in 0..<400 {
            // Plain, strided, padded, dilated, grouped and depthwise (with and without a multiplier).
            let kind = trial % 5
            let groups = kind == 3 ? [1, 2, 4][rng.next(3)] : 1
            var cin = groups * (1 + rng.next(kind == 0 ? 40 : 12)), cout = groups * (1 + rng.next(12))
            var g = groups
            if kind == 4 { cin = 1 + rng.next(40); g = cin; cout = cin * (1 + rng.next(2)) }
            let k = 1 + rng.next(6), dilation = kind == 2 ? 1 + rng.next(3) : 1
            let stride = 1 + rng.next(3), padLeft = rng.next(4), padRight = rng.next(4)
            let span = dilation * (k - 1) + 1
            let timeIn = max(1, span - padLeft - padRight) + rng.next(30)
            let geometry = Conv1DGeometry(timeIn: timeIn, channelsIn: cin, channelsOut: cout, kernelSize: k, stride: stride,
                                          dilation: dilation, padLeft: padLeft, padRight: padRight, groups: g)
            let extreme = trial % 7 == 0
            let x = (0..<(timeIn * cin)).map { _ in extreme ? (rng.next(2) == 0 ? Int8.min : Int8.max) : rng.int8() }
            let w = (0..<(cout * k * (cin / g))).map { _ in extreme ? Int8(-127) : rng.int8() }
            let bias: [Int32]? = rng.next(3) == 0 ? nil : (0..<cout).map { _ in Int32(rng.next(2_000_001) - 1_000_000) }
            let rq = requantTable(&rng, cout)
            let io = QuantizedIO(inputZeroPoint: zeroPoint(&rng), outputZeroPoint: Int32(rng.next(256) - 128),
                                 lo: Int32(-128 + rng.next(10)), hi: Int32(127 - rng.next(10)))
            var expected = [Int8](repeating: 0, count: geometry.timeOut * cout)
            withOptionalPointer(bias) { b in conv1dS8(input: x, weights: w, bias: b, requant: rq, output: &expected, geometry: geometry, io: io) }
            for v in variants.dropFirst() {
                var y = [Int8](repeating: 0x55, count: expected.count)
                var scratch = [UInt8](repeating: 0xA5, count: max(v.scratchBytes?(geometry) ?? 0, 1))
                withOptionalPointer(bias) { b in v.function(x, w, b, rq, &y, geometry, io, &scratch) }
                XCTAssertEqual(y, expected, "trial \(trial) \(geometry) zp \(io.inputZeroPoint) [\(v.name)]")
            }
        }
    }

    func testBatchMatMulVariantsBitExactOnRandomShapes() {
        var rng = LCG(state: 99)
        let variants = KernelVariants.batchMatMulS8.filter { $0.isAvailable() }
        XCTAssertGreaterThan(variants.count, 1, "an optimized variant is registered")
        for trial in 0..<300 {
            let batches = 1 + rng.next(4), m = 1 + rng.next(9), k = 1 + rng.next(70), n = 1 + rng.next(9)
            let transposeB = trial % 4 != 0
            let extreme = trial % 6 == 0
            let a = (0..<(batches * m * k)).map { _ in extreme ? Int8.min : rng.int8() }
            let b = (0..<(batches * k * n)).map { _ in extreme ? Int8.max : rng.int8() }
            let rq = requantTable(&rng, 1)
            let io = BinaryQuantizedIO(zeroPointA: zeroPoint(&rng), zeroPointB: zeroPoint(&rng), outputZeroPoint: Int32(rng.next(256) - 128),
                                       lo: -128, hi: 127)
            var expected = [Int8](repeating: 0, count: batches * m * n)
            batchMatMulS8(a, b, batches: batches, m: m, k: k, n: n, transposeB: transposeB, requant: rq, output: &expected, io: io)
            for v in variants.dropFirst() {
                var y = [Int8](repeating: 0x55, count: expected.count)
                v.function(a, b, batches, m, k, n, transposeB, rq, &y, io)
                XCTAssertEqual(y, expected, "trial \(trial) b \(batches) m \(m) k \(k) n \(n) transposeB \(transposeB) [\(v.name)]")
            }
        }
    }

    func testAddVariantsBitExactWithBroadcastsAndSaturation() {
        var rng = LCG(state: 5)
        let variants = KernelVariants.addS8.filter { $0.isAvailable() }
        XCTAssertGreaterThan(variants.count, 1, "an optimized variant is registered")
        for trial in 0..<300 {
            let inner = 1 + rng.next(40), outer = 1 + rng.next(6), count = inner * outer
            let bCount = [count, inner, 1][trial % 3]
            let extreme = trial % 5 == 0
            let a = (0..<count).map { _ in extreme ? Int8.max : rng.int8() }
            let b = (0..<bCount).map { _ in extreme ? Int8.min : rng.int8() }
            let rq = (0..<3).flatMap { _ in [Int32(1 << 30) + Int32(rng.next(1 << 30) - 1), Int32(-rng.next(24))] }
            let io = BinaryQuantizedIO(zeroPointA: zeroPoint(&rng), zeroPointB: zeroPoint(&rng), outputZeroPoint: Int32(rng.next(256) - 128),
                                       lo: Int32(-128 + rng.next(10)), hi: Int32(127 - rng.next(10)))
            var expected = [Int8](repeating: 0, count: count)
            addS8(a, b, count: count, bCount: bCount, requant: rq, output: &expected, io: io)
            for v in variants.dropFirst() {
                var y = [Int8](repeating: 0x55, count: count)
                v.function(a, b, count, bCount, rq, &y, io)
                XCTAssertEqual(y, expected, "trial \(trial) count \(count) bCount \(bCount) [\(v.name)]")
            }
        }
    }

    func testReciprocalQuotientIsDivRoundHalfAway() {
        var rng = LCG(state: 11)
        for trial in 0..<200_000 {
            let b = Int64(1 + (trial % 3 == 0 ? rng.next(40) : rng.next(1 << 30)))
            let magnitude = Int64(rng.next(1 << 30)) * Int64(1 + rng.next(1 << 12))
            let a = trial % 4 == 0 ? (Int64(rng.next(2001)) - 1000) * b + Int64(rng.next(3)) - 1 + b / 2 : (rng.next(2) == 0 ? magnitude : -magnitude)
            XCTAssertEqual(PortableKernels.quotient(a, b, inverse: 1 / Double(b), half: b / 2), FixedPoint.divRoundHalfAway(a, b), "a \(a) b \(b)")
        }
    }

    func testLayerNormVariantsBitExactOnRandomRows() {
        var rng = LCG(state: 13)
        let variants = KernelVariants.layerNormS8.filter { $0.isAvailable() }
        XCTAssertGreaterThan(variants.count, 1, "an optimized variant is registered")
        for trial in 0..<200 {
            let rows = 1 + rng.next(5), c = 1 + rng.next(300)
            // Some rows constant (a zero √), some at the rails.
            let x = (0..<(rows * c)).map { i in trial % 7 == 0 ? Int8(truncatingIfNeeded: i / c * 50) : (trial % 5 == 0 ? (rng.next(2) == 0 ? Int8.min : Int8.max) : rng.int8()) }
            let gamma = (0..<c).map { _ in rng.int8() }
            let beta = (0..<c).map { _ in Int32(rng.next(200_001) - 100_000) }
            let rq = requantTable(&rng, c)
            let eps = Int32(rng.next(1000)), zpIn = zeroPoint(&rng), zpOut = Int32(rng.next(256) - 128)
            var expected = [Int8](repeating: 0, count: rows * c)
            layerNormS8(x, rows: rows, channels: c, gamma: gamma, beta: beta, requant: rq, epsilon: eps, output: &expected,
                        inputZeroPoint: zpIn, outputZeroPoint: zpOut)
            for v in variants.dropFirst() {
                var y = [Int8](repeating: 0x55, count: rows * c)
                v.function(x, rows, c, gamma, beta, rq, eps, &y, zpIn, zpOut)
                XCTAssertEqual(y, expected, "trial \(trial) rows \(rows) c \(c) [\(v.name)]")
            }
        }
    }

    func testBestPicksTheLastAvailableVariantAndReferenceIsFirst() {
        XCTAssertEqual("\(KernelSet.reference.fullyConnectedS8.name)", "reference")
        XCTAssertEqual("\(KernelSet.best.fullyConnectedS8.name)", "\(KernelVariants.fullyConnectedS8.last { $0.isAvailable() }!.name)")
        XCTAssertEqual("\(KernelSet.best.conv1dS8.name)", "\(KernelVariants.conv1dS8.last { $0.isAvailable() }!.name)")
        let expected = GemmKernels.hasDotProd ? "gemm-neon-dot" : GemmKernels.hasNEON ? "gemm-neon"
            : GemmKernels.hasAVXVNNI ? "gemm-avxvnni" : (GemmKernels.hasAVX2 ? "gemm-avx2" : "gemm-c")
        XCTAssertEqual("\(KernelSet.best.fullyConnectedS8.name)", expected)
        XCTAssertFalse(GemmKernels.hasNEON && GemmKernels.hasAVX2, "x86 and ARM paths are exclusive")
    }

    func testInterpreterRunsTheChosenVariantWithTheSameBits() throws {
        let graph = try SmallGraph()
        let model = try ModelReader.parse(try ModelWriter.serialize(graph.model(int8: true)))
        let reference = Interpreter(model: model, kernels: .reference), best = Interpreter(model: model, kernels: .best)
        let fc = model.ops.firstIndex { $0.code == .fullyConnected }!
        XCTAssertEqual("\(reference.kernelVariant(op: fc))", "reference")
        XCTAssertEqual("\(best.kernelVariant(op: fc))", "\(KernelSet.best.fullyConnectedS8.name)")
        let input = graph.input.float
        for run in [reference, best] {
            input.withUnsafeBytes { run.inputPointer().copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            run.invoke()
        }
        let n = model.tensors[model.outputs[0]].byteCount
        XCTAssertEqual(Array(UnsafeRawBufferPointer(start: reference.outputPointer(), count: n)),
                       Array(UnsafeRawBufferPointer(start: best.outputPointer(), count: n)))
        assertEqualInt8(Array(UnsafeBufferPointer(start: best.outputPointer().assumingMemoryBound(to: Int8.self), count: n)),
                        graph.expectedInt8.int8, "small graph with the best kernels")
    }

    func testObserverSeesEveryOpInOrder() throws {
        struct Recorder: InvokeObserver {
            var events: [String] = []
            mutating func willRun(op index: Int) { events.append("+\(index)") }
            mutating func didRun(op index: Int) { events.append("-\(index)") }
        }
        let model = try SmallGraph().model(int8: true)
        let interpreter = Interpreter(model: model)
        var recorder = Recorder()
        interpreter.invoke(observer: &recorder)
        XCTAssertEqual(recorder.events, (0..<model.ops.count).flatMap { ["+\($0)", "-\($0)"] })
    }

    func testSoftmaxVariantsBitExactOnRandomRowsAndTables() {
        var rng = LCG(state: 17)
        let variants = KernelVariants.softmaxS8.filter { $0.isAvailable() }
        #if arch(x86_64)
        XCTAssertGreaterThan(variants.count, 1, "an optimized variant is registered")
        #endif
        for trial in 0..<300 {
            let rows = 1 + rng.next(6), n = trial % 10 == 0 ? 1 + rng.next(3) : 1 + rng.next(400)
            // Tables the validator accepts (0…2²⁰, entry 0 positive): random, flat at the top (ties:
            // every output exactly 256/n), and steep (most entries 0, so one element takes all).
            let table: [Int32] = (0..<256).map { d in
                switch trial % 3 {
                case 0: return d == 0 ? Int32(1 + rng.next(1 << 20)) : Int32(rng.next((1 << 20) + 1))
                case 1: return 1 << 20
                default: return d < 3 ? Int32((1 << 20) >> d) : 0
                }
            }
            let x = (0..<(rows * n)).map { _ in trial % 4 == 0 ? (rng.next(2) == 0 ? Int8.min : Int8.max) : rng.int8() }
            var expected = [Int8](repeating: 0, count: rows * n)
            softmaxS8(x, rows: rows, length: n, expTable: table, output: &expected)
            for v in variants.dropFirst() {
                var y = [Int8](repeating: 0x55, count: rows * n)
                v.function(x, rows, n, table, &y)
                XCTAssertEqual(y, expected, "trial \(trial) rows \(rows) n \(n) [\(v.name)]")
            }
        }
    }
}
