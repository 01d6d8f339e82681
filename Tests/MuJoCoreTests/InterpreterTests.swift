import XCTest
import CMallocCounter
@testable import MuJoCore
import MuJoHostCore

/// Issue 2, acceptance 4: the small graph, written to bytes and read back, runs through the
/// interpreter and matches numpy's int8 reference exactly and the float reference within tolerance;
/// invoke allocates nothing.
final class InterpreterTests: XCTestCase {
    func loaded(int8: Bool) throws -> Interpreter {
        let model = try SmallGraph().model(int8: int8)
        let bytes = try ModelWriter.serialize(model)
        let back = try ModelReader.parse(bytes)
        XCTAssertEqual(back, model)
        return Interpreter(model: back)
    }

    func run(_ interpreter: Interpreter, _ input: [Float]) -> [Float] {
        input.withUnsafeBufferPointer {
            interpreter.inputPointer().copyMemory(from: $0.baseAddress!, byteCount: $0.count * 4)
        }
        interpreter.invoke()
        let n = interpreter.model.tensors[interpreter.model.outputs[0]].elementCount
        var out = [Float](repeating: 0, count: n)
        interpreter.readOutput(into: &out)
        return out
    }

    func testInt8GraphMatchesNumpyExactly() throws {
        let g = try SmallGraph()
        let interpreter = try loaded(int8: true)
        _ = run(interpreter, g.input.float)
        let out = interpreter.outputPointer().assumingMemoryBound(to: Int8.self)
        assertEqualInt8(Array(UnsafeBufferPointer(start: out, count: 6)), g.expectedInt8.int8, "small graph int8 output")
    }

    func testEveryInt8LayerMatchesNumpy() throws {
        let g = try SmallGraph()
        let model = g.model(int8: true)
        let interpreter = Interpreter(model: model, preserveIntermediates: true)
        _ = run(interpreter, g.input.float)
        for (k, layer) in g.layers.enumerated() {
            let want = VectorTensor(layer["expected_int8"]!)
            let id = model.ops[k].outputs[0]
            let got = Array(UnsafeBufferPointer(start: interpreter.tensorPointer(id).assumingMemoryBound(to: Int8.self), count: want.count))
            assertEqualInt8(got, want.int8, "layer \(k) \(layer["kernel"]!.string!)")
        }
    }

    func testFloatGraphMatchesNumpyFloat() throws {
        let g = try SmallGraph()
        let got = run(try loaded(int8: false), g.input.float)
        assertClose(got, g.expectedFloat.float, tolerance: 1e-5, "small graph float output")
    }

    func testInt8IsCloseToFloat() throws {
        let g = try SmallGraph()
        let q = run(try loaded(int8: true), g.input.float)
        let f = run(try loaded(int8: false), g.input.float)
        // Stated tolerance: the embedding is int8 with scale 1/128; the whole graph stays within
        // two output steps of float, and the direction agrees to cosine ≥ 0.999.
        assertClose(q, f, tolerance: 2.0 / 128, "int8 vs float embedding")
        var dot: Float = 0, nq: Float = 0, nf: Float = 0
        for i in 0..<q.count { dot += q[i] * f[i]; nq += q[i] * q[i]; nf += f[i] * f[i] }
        XCTAssertGreaterThan(dot / (nq.squareRoot() * nf.squareRoot()), 0.999)
    }

    func testInvokeAllocatesNothing() throws {
        XCTAssertEqual(malloc_counter_is_active(), 1, "the malloc interposer is not linked in; the count below would prove nothing")
        let g = try SmallGraph()
        for int8 in [true, false] {
            let interpreter = try loaded(int8: int8)
            let input = g.input.float
            input.withUnsafeBufferPointer { interpreter.inputPointer().copyMemory(from: $0.baseAddress!, byteCount: $0.count * 4) }
            interpreter.invoke() // warm-up outside the count
            // Sanity: the counter does see allocations made on this thread.
            malloc_counter_start()
            let probe = [Int](repeating: 1, count: 100)
            XCTAssertGreaterThan(malloc_counter_stop(), 0, "counter missed a heap allocation (\(probe.count))")
            malloc_counter_start()
            for _ in 0..<1000 { interpreter.invoke() }
            XCTAssertEqual(malloc_counter_stop(), 0, "\(int8 ? "int8" : "float") invoke allocated")
        }
    }

    func testArenaSharesMemoryByLifetime() throws {
        let model = try SmallGraph().model(int8: true)
        let shared = ArenaPlanner.plan(model), separate = ArenaPlanner.plan(model, shareMemory: false)
        XCTAssertLessThan(shared.arenaBytes, separate.arenaBytes)
        // No two tensors alive at the same op may overlap.
        var live: [Int: (Int, Int)] = [:]
        for (k, op) in model.ops.enumerated() {
            for id in op.inputs + op.outputs where id >= 0 && !model.tensors[id].isConstant {
                let cur = live[id] ?? (k, k)
                live[id] = (min(cur.0, k), max(cur.1, k))
            }
        }
        live[model.inputs[0]]!.0 = -1
        live[model.outputs[0]]!.1 = model.ops.count
        for (a, la) in live {
            for (b, lb) in live where a < b && la.0 <= lb.1 && lb.0 <= la.1 {
                let ra = shared.offsets[a]..<(shared.offsets[a] + model.tensors[a].byteCount)
                let rb = shared.offsets[b]..<(shared.offsets[b] + model.tensors[b].byteCount)
                XCTAssertFalse(ra.overlaps(rb), "tensors \(a) and \(b) are alive together but share bytes")
            }
        }
    }

    func testLabelScorerRanksByCosine() throws {
        let scorer = LabelScorer(table: SmallGraph.labels)
        let top = scorer.top(2, of: [0.2, 0.9, 0, 0, 0, 0])
        XCTAssertEqual(top.map(\.label), [1, 0])
        XCTAssertEqual(top[0].cosine, 0.9 / (0.85 as Float).squareRoot(), accuracy: 1e-6)
        // Label 1 has threshold 0.1: an embedding pointing away from it leaves it out.
        XCTAssertEqual(scorer.top(2, of: [1, -0.5, 0, 0, 0, 0]).map(\.label), [0])
    }
}

/// The committed fixture the Embedded Swift self-test runs (Sources/MuJoSelfTest): the small graph
/// as a `.mujo` file, its float32 input and numpy's expected int8 output, as raw little-endian bytes.
/// Regenerate with `MUJO_REGENERATE_FIXTURES=1 swift test --filter EmbeddedFixtureTests`.
final class EmbeddedFixtureTests: XCTestCase {
    func testCommittedFixtureIsCurrent() throws {
        let g = try SmallGraph()
        let files: [(String, [UInt8])] = [
            ("small-graph-int8.mujo", try ModelWriter.serialize(g.model(int8: true))),
            ("small-graph-input.f32", VectorTensor(dtype: "float32", shape: g.input.shape, numbers: g.input.numbers).bytes),
            ("small-graph-expected.s8", g.expectedInt8.bytes),
        ]
        for (name, bytes) in files {
            let url = fixturesDirectory.appendingPathComponent(name)
            if ProcessInfo.processInfo.environment["MUJO_REGENERATE_FIXTURES"] == "1" {
                try Data(bytes).write(to: url)
            }
            let committed = try [UInt8](Data(contentsOf: url))
            XCTAssertEqual(committed, bytes, "\(name) is stale; regenerate it (see this test's comment)")
        }
    }
}
