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
        let variants = KernelVariants.fullyConnectedS8
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

    func testBestPicksTheLastAvailableVariantAndReferenceIsFirst() {
        XCTAssertEqual("\(KernelSet.reference.fullyConnectedS8.name)", "reference")
        XCTAssertEqual("\(KernelSet.best.fullyConnectedS8.name)", "\(KernelVariants.fullyConnectedS8.last!.name)")
        XCTAssertEqual("\(KernelSet.best.conv1dS8.name)", "reference")
    }

    func testInterpreterRunsTheChosenVariantWithTheSameBits() throws {
        let graph = try SmallGraph()
        let model = try ModelReader.parse(try ModelWriter.serialize(graph.model(int8: true)))
        let reference = Interpreter(model: model, kernels: .reference), best = Interpreter(model: model, kernels: .best)
        let fc = model.ops.firstIndex { $0.code == .fullyConnected }!
        XCTAssertEqual("\(reference.kernelVariant(op: fc))", "reference")
        XCTAssertEqual("\(best.kernelVariant(op: fc))", "\(KernelVariants.fullyConnectedS8.last!.name)")
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
}
