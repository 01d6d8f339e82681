import XCTest
import MuJoCore
@testable import MuJoHostCore

/// The OpenBLAS float kernels against the reference kernels, within `conv1dF32GemmTolerance` and
/// `fullyConnectedF32GemmTolerance`.
final class GemmF32Tests: XCTestCase {
    struct LCG {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(state >> 40) - (1 << 23)) / Float(1 << 23)
        }
    }

    func assertWithin(_ a: [Float], _ b: [Float], tolerance: Float, _ what: String) {
        XCTAssertEqual(a.count, b.count)
        var worst: Float = 0
        for i in 0..<a.count { worst = max(worst, abs(a[i] - b[i]) / (1 + abs(b[i]))) }
        XCTAssertLessThanOrEqual(worst, tolerance, what)
    }

    func testConvMatchesReference() {
        var rng = LCG(state: 7)
        // (T_in, C_in, C_out, K, stride, dilation, padL, padR)
        let cases: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
            (100, 3, 16, 5, 1, 1, 0, 0), (96, 16, 32, 3, 2, 1, 1, 1), (48, 32, 32, 1, 1, 1, 0, 0),
            (48, 32, 24, 5, 1, 2, 4, 4), (17, 5, 7, 4, 3, 2, 2, 0), (10, 2, 3, 1, 2, 1, 0, 0),
        ]
        for (tin, cin, cout, k, s, d, pl, pr) in cases {
            for act in [FusedActivation.none, .relu, .relu6] {
                let g = Conv1DGeometry(timeIn: tin, channelsIn: cin, channelsOut: cout, kernelSize: k, stride: s, dilation: d, padLeft: pl, padRight: pr)
                let x = (0..<(tin * cin)).map { _ in rng.next() * 4 }
                let w = (0..<(cout * k * cin)).map { _ in rng.next() }
                let b = (0..<cout).map { _ in rng.next() }
                var ref = [Float](repeating: 0, count: g.timeOut * cout), opt = ref
                var scratch = [Float](repeating: .nan, count: max(OpenBLASKernels.conv1dF32ScratchBytes(g) / 4, 1))
                conv1dF32(input: x, weights: w, bias: b, output: &ref, geometry: g, activation: act)
                OpenBLASKernels.conv1dF32(input: x, weights: w, bias: b, output: &opt, geometry: g, activation: act, scratch: &scratch)
                assertWithin(opt, ref, tolerance: conv1dF32GemmTolerance, "conv \(tin)x\(cin)→\(cout) k\(k) s\(s) d\(d) p\(pl)/\(pr) \(act)")
                conv1dF32(input: x, weights: w, bias: nil, output: &ref, geometry: g, activation: act)
                OpenBLASKernels.conv1dF32(input: x, weights: w, bias: nil, output: &opt, geometry: g, activation: act, scratch: &scratch)
                assertWithin(opt, ref, tolerance: conv1dF32GemmTolerance, "conv without bias")
            }
        }
    }

    func testFullyConnectedMatchesReference() {
        var rng = LCG(state: 11)
        for (rows, k, o) in [(1, 32, 16), (48, 32, 64), (3, 7, 5)] {
            let x = (0..<(rows * k)).map { _ in rng.next() * 3 }
            let w = (0..<(o * k)).map { _ in rng.next() }
            let b = (0..<o).map { _ in rng.next() }
            var ref = [Float](repeating: 0, count: rows * o), opt = ref
            fullyConnectedF32(input: x, weights: w, bias: b, output: &ref, rows: rows, inputs: k, outputs: o, activation: .relu)
            OpenBLASKernels.fullyConnectedF32(input: x, weights: w, bias: b, output: &opt, rows: rows, inputs: k, outputs: o, activation: .relu)
            assertWithin(opt, ref, tolerance: fullyConnectedF32GemmTolerance, "fc \(rows)x\(k)→\(o)")
        }
    }

    func testScratchSize() {
        let pw = Conv1DGeometry(timeIn: 48, channelsIn: 32, channelsOut: 32, kernelSize: 1)
        XCTAssertEqual(OpenBLASKernels.conv1dF32ScratchBytes(pw), 0)
        let c = Conv1DGeometry(timeIn: 96, channelsIn: 16, channelsOut: 32, kernelSize: 3, stride: 2, padLeft: 1, padRight: 1)
        XCTAssertEqual(OpenBLASKernels.conv1dF32ScratchBytes(c), 48 * 3 * 16 * 4)
        // Grouped (depthwise) convolutions run the reference kernel: no scratch.
        XCTAssertEqual(OpenBLASKernels.conv1dF32ScratchBytes(Conv1DGeometry(timeIn: 48, channelsIn: 32, channelsOut: 32, kernelSize: 5, groups: 32)), 0)
    }
}
