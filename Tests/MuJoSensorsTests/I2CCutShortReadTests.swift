import Foundation
import XCTest
import MuJoSensors
import MuJoEmulators

/// A read cut short (the chip stops answering mid-drain) delivers the frames it got: they are the
/// FIFO's oldest, and must be stamped as such. Found by the fault soak on the LSM6DSOX (seed 2):
/// after a reader stall left a deep backlog, the first read met a NACK burst; its frames were stamped
/// as if just sampled, seconds late, and the gap that followed began after the samples it lost.
final class I2CCutShortReadTests: XCTestCase {
    let bus = "/dev/i2c-1"

    func testFramesOfACutShortReadAreStampedAsTheOldest() throws {
        let rig = try Rig(.lsm6ds3, rateHz: 50)
        try rig.driver.start()
        var events = try rig.run(seconds: 3)
        rig.system.advance(by: 20_000_000_000)   // the reader stalls 20 s: ~1040 samples wait (of 1365)
        // The status read and 9 bursts (45 samples) succeed, then the chip NACKs through every retry.
        rig.system.nack(bus: bus, address: rig.chip.address, transactions: 12, afterTransactions: 10)
        events += try rig.run(seconds: 5)
        XCTAssertEqual(events.compactMap { $0.gap?.reason }, [.deviceReopened])
        let f = groundTruth(rig, events)
        XCTAssertEqual(f.duplicated, 0)
        XCTAssertEqual(f.valueMismatches, 0)
        XCTAssertLessThan(f.maxTimestampErrorMs, 350, "\(f)")
        // Every sample lost (left in the FIFO at the reopen) lies inside the reported gap.
        let gaps = events.compactMap { $0.gap }
        var outside = 0
        for (i, fate) in rig.chip.fates.enumerated() where fate == .dropped {
            let t = rig.chip.producedTimes[i]
            if !gaps.contains(where: { $0.startNanoseconds - 50_000_000 <= t && t <= $0.endNanoseconds + 50_000_000 }) { outside += 1 }
        }
        XCTAssertGreaterThan(rig.chip.droppedCount, 900)
        XCTAssertEqual(outside, 0, "lost samples outside every reported gap")
    }
}
