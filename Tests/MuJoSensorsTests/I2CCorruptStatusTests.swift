import Foundation
import XCTest
import MuJoSensors
import MuJoEmulators

/// Status reads that lie: a FIFO count beyond the capacity, beyond what the chip can have sampled
/// since the last read, or stuck. The driver must report a gap and never read filler bytes as samples.
final class I2CCorruptStatusTests: XCTestCase {
    /// A count within the FIFO's capacity but more than the chip could have sampled since the last
    /// read (a glitching count register; found by the fault soak) must not be read: an empty FIFO
    /// hands out filler bytes, and the driver would deliver them as samples.
    func testImplausibleCountIsNotReadAsSamples() throws {
        let rig = try Rig(.mpu6050, rateHz: 100)
        try rig.driver.start()
        var events = try rig.run(seconds: 3)
        // Count registers 0x01 0x01 = 257 bytes = 42 frames, a few milliseconds after the last read.
        rig.system.stickStatus(bus: "/dev/i2c-1", address: 0x68, value: 0x01, forNanoseconds: 1_000_000)
        var now: [SensorEvent] = []
        try rig.driver.read(into: &now)
        events += now
        XCTAssertEqual(now.compactMap { $0.gap?.reason }, [.fifoOverflow], "the corrupt count is a gap")
        XCTAssertTrue(now.allSatisfy { $0.sample == nil }, "no sample read on a corrupt count")
        events += try rig.run(seconds: 3)
        let f = groundTruth(rig, events)
        XCTAssertEqual(f.duplicated, 0, "\(f)")
        XCTAssertEqual(f.valueMismatches, 0, "\(f)")
        XCTAssertEqual(f.produced, f.delivered + f.lost + f.inFIFO)
        assertStrictlyIncreasing(events)
    }

    /// A status read of 0xFF (e.g. a glitching bus returning all ones) claims more samples than the
    /// FIFO holds: the driver resets the FIFO and reports a gap instead of reading garbage.
    func testImpossibleCountIsTreatedAsOverflow() throws {
        let rig = try Rig(.mpu6050, rateHz: 100)
        try rig.driver.start()
        var events = try rig.run(seconds: 3)
        // INT_STATUS without bit 4, count 0xEFEF bytes, for the next poll only (read right away).
        rig.system.stickStatus(bus: "/dev/i2c-1", address: 0x68, value: 0xEF, forNanoseconds: 1_000_000)
        var now: [SensorEvent] = []
        try rig.driver.read(into: &now)
        events += now
        events += try rig.run(seconds: 3)
        XCTAssertEqual(events.compactMap { $0.gap?.reason }, [.fifoOverflow])
        let f = groundTruth(rig, events)
        XCTAssertEqual(f.duplicated, 0)
        XCTAssertEqual(f.valueMismatches, 0)
        XCTAssertEqual(f.produced, f.delivered + f.lost + f.inFIFO)
    }
}
