// Embedded Swift self-test: builds with `-enable-experimental-feature Embedded` (cross/embedded-selftest.sh)
// and runs on the host or, cross-compiled, under qemu on ARM. It loads the committed small-graph model
// (Tests/MuJoCoreTests/Fixtures), runs it and checks the int8 embedding against numpy's, bit for bit,
// plus the rounding policy's hand-computed cases and the model loader's refusal of a damaged file.
// Usage: mujo-selftest [REPO_ROOT]   (default: the source tree this binary was built from)
import CMuJoSystem
import MuJoCore

mujo_stdout_line_buffered()

var passed = 0, failed = 0
func check(_ ok: Bool, _ what: String) {
    if ok { passed += 1; print("PASS \(what)") } else { failed += 1; print("FAIL \(what)") }
}

func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 4096, f) }
        if n == 0 { break }
        out.append(contentsOf: chunk[0..<n])
    }
    return out
}

/// The repository root: argv[1] if given (via the environment variable MUJO_ROOT), else this file's tree.
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
if let bytes = readFile(fixtures + "small-graph-int8.mujo"), let input = readFile(fixtures + "small-graph-input.f32"),
   let expected = readFile(fixtures + "small-graph-expected.s8") {
    do {
        let model = try ModelReader.parse(bytes)
        let interpreter = Interpreter(model: model)
        input.withUnsafeBytes { interpreter.inputPointer().copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        interpreter.invoke()
        let out = interpreter.outputPointer().assumingMemoryBound(to: UInt8.self)
        var same = expected.count == model.tensors[model.outputs[0]].byteCount
        for i in 0..<expected.count where out[i] != expected[i] { same = false }
        check(same, "small graph int8 embedding equals numpy's (arena \(interpreter.arenaBytes) B, constants \(interpreter.constantBytes) B)")
        var scores = [LabelScore](repeating: LabelScore(label: 0, cosine: 0), count: model.labels.labels.count)
        var embedding = [Float](repeating: 0, count: model.labels.dimension)
        embedding.withUnsafeMutableBufferPointer { interpreter.readOutput(into: $0.baseAddress!) }
        let n = embedding.withUnsafeBufferPointer { e in
            scores.withUnsafeMutableBufferPointer { LabelScorer(table: model.labels).score(e.baseAddress!, into: $0.baseAddress!) }
        }
        check(n >= 1 && scores[0].cosine >= -1 && scores[0].cosine <= 1, "label scoring returns a cosine")
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

print("\(passed) passed, \(failed) failed")
exit(failed == 0 ? 0 : 1)
