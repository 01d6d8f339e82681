// LSM6DSOX tagged-FIFO pairing rules (internal function, hence @testable).
import XCTest
@testable import MuJoSensors

final class TaggedPairingTests: XCTestCase {
    func testPairsByTagCountInEitherOrderAndNeverInventsGyro() {
        var p = TaggedPairing()
        var f: [RawFrame] = []
        let a1 = SIMD3<Int32>(1, 2, 3), g1 = SIMD3<Int32>(10, 20, 30)
        LSM6DSFamily.pair(tag: 0x01, count: 1, value: g1, &p, &f)
        LSM6DSFamily.pair(tag: 0x02, count: 1, value: a1, &p, &f)
        XCTAssertEqual(f.count, 1); XCTAssertEqual(f[0].accel, a1); XCTAssertEqual(f[0].gyro, g1); XCTAssertTrue(f[0].gyroValid)
        // Accel first, then its gyro.
        LSM6DSFamily.pair(tag: 0x02, count: 2, value: a1 &* 2, &p, &f)
        LSM6DSFamily.pair(tag: 0x01, count: 2, value: g1 &* 2, &p, &f)
        XCTAssertEqual(f.count, 2); XCTAssertEqual(f[1].gyro, g1 &* 2); XCTAssertTrue(f[1].gyroValid)
        // An accel whose gyro never comes is delivered without rotation when the next accel arrives.
        LSM6DSFamily.pair(tag: 0x02, count: 3, value: a1 &* 3, &p, &f)
        LSM6DSFamily.pair(tag: 0x02, count: 0, value: a1 &* 4, &p, &f)
        XCTAssertEqual(f.count, 3); XCTAssertEqual(f[2].accel, a1 &* 3); XCTAssertFalse(f[2].gyroValid)
        // A gyro with another count flushes the pending accel without rotation, and waits.
        LSM6DSFamily.pair(tag: 0x01, count: 1, value: g1, &p, &f)
        XCTAssertEqual(f.count, 4); XCTAssertEqual(f[3].accel, a1 &* 4); XCTAssertFalse(f[3].gyroValid)
        LSM6DSFamily.pair(tag: 0x02, count: 1, value: a1, &p, &f)
        XCTAssertEqual(f.count, 5); XCTAssertTrue(f[4].gyroValid)
        // Other tags (temperature, timestamp, …) are ignored.
        LSM6DSFamily.pair(tag: 0x03, count: 2, value: a1, &p, &f)
        XCTAssertEqual(f.count, 5)
    }
}
