import Foundation
import XCTest
import MuJoSensors
import MuJoEmulators

/// The reopen loop's give-up time counts the absence the driver watched, not time it was not
/// running. Found by the fault soak on the LSM6DS3: the reader stalled for ~55 s while the chip
/// was away for 7 s; the first attempt after the stall met a NACK burst and the driver gave up
/// ("did not come back within 61 s") on a chip that had been back for most of a minute.
final class I2CReopenStallTests: XCTestCase {
    let bus = "/dev/i2c-1"

    func testReaderStalledWhileAwayIsNotAnAbsence() throws {
        let rig = try Rig(.lsm6ds3, rateHz: 50)
        try rig.driver.start()
        var events = try rig.run(seconds: 2)
        rig.system.disappear(bus: bus, address: rig.chip.address, forNanoseconds: 5_000_000_000)
        events += try rig.run(seconds: 1)
        XCTAssertTrue(rig.driver.isReopening, "the driver noticed the chip gone")
        // mujod is not scheduled for 90 s; the chip comes back meanwhile. The first transactions
        // after the stall NACK (12: more than one attempt's five tries).
        rig.system.advance(by: 90_000_000_000)
        rig.system.nack(bus: bus, address: rig.chip.address, transactions: 12)
        events += try rig.run(seconds: 10)
        XCTAssertFalse(rig.driver.isReopening, "the chip is back")
        XCTAssertEqual(events.compactMap { $0.gap?.reason }, [.deviceReopened])
        XCTAssertGreaterThan(events.suffix(100).compactMap { $0.sample }.count, 90, "samples flow again")
    }

    /// Still gives up when the attempts themselves span the limit (the stall is not a licence to
    /// wait forever): away for 10 min, a 90 s stall inside, an error after 60 s of attempts.
    func testStillGivesUpAfterSixtySecondsOfAttempts() throws {
        let rig = try Rig(.lsm6ds3, rateHz: 50)
        try rig.driver.start()
        _ = try rig.run(seconds: 2)
        rig.system.disappear(bus: bus, address: rig.chip.address, forNanoseconds: 600_000_000_000)
        _ = try rig.run(seconds: 1)
        let stalledAt = rig.system.now
        rig.system.advance(by: 90_000_000_000)
        var caught: SensorError?
        do { _ = try rig.run(seconds: 120) } catch let e as SensorError { caught = e }
        guard case .deviceVanished(_, _, let s)? = caught else { return XCTFail("expected deviceVanished, got \(String(describing: caught))") }
        XCTAssertGreaterThanOrEqual(s, 60)
        XCTAssertLessThan(s, 66)
        XCTAssertGreaterThan(rig.system.now - stalledAt, 90_000_000_000 + 55_000_000_000)
    }
}
