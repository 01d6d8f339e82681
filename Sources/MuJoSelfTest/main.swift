// Embedded Swift self-test (the core, sensors' system seam and the device layer): builds with `-enable-experimental-feature Embedded` (cross/embedded-selftest.sh)
// and runs on the host or, cross-compiled, under qemu on ARM. It loads the committed small-graph model
// (Tests/MuJoCoreTests/Fixtures), runs it and checks the int8 embedding against numpy's, bit for bit,
// plus the rounding policy's hand-computed cases and the model loader's refusal of a damaged file,
// and every int8 product variant this CPU runs against the reference (KernelVariantChecks.swift).
// Usage: MUJO_ROOT=REPO_ROOT mujo-selftest   (default root: the source tree this binary was built from)
import CMuJoSystem
import MuJoCore
import MuJoDevice
import MuJoSensors
import MuJoSystem

mujo_stdout_line_buffered()

var passed = 0, failed = 0
func check(_ ok: Bool, _ what: String) {
    if ok { passed += 1; print("PASS \(what)") } else { failed += 1; print("FAIL \(what)") }
}

let system = LinuxSystemCalls()

/// A fixture's bytes through the same system-call seam the board program reads files with.
func readFile(_ path: String) -> [UInt8]? {
    do { return try system.readBytes(path) } catch { return nil }
}

/// True when `needle`'s bytes occur in `text`.
func occurs(_ needle: String, in text: String) -> Bool {
    let t = Array(text.utf8), n = Array(needle.utf8)
    guard n.count <= t.count else { return false }
    for start in 0...(t.count - n.count) where Array(t[start..<(start + n.count)]) == n { return true }
    return false
}

/// The repository root: the environment variable MUJO_ROOT if set, else the source tree this binary was built from.
func repoRoot() -> String {
    if let env = getenv("MUJO_ROOT") { return String(cString: env) }
    var path = #filePath
    for _ in 0..<3 { while let last = path.last, last != "/" { path.removeLast() }; path.removeLast() }
    return path
}

// 1. Rounding policy, hand-computed (docs/int8-spec.md).
let half = QuantizedMultiplier(multiplier: 1 << 30, shift: 0)
check(FixedPoint.multiplyByQuantizedMultiplier(3, half) == 2, "1.5 rounds to 2 (ties toward +inf)")
check(FixedPoint.multiplyByQuantizedMultiplier(-3, half) == -1, "-1.5 rounds to -1 (ties toward +inf)")
check(FixedPoint.divRoundHalfAway(-5, 2) == -3, "-2.5 rounds to -3 in divRoundHalfAway")
check(FixedPoint.isqrt(Int64.max) == 3_037_000_499, "isqrt(2^63-1)")

// 2. The committed small graph, bit for bit.
let fixtures = repoRoot() + "/Tests/MuJoCoreTests/Fixtures/"
let modelPath = fixtures + "small-graph-int8.mujo"
if let bytes = readFile(modelPath), let input = readFile(fixtures + "small-graph-input.f32"),
   let expected = readFile(fixtures + "small-graph-expected.s8") {
    do {
        let model = try ModelLoader.load(modelPath, system: system)
        // The reference kernels and the best variants this build has: the same bits, numpy's.
        for (name, kernels) in [("reference", KernelSet.reference), ("best", KernelSet.best)] {
            let run = Interpreter(model: model, kernels: kernels)
            input.withUnsafeBytes { run.inputPointer().copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            run.invoke()
            let out = run.outputPointer().assumingMemoryBound(to: UInt8.self)
            var same = expected.count == model.tensors[model.outputs[0]].byteCount
            for i in 0..<expected.count where out[i] != expected[i] { same = false }
            check(same, "small graph int8 embedding equals numpy's with the \(name) kernels (arena \(run.arenaBytes) B, constants \(run.constantBytes) B)")
        }
        let interpreter = Interpreter(model: model)
        input.withUnsafeBytes { interpreter.inputPointer().copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        interpreter.invoke()
        var scores = [LabelScore](repeating: LabelScore(label: 0, cosine: 0), count: model.labels.labels.count)
        var embedding = [Float](repeating: 0, count: model.labels.dimension)
        embedding.withUnsafeMutableBufferPointer { interpreter.readOutput(into: $0.baseAddress!) }
        let n = embedding.withUnsafeBufferPointer { e in
            scores.withUnsafeMutableBufferPointer { LabelScorer(table: model.labels).score(e.baseAddress!, into: $0.baseAddress!) }
        }
        check(n >= 1 && scores[0].cosine >= -1 && scores[0].cosine <= 1, "label scoring returns a cosine")
        // The device layer on the same model: the recognizer prepares and labels a window.
        do {
            let recognizer = try Recognizer(model: model)
            var window = [Float](repeating: 0, count: model.inputSpec.window * model.inputSpec.channels.count)
            for i in 0..<window.count { window[i] = Float(i % 7) * 0.25 - 0.5 }
            let n = window.withUnsafeBufferPointer { recognizer.classify($0.baseAddress!) }
            check(n >= 1 && recognizer.labelName(recognizer.score(0).label).count > 0, "the device recognizer labels a window (\(n) labels pass)")
        } catch {
            check(false, "the device recognizer prepares: \(error.description)")
        }
        // 3. Messages print shapes on the board too (Embedded Swift's own interpolation of an array
        // prints "(cannot print value in embedded Swift)"; MuJoSystem/ErrorText.swift prints them).
        // A convolution's weights [out, kernel, in] reshaped to [out, in, kernel]: same bytes, a shape
        // that does not fit the input channels.
        if let k = model.ops.firstIndex(where: { $0.code == .conv1d && model.tensors[$0.inputs[1]].shape[1] != model.tensors[$0.inputs[1]].shape[2] }) {
            var bad = model
            let w = bad.ops[k].inputs[1]
            bad.tensors[w].shape.swapAt(1, 2)
            var shape = ""
            for (i, d) in bad.tensors[w].shape.enumerated() { shape += (i == 0 ? "[" : ", ") + String(d) }
            shape += "]"
            do {
                try GraphValidator.validate(bad)
                check(false, "a weights shape that does not fit is refused")
            } catch {
                let text = error.description
                check(occurs(shape, in: text) && !occurs("cannot print", in: text),
                      "a refused weights shape is printed as \(shape): \(text)")
            }
        } else {
            check(false, "the small graph has a convolution whose kernel and input widths differ")
        }
    } catch {
        check(false, "small graph loads: \(error.description)")
    }
    var damaged = bytes
    damaged[damaged.count / 2] ^= 0x5A
    do {
        _ = try ModelReader.parse(damaged)
        check(false, "a damaged file is refused")
    } catch {
        check(error.kind == .checksumMismatch, "a damaged file is refused: \(error.description)")
    }
} else {
    check(false, "fixtures readable under \(fixtures) (set MUJO_ROOT to the repository root)")
}

// 4. Every optimized int8 product variant this CPU runs, against the reference, bit for bit.
checkKernelVariants()

print("\(passed) passed, \(failed) failed")
exit(failed == 0 ? 0 : 1)
