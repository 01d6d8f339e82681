import XCTest
@testable import MuJoDevice

/// SignalCheck on hand-built windows (100 frames × 3 accelerometer channels, in g).
final class SignalCheckTests: XCTestCase {
    let check = SignalCheck(lanes: [0, 1, 2], toG: 1)

    /// A window from a per-frame function of the frame index, plus a chip's few mg of noise on
    /// every axis (a real axis is never exactly constant) unless `noise` is false.
    func problem(noise: Bool = true, _ f: (Int) -> (Float, Float, Float)) -> SignalProblem? {
        var w = [Float]()
        for i in 0..<100 {
            let (x, y, z) = f(i)
            let n: (Float, Float, Float) = noise ? (0.001 * Float((i * 7) % 5), 0.001 * Float((i * 3) % 4), 0.001 * Float((i * 5) % 3)) : (0, 0, 0)
            w += [x + n.0, y + n.1, z + n.2]
        }
        return w.withUnsafeBufferPointer { check.check($0.baseAddress!, frames: 100) }
    }

    func testRealisticWindowsPass() {
        // Still, with 1 mg of noise: |a| ≈ 1 g.
        XCTAssertNil(problem { _ in (0, 0, 1) })
        // Walking-like: 1 g plus a 2 Hz swing of 0.5 g on every axis.
        XCTAssertNil(problem { i in let s = 0.5 * sin(Float(i) * 0.628); return (s, 0.3 * s, 1 + s) })
        // Clipped at ±2 g on 47 of 100 frames (the most seen in WISDM): still fine.
        XCTAssertNil(problem(noise: false) { i in (i < 47 ? 2 : Float(i % 7) * 0.1, 0.01 * Float(i % 5), 1 + 0.01 * Float(i % 3)) })
    }

    func testZerosAreADeadAxis() {
        XCTAssertEqual(problem(noise: false) { _ in (0, 0, 0) }, .deadAxis)
        XCTAssertEqual(problem(noise: false) { i in (0.01 * Float(i % 4), 0.5, 0.9 + 0.01 * Float(i % 3)) }, .deadAxis, "y never changes")
        XCTAssertNil(problem(noise: false) { i in (0.01 * Float(i % 4), i == 99 ? 0.5001 : 0.5, 0.9 + 0.01 * Float(i % 3)) }, "one step is a change")
    }

    func testNonFinite() {
        XCTAssertEqual(problem { i in (i == 50 ? .infinity : 0.01 * Float(i % 4), 0.1, 1) }, .nonFinite)
        XCTAssertEqual(problem { i in (0.01 * Float(i % 4), i == 3 ? .nan : 0.1, 1) }, .nonFinite)
    }

    func testPinnedAtARailIsSaturated() {
        // 61 of 100 frames at +2 g (> 60 %), the rest moving.
        XCTAssertEqual(problem(noise: false) { i in (i < 61 ? 2 : 0.1 * Float(i % 9), 0.01 * Float(i % 5), 1 + 0.01 * Float(i % 3)) }, .saturated)
        // 60 of 100 is not more than 60 %.
        XCTAssertNil(problem(noise: false) { i in (i < 60 ? 2 : 0.1 * Float(i % 9), 0.01 * Float(i % 5), 1 + 0.01 * Float(i % 3)) })
        // Pinned at a small value is not a rail (< 1.5 g): e.g. a coarse chip at rest.
        XCTAssertNil(problem(noise: false) { i in (i < 90 ? 0.5 : 0.49, 0.01 * Float(i % 5), 0.87 + 0.001 * Float(i % 3)) })
        // Negative rail.
        XCTAssertEqual(problem(noise: false) { i in (i < 80 ? -4 : -1, 0.01 * Float(i % 5), 1 + 0.01 * Float(i % 3)) }, .saturated)
    }

    func testStillButNotOneG() {
        // Still at 0.5 g: a ±4 g range read as ±2 g, or the wrong unit.
        XCTAssertEqual(problem { _ in (0, 0, 0.5) }, .implausibleGravity)
        // Still at 9.8 "g": m/s² read as g.
        XCTAssertEqual(problem { _ in (0, 0, 9.8) }, .implausibleGravity)
        // Moving at a mean of 0.5 g is not judged (free fall, a throw).
        XCTAssertNil(problem { i in let s = 0.4 * sin(Float(i) * 0.628); return (s, 0.1, 0.5 + s) })
    }

    func testUnitsAndLanes() {
        // m/s² windows (toG = 1/9.80665), gyro lanes ignored for dead-axis but not for non-finite.
        let c = SignalCheck(lanes: [0, 1, 2, 3, 4, 5], toG: Float(1 / 9.80665))
        var w = [Float]()
        for i in 0..<100 { w += [0.01 * Float(i % 3), 0.02 * Float(i % 2), 9.81 + 0.01 * Float(i % 4), 0, 0, 0] }
        XCTAssertNil(w.withUnsafeBufferPointer { c.check($0.baseAddress!, frames: 100) }, "a still gyro is fine")
        w[5] = .nan
        XCTAssertEqual(w.withUnsafeBufferPointer { c.check($0.baseAddress!, frames: 100) }, .nonFinite)
    }
}
