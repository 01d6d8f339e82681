import XCTest
@testable import MuJoCore
import MuJoHostCore

/// The rounding policy (docs/int8-spec.md) against hand-computed cases and the numpy vectors.
final class FixedPointTests: XCTestCase {
    func testHandComputedRequantization() {
        let half = QuantizedMultiplier(multiplier: 1 << 30, shift: 0) // 0.5
        // 3 · 0.5 = 1.5 → ties go toward +∞ → 2; −3 · 0.5 = −1.5 → −1.
        XCTAssertEqual(FixedPoint.multiplyByQuantizedMultiplier(3, half), 2)
        XCTAssertEqual(FixedPoint.multiplyByQuantizedMultiplier(-3, half), -1)
        XCTAssertEqual(FixedPoint.multiplyByQuantizedMultiplier(-5, half), -2)
        // shift 2: 0.5 · 4 = 2; 7 · 2 = 14.
        XCTAssertEqual(FixedPoint.multiplyByQuantizedMultiplier(7, QuantizedMultiplier(multiplier: 1 << 30, shift: 2)), 14)
        // Saturation at the clamp: 1000 · 0.5 + 10 = 510 → 127.
        XCTAssertEqual(FixedPoint.requantize(1000, half, zeroPoint: 10, lo: -128, hi: 127), 127)
        XCTAssertEqual(FixedPoint.requantize(-1000, half, zeroPoint: 10, lo: 10, hi: 127), 10)
        // divRoundHalfAway: 5/2 = 2.5 → 3, −5/2 → −3, 7/4 = 1.75 → 2.
        XCTAssertEqual(FixedPoint.divRoundHalfAway(5, 2), 3)
        XCTAssertEqual(FixedPoint.divRoundHalfAway(-5, 2), -3)
        XCTAssertEqual(FixedPoint.divRoundHalfAway(7, 4), 2)
        // quantizeMultiplier(0.75) = 0.75 · 2^31 with shift 0; (1.0) = 2^30 with shift 1.
        XCTAssertEqual(FixedPoint.quantizeMultiplier(0.75), QuantizedMultiplier(multiplier: 1_610_612_736, shift: 0))
        XCTAssertEqual(FixedPoint.quantizeMultiplier(1.0), QuantizedMultiplier(multiplier: 1 << 30, shift: 1))
        XCTAssertEqual(FixedPoint.quantizeMultiplier(1e-20), QuantizedMultiplier(multiplier: 0, shift: 0))
        XCTAssertNil(FixedPoint.quantizeMultiplier(2e9))
    }

    func testIsqrtExact() {
        for n in Int64(0)...5000 {
            let r = FixedPoint.isqrt(n)
            XCTAssert(r * r <= n && (r + 1) * (r + 1) > n, "isqrt(\(n)) = \(r)")
        }
        let big = Int64(3037000499) // ⌊√(2^63−1)⌋
        XCTAssertEqual(FixedPoint.isqrt(big * big), big)
        XCTAssertEqual(FixedPoint.isqrt(big * big - 1), big - 1)
        XCTAssertEqual(FixedPoint.isqrt(Int64.max), big)
    }

    func testNumpyVectors() throws {
        let all = try loadVectorFile("fixed_point.json").cases
        XCTAssertGreaterThan(all.count, 100)
        for c in all {
            let want = c.expected.int64
            switch c.kernel {
            case "multiplyByQuantizedMultiplier":
                let m = QuantizedMultiplier(multiplier: c.i32("multiplier"), shift: c.i32("shift"))
                XCTAssertEqual(FixedPoint.multiplyByQuantizedMultiplier(c.i64("x"), m), want[0], c.name)
            case "quantizeMultiplier":
                let got = FixedPoint.quantizeMultiplier(c.d("real"))
                XCTAssertEqual(got.map { [Int64($0.multiplier), Int64($0.shift)] }, want, c.name)
            case "divRoundHalfAway":
                XCTAssertEqual(FixedPoint.divRoundHalfAway(c.i64("a"), c.i64("b")), want[0], c.name)
            case "isqrt":
                XCTAssertEqual(FixedPoint.isqrt(c.i64("n")), want[0], c.name)
            case "requantize":
                let m = QuantizedMultiplier(multiplier: c.i32("multiplier"), shift: c.i32("shift"))
                XCTAssertEqual(Int64(FixedPoint.requantize(c.i64("acc"), m, zeroPoint: c.i32("zp"), lo: c.i32("lo"), hi: c.i32("hi"))), want[0], c.name)
            default:
                XCTFail("unknown kernel \(c.kernel) in fixed_point.json")
            }
        }
    }
}
