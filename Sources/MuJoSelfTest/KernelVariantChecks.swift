// Every registered int8 product variant (Kernels/KernelDispatch.swift) that this CPU runs, against
// the reference kernel, bit for bit, on random shapes: the board's counterpart of the host's
// KernelVariantTests, so the ARM paths (NEON smlal, aarch64 sdot) are checked where they run — under
// qemu-user in cross/ci.sh (aarch64 once with a CPU without the dot product, once with `-cpu max`).
// Lengths include non-multiples of 4/8/16 and lengths over 64; column counts over 64 (the dot path's
// column chunks); zero points at −128 and 127; inputs at the rails; bias or none; per-column
// (fully connected, convolutions) and per-tensor (attention matmul) requantization; row strides
// other than the length (convolutions' strided steps).
import MuJoCore

struct SelfTestRandom {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(n))
    }
    mutating func int8() -> Int8 { Int8(truncatingIfNeeded: next(256) - 128) }
    /// A zero point, often at the ends of the int8 range.
    mutating func zeroPoint() -> Int32 {
        switch next(4) {
        case 0: return -128
        case 1: return 127
        default: return Int32(next(256) - 128)
        }
    }
    mutating func requant(_ count: Int) -> [Int32] {
        var t: [Int32] = []
        for _ in 0..<count { t.append(Int32(1 << 30) + Int32(next(1 << 30) - 1)); t.append(Int32(next(20) - 14)) }
        return t
    }
    mutating func values(_ count: Int, extreme: Bool) -> [Int8] {
        var v = [Int8](repeating: 0, count: count)
        for i in 0..<count { v[i] = extreme ? (next(2) == 0 ? Int8.min : Int8.max) : int8() }
        return v
    }
}

func text(_ s: StaticString) -> String { s.withUTF8Buffer { String(decoding: $0, as: UTF8.self) } }

/// Calls body with the bias pointer, or nil when there is no bias.
func withBias(_ bias: [Int32], _ use: Bool, _ body: (UnsafePointer<Int32>?) -> Void) {
    if use { bias.withUnsafeBufferPointer { body($0.baseAddress!) } } else { body(nil) }
}

/// Reports one family's variants: cases compared and mismatches, per variant.
func report(_ family: String, _ names: [StaticString], _ cases: [Int], _ mismatches: [Int]) {
    for i in 1..<names.count {
        check(mismatches[i] == 0,
              "\(family) \(text(names[i])) vs reference: \(cases[i]) random cases compared, \(mismatches[i]) mismatches")
    }
}

func checkKernelVariants() {
    print("kernel paths on this CPU: avx2 \(GemmKernels.hasAVX2), avx-vnni \(GemmKernels.hasAVXVNNI), neon \(GemmKernels.hasNEON), dotprod \(GemmKernels.hasDotProd)")
    var rng = SelfTestRandom(state: 2026)

    // Fully connected: per-column requantization, weights without zero point.
    do {
        let variants = KernelVariants.fullyConnectedS8.filter { $0.isAvailable() }
        var cases = [Int](repeating: 0, count: variants.count), bad = cases
        for trial in 0..<1000 {
            let rows = 1 + rng.next(7), k = 1 + rng.next(trial % 3 == 0 ? 300 : 70), o = 1 + rng.next(trial % 4 == 0 ? 90 : 20)
            let extreme = trial % 5 == 0
            let x = rng.values(rows * k, extreme: extreme), w = rng.values(o * k, extreme: extreme)
            var bias = [Int32](repeating: 0, count: o)
            for i in 0..<o { bias[i] = Int32(rng.next(2_000_001) - 1_000_000) }
            let useBias = rng.next(3) != 0, rq = rng.requant(o)
            let io = QuantizedIO(inputZeroPoint: rng.zeroPoint(), outputZeroPoint: Int32(rng.next(256) - 128),
                                 lo: Int32(-128 + rng.next(10)), hi: Int32(127 - rng.next(10)))
            var expected = [Int8](repeating: 0, count: rows * o)
            withBias(bias, useBias) { b in variants[0].function(x, w, b, rq, &expected, rows, k, o, io) }
            for v in 1..<variants.count {
                var y = [Int8](repeating: 0x55, count: rows * o)
                withBias(bias, useBias) { b in variants[v].function(x, w, b, rq, &y, rows, k, o, io) }
                cases[v] += 1
                if y != expected { bad[v] += 1 }
            }
        }
        report("fullyConnectedS8", variants.map { $0.name }, cases, bad)
    }

    // Convolutions: plain, strided (row stride stride·C_in), padded, dilated, grouped, depthwise.
    do {
        let variants = KernelVariants.conv1dS8.filter { $0.isAvailable() }
        var cases = [Int](repeating: 0, count: variants.count), bad = cases
        for trial in 0..<1000 {
            let kind = trial % 5
            let groups = kind == 3 ? [1, 2, 4][rng.next(3)] : 1
            var cin = groups * (1 + rng.next(kind == 0 ? 40 : 12)), cout = groups * (1 + rng.next(kind == 0 ? 70 : 12))
            var g = groups
            if kind == 4 { cin = 1 + rng.next(40); g = cin; cout = cin }
            let k = 1 + rng.next(6), dilation = kind == 2 ? 1 + rng.next(3) : 1
            let stride = 1 + rng.next(3), padLeft = rng.next(4), padRight = rng.next(4)
            let span = dilation * (k - 1) + 1
            let timeIn = max(1, span - padLeft - padRight) + rng.next(30)
            let geometry = Conv1DGeometry(timeIn: timeIn, channelsIn: cin, channelsOut: cout, kernelSize: k, stride: stride,
                                          dilation: dilation, padLeft: padLeft, padRight: padRight, groups: g)
            let extreme = trial % 7 == 0
            let x = rng.values(timeIn * cin, extreme: extreme), w = rng.values(cout * k * (cin / g), extreme: extreme)
            var bias = [Int32](repeating: 0, count: cout)
            for i in 0..<cout { bias[i] = Int32(rng.next(2_000_001) - 1_000_000) }
            let useBias = rng.next(3) != 0, rq = rng.requant(cout)
            let io = QuantizedIO(inputZeroPoint: rng.zeroPoint(), outputZeroPoint: Int32(rng.next(256) - 128),
                                 lo: Int32(-128 + rng.next(10)), hi: Int32(127 - rng.next(10)))
            var expected = [Int8](repeating: 0, count: geometry.timeOut * cout)
            var scratch0 = [UInt8](repeating: 0, count: 1)
            withBias(bias, useBias) { b in variants[0].function(x, w, b, rq, &expected, geometry, io, &scratch0) }
            for v in 1..<variants.count {
                var y = [Int8](repeating: 0x55, count: expected.count)
                var scratch = [UInt8](repeating: 0xA5, count: max(variants[v].scratchBytes?(geometry) ?? 0, 1))
                withBias(bias, useBias) { b in variants[v].function(x, w, b, rq, &y, geometry, io, &scratch) }
                cases[v] += 1
                if y != expected { bad[v] += 1 }
            }
        }
        report("conv1dS8", variants.map { $0.name }, cases, bad)
    }

    // Attention matmuls: both operands with zero points, per-tensor requantization.
    do {
        let variants = KernelVariants.batchMatMulS8.filter { $0.isAvailable() }
        var cases = [Int](repeating: 0, count: variants.count), bad = cases
        for trial in 0..<1000 {
            let batches = 1 + rng.next(3), m = 1 + rng.next(9), k = 1 + rng.next(trial % 3 == 0 ? 200 : 70), n = 1 + rng.next(trial % 4 == 0 ? 80 : 9)
            let transposeB = trial % 4 != 0
            let extreme = trial % 6 == 0
            let a = rng.values(batches * m * k, extreme: extreme), b = rng.values(batches * k * n, extreme: extreme)
            let rq = rng.requant(1)
            let io = BinaryQuantizedIO(zeroPointA: rng.zeroPoint(), zeroPointB: rng.zeroPoint(), outputZeroPoint: Int32(rng.next(256) - 128),
                                       lo: Int32(-128 + rng.next(10)), hi: Int32(127 - rng.next(10)))
            var expected = [Int8](repeating: 0, count: batches * m * n)
            variants[0].function(a, b, batches, m, k, n, transposeB, rq, &expected, io)
            for v in 1..<variants.count {
                var y = [Int8](repeating: 0x55, count: expected.count)
                variants[v].function(a, b, batches, m, k, n, transposeB, rq, &y, io)
                cases[v] += 1
                if y != expected { bad[v] += 1 }
            }
        }
        report("batchMatMulS8", variants.map { $0.name }, cases, bad)
    }
}
