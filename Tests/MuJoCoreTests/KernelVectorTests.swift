import XCTest
@testable import MuJoCore
import MuJoHostCore

/// Every kernel against the independent numpy implementation of docs/int8-spec.md: int8 kernels —
/// the reference and every variant listed in Kernels/KernelDispatch.swift — must agree bit for
/// bit, float kernels within a stated tolerance.
final class KernelVectorTests: XCTestCase {
    /// Float kernels accumulate in float32 while numpy used float64: allow a few ulps of the data.
    let floatTolerance: Float = 2e-5

    func geometry(_ c: VectorCase) -> Conv1DGeometry {
        let x = c.t("x"), w = c.t("w")
        return Conv1DGeometry(timeIn: x.shape[0], channelsIn: x.shape[1], channelsOut: w.shape[0], kernelSize: w.shape[1],
                              stride: c.p("stride"), dilation: c.p("dilation"), padLeft: c.p("pad_left"),
                              padRight: c.p("pad_right"), groups: c.p("groups"))
    }

    func activation(_ c: VectorCase) -> FusedActivation { FusedActivation(rawValue: UInt8(c.p("activation")))! }

    func testConv1dS8() throws {
        for c in try cases("conv1d_s8.json", kernel: "conv1dS8") {
            let g = geometry(c)
            XCTAssertEqual([g.timeOut, g.channelsOut], c.expected.shape, c.name)
            let bias = c.tensors["bias"]?.int32
            let io = QuantizedIO(inputZeroPoint: c.i32("zp_x"), outputZeroPoint: c.i32("zp_y"), lo: c.i32("lo"), hi: c.i32("hi"))
            let rq = c.requantTable()
            for v in KernelVariants.conv1dS8 where v.isAvailable() {
                var y = [Int8](repeating: 0, count: c.expected.count)
                var scratch = [UInt8](repeating: 0xA5, count: max(v.scratchBytes?(g) ?? 0, 1))
                withOptionalPointer(bias) { b in v.function(c.t("x").int8, c.t("w").int8, b, rq, &y, g, io, &scratch) }
                assertEqualInt8(y, c.expected.int8, "\(c.name) [\(v.name)]")
            }
        }
    }

    func testConv1dF32() throws {
        for c in try cases("conv1d_s8.json", kernel: "conv1dF32") {
            var y = [Float](repeating: 0, count: c.expected.count)
            withOptionalPointer(c.tensors["bias"]?.float) { b in
                conv1dF32(input: c.t("x").float, weights: c.t("w").float, bias: b, output: &y, geometry: geometry(c), activation: activation(c))
            }
            assertClose(y, c.expected.float, tolerance: floatTolerance, c.name)
        }
    }

    func testFullyConnected() throws {
        for c in try cases("fully_connected_s8.json", kernel: "fullyConnectedS8") {
            let x = c.t("x"), w = c.t("w")
            let io = QuantizedIO(inputZeroPoint: c.i32("zp_x"), outputZeroPoint: c.i32("zp_y"), lo: c.i32("lo"), hi: c.i32("hi"))
            for v in KernelVariants.fullyConnectedS8 where v.isAvailable() {
                var y = [Int8](repeating: 0, count: c.expected.count)
                withOptionalPointer(c.tensors["bias"]?.int32) { b in
                    v.function(x.int8, w.int8, b, c.requantTable(), &y, x.shape[0], x.shape[1], w.shape[0], io)
                }
                assertEqualInt8(y, c.expected.int8, "\(c.name) [\(v.name)]")
            }
        }
        for c in try cases("fully_connected_s8.json", kernel: "fullyConnectedF32") {
            let x = c.t("x"), w = c.t("w")
            var y = [Float](repeating: 0, count: c.expected.count)
            withOptionalPointer(c.tensors["bias"]?.float) { b in
                fullyConnectedF32(input: x.float, weights: w.float, bias: b, output: &y, rows: x.shape[0], inputs: x.shape[1],
                                  outputs: w.shape[0], activation: activation(c))
            }
            assertClose(y, c.expected.float, tolerance: floatTolerance, c.name)
        }
    }

    func testAddAndMulS8() throws {
        for c in try cases("elementwise_s8.json", kernel: "addS8") {
            // The host-side multipliers must match numpy's construction from the same scales.
            let ms = addS8Multipliers(scaleA: c.f("s_a"), scaleB: c.f("s_b"), scaleOut: c.f("s_y"))!
            XCTAssertEqual(ms.flatMap { [$0.multiplier, $0.shift] },
                           [c.i32("mult_a"), c.i32("shift_a"), c.i32("mult_b"), c.i32("shift_b"), c.i32("mult_y"), c.i32("shift_y")], c.name)
            let a = c.t("a"), b = c.t("b")
            let io = BinaryQuantizedIO(zeroPointA: c.i32("zp_a"), zeroPointB: c.i32("zp_b"), outputZeroPoint: c.i32("zp_y"), lo: c.i32("lo"), hi: c.i32("hi"))
            let rq = [c.i32("mult_a"), c.i32("shift_a"), c.i32("mult_b"), c.i32("shift_b"), c.i32("mult_y"), c.i32("shift_y")]
            for v in KernelVariants.addS8 where v.isAvailable() {
                var y = [Int8](repeating: 0, count: c.expected.count)
                v.function(a.int8, b.int8, a.count, b.count, rq, &y, io)
                assertEqualInt8(y, c.expected.int8, "\(c.name) [\(v.name)]")
            }
        }
        for c in try cases("elementwise_s8.json", kernel: "mulS8") {
            let m = FixedPoint.quantizeMultiplier(Double(c.f("s_a")) * Double(c.f("s_b")) / Double(c.f("s_y")))!
            XCTAssertEqual([m.multiplier, m.shift], [c.i32("mult"), c.i32("shift")], c.name)
            let a = c.t("a"), b = c.t("b")
            let io = BinaryQuantizedIO(zeroPointA: c.i32("zp_a"), zeroPointB: c.i32("zp_b"), outputZeroPoint: c.i32("zp_y"), lo: c.i32("lo"), hi: c.i32("hi"))
            for v in KernelVariants.mulS8 where v.isAvailable() {
                var y = [Int8](repeating: 0, count: c.expected.count)
                v.function(a.int8, b.int8, a.count, b.count, [c.i32("mult"), c.i32("shift")], &y, io)
                assertEqualInt8(y, c.expected.int8, "\(c.name) [\(v.name)]")
            }
        }
    }

    func testLookupTables() throws {
        for c in try cases("lut_s8.json", kernel: "geluS8") {
            let table = LookupTables.elementwiseS8(scaleIn: c.f("s_x"), zeroPointIn: c.i32("zp_x"), scaleOut: c.f("s_y"),
                                                   zeroPointOut: c.i32("zp_y"), LookupTables.gelu)
            assertEqualInt8(table, c.t("table").int8, "\(c.name): Swift-built GELU table")
            for v in KernelVariants.lookupS8 where v.isAvailable() {
                var y = [Int8](repeating: 0, count: c.expected.count)
                v.function(c.t("x").int8, c.t("x").count, c.t("table").int8, &y)
                assertEqualInt8(y, c.expected.int8, "\(c.name) [\(v.name)]")
            }
        }
        for c in try cases("lut_s8.json", kernel: "softmaxS8") {
            XCTAssertEqual(LookupTables.softmaxExpS8(scaleIn: c.f("s_x")), c.t("exp_table").int32, "\(c.name): Swift-built exp table")
            let x = c.t("x")
            for v in KernelVariants.softmaxS8 where v.isAvailable() {
                var y = [Int8](repeating: 0, count: c.expected.count)
                v.function(x.int8, x.shape[0], x.shape[1], c.t("exp_table").int32, &y)
                assertEqualInt8(y, c.expected.int8, "\(c.name) [\(v.name)]")
            }
        }
    }

    func testLayerNorm() throws {
        for c in try cases("layer_norm_s8.json", kernel: "layerNormS8") {
            let x = c.t("x")
            let ch = x.shape[x.shape.count - 1]
            XCTAssertEqual(LookupTables.layerNormEpsilonS8(epsilon: c.f("eps"), channels: ch, scaleIn: c.f("s_x")), c.i32("eps_q"), c.name)
            for v in KernelVariants.layerNormS8 where v.isAvailable() {
                var y = [Int8](repeating: 0, count: c.expected.count)
                v.function(x.int8, x.count / ch, ch, c.t("gamma_q").int8, c.t("beta_q").int32, c.requantTable(), c.i32("eps_q"), &y,
                           c.i32("zp_x"), c.i32("zp_y"))
                assertEqualInt8(y, c.expected.int8, "\(c.name) [\(v.name)]")
            }
        }
        for c in try cases("layer_norm_s8.json", kernel: "layerNormF32") {
            let x = c.t("x")
            let ch = x.shape[x.shape.count - 1]
            var y = [Float](repeating: 0, count: c.expected.count)
            layerNormF32(x.float, rows: x.count / ch, channels: ch, gamma: c.t("gamma").float, beta: c.t("beta").float, epsilon: c.f("eps"), output: &y)
            assertClose(y, c.expected.float, tolerance: 1e-4, c.name)
        }
    }

    func testPoolMatMulNormAndConversions() throws {
        let file = "pool_matmul_norm_s8.json"
        for c in try cases(file, kernel: "meanPoolS8") {
            let x = c.t("x")
            let io = QuantizedIO(inputZeroPoint: c.i32("zp_x"), outputZeroPoint: c.i32("zp_y"), lo: c.i32("lo"), hi: c.i32("hi"))
            for v in KernelVariants.meanPoolS8 where v.isAvailable() {
                var y = [Int8](repeating: 0, count: c.expected.count)
                v.function(x.int8, x.shape[0], x.shape[1], [c.i32("mult"), c.i32("shift")], &y, io)
                assertEqualInt8(y, c.expected.int8, "\(c.name) [\(v.name)]")
            }
        }
        for c in try cases(file, kernel: "batchMatMulS8") {
            let a = c.t("a"), b = c.t("b"), tb = c.p("transpose_b") == 1
            let io = BinaryQuantizedIO(zeroPointA: c.i32("zp_a"), zeroPointB: c.i32("zp_b"), outputZeroPoint: c.i32("zp_y"), lo: c.i32("lo"), hi: c.i32("hi"))
            for v in KernelVariants.batchMatMulS8 where v.isAvailable() {
                var y = [Int8](repeating: 0, count: c.expected.count)
                v.function(a.int8, b.int8, a.shape[0], a.shape[1], a.shape[2], tb ? b.shape[1] : b.shape[2], tb, [c.i32("mult"), c.i32("shift")], &y, io)
                assertEqualInt8(y, c.expected.int8, "\(c.name) [\(v.name)]")
            }
        }
        for c in try cases(file, kernel: "l2NormalizeS8") {
            let x = c.t("x")
            for v in KernelVariants.l2NormalizeS8 where v.isAvailable() {
                var y = [Int8](repeating: 0, count: c.expected.count)
                v.function(x.int8, x.shape[0], x.shape[1], c.i32("zp_x"), &y)
                assertEqualInt8(y, c.expected.int8, "\(c.name) [\(v.name)]")
            }
        }
        for c in try cases(file, kernel: "quantizeF32ToS8") {
            for v in KernelVariants.quantize where v.isAvailable() {
                var y = [Int8](repeating: 0, count: c.expected.count)
                v.function(c.t("x").float, c.t("x").count, c.f("s"), c.i32("zp"), &y)
                assertEqualInt8(y, c.expected.int8, "\(c.name) [\(v.name)]")
            }
        }
        for c in try cases(file, kernel: "dequantizeS8ToF32") {
            var y = [Float](repeating: 0, count: c.expected.count)
            dequantizeS8ToF32(c.t("q").int8, count: c.t("q").count, scale: c.f("s"), zeroPoint: c.i32("zp"), output: &y)
            XCTAssertEqual(y, c.expected.float, c.name) // one float multiply of exact integers: exact
        }
        for c in try cases(file, kernel: "meanPoolF32") {
            let x = c.t("x")
            var y = [Float](repeating: 0, count: c.expected.count)
            meanPoolF32(x.float, time: x.shape[0], channels: x.shape[1], output: &y, activation: .none)
            assertClose(y, c.expected.float, tolerance: floatTolerance, c.name)
        }
        for c in try cases(file, kernel: "batchMatMulF32") {
            let a = c.t("a"), b = c.t("b"), tb = c.p("transpose_b") == 1
            var y = [Float](repeating: 0, count: c.expected.count)
            batchMatMulF32(a.float, b.float, batches: a.shape[0], m: a.shape[1], k: a.shape[2], n: tb ? b.shape[1] : b.shape[2],
                           transposeB: tb, output: &y, activation: .none)
            assertClose(y, c.expected.float, tolerance: floatTolerance, c.name)
        }
        for c in try cases(file, kernel: "softmaxF32") {
            let x = c.t("x")
            var y = [Float](repeating: 0, count: c.expected.count)
            softmaxF32(x.float, rows: x.shape[0], length: x.shape[1], output: &y)
            assertClose(y, c.expected.float, tolerance: 1e-6, c.name)
        }
        for c in try cases(file, kernel: "geluF32") {
            var y = [Float](repeating: 0, count: c.expected.count)
            geluF32(c.t("x").float, count: c.t("x").count, output: &y)
            assertClose(y, c.expected.float, tolerance: 1e-6, c.name)
        }
        for c in try cases(file, kernel: "l2NormalizeF32") {
            let x = c.t("x")
            var y = [Float](repeating: 0, count: c.expected.count)
            l2NormalizeF32(x.float, rows: x.shape[0], length: x.shape[1], output: &y)
            assertClose(y, c.expected.float, tolerance: 1e-6, c.name)
        }
    }
}

func withOptionalPointer<T, R>(_ values: [T]?, _ body: (UnsafePointer<T>?) -> R) -> R {
    guard let values else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0.baseAddress) }
}
