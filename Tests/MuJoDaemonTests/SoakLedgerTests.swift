import XCTest
import MuJoDaemon
@testable import MuJoDevice
@testable import MuJoEmulators
import MuJoSensors
@testable import MuJoSoak

/// The fault soak's ledger must be able to fail: hand-built cases where samples are lost without
/// a gap, read but never delivered, or delivered outside every window, with the counts worked out
/// by hand. Then a short soak of the real loop, whose figures must add up.
final class SoakLedgerTests: XCTestCase {
    /// A chip at 100 Hz (a sample every 10 ms) with or without its FIFO.
    final class TestChip: EmulatedChip {
        let fifo: Bool
        init(fifo: Bool) {
            self.fifo = fifo
            super.init(address: 0x68, recording: Recording(timesNanoseconds: [0, 1_000_000_000], values: [.zero, .zero]))
        }
        override var outputDataRate: Double { 100 }
        override var fifoEnabled: Bool { fifo }
        override var fifoCapacity: Int { 1000 }
    }

    func ms(_ v: Int64) -> Int64 { v * 1_000_000 }

    func gap(_ start: Int64, _ end: Int64) -> SessionEvent {
        .gap(SensorGap(reason: .fifoOverflow, startNanoseconds: ms(start), endNanoseconds: ms(end), estimatedLostSamples: 0))
    }

    func window(_ start: Int64, _ end: Int64) -> SessionEvent {
        .window(Recognition(startNanoseconds: ms(start), endNanoseconds: ms(end), top: (nil, nil, nil), latencyNanoseconds: 0))
    }

    func testDroppedSamplesOutsideEveryGapAreUnexplained() {
        let chip = TestChip(fifo: false)   // every sample produced is dropped (latched only)
        chip.advance(to: 0)
        chip.advance(to: ms(1000))         // samples at 10, 20, …, 1000 ms
        XCTAssertEqual(chip.producedTimes.count, 100)
        let ledger = SampleLedger(windowNanoseconds: ms(100), toleranceNanoseconds: 0)
        ledger.record(gap(200, 500))       // holds 200, 210, …, 500 ms: 31 samples
        ledger.finish(chip)
        XCTAssertEqual(ledger.figures.produced, 100)
        XCTAssertEqual(ledger.figures.inGaps, 31)
        XCTAssertEqual(ledger.figures.unexplained, 69)
        XCTAssertEqual(ledger.examples.count, 10)
        XCTAssertTrue(ledger.examples[0].contains("lies in no reported gap"), ledger.examples[0])
        XCTAssertTrue(chip.producedTimes.isEmpty, "the settled log is handed over and forgotten")
        XCTAssertEqual(chip.logBase, 100)
    }

    func testReadSamplesArePairedWithDeliveriesAndJudgedByWindows() {
        let chip = TestChip(fifo: true)
        chip.advance(to: 0)
        chip.advance(to: ms(100))          // 10 samples in the FIFO, at 10…100 ms
        for _ in 0..<6 { chip.popHead() }  // the host reads 6 of them
        let ledger = SampleLedger(windowNanoseconds: ms(50), toleranceNanoseconds: 0)
        // The loop gets 10…50 ms paired with the chip's reads, then 55 ms, which the chip never made
        // (invented), and never the read at 60 ms. 10…40 ms lie in a window, 50 ms in none.
        for t in [10, 20, 30, 40, 50, 55] as [Int64] {
            ledger.deliver(MotionSample(timestampNanoseconds: ms(t), acceleration: .zero))
        }
        ledger.record(window(10, 40))
        ledger.record(window(150, 200))    // a later window: the sample at 50 ms is not at the end
        ledger.finish(chip)
        let f = ledger.figures
        XCTAssertEqual(f.produced, 10)
        XCTAssertEqual(f.classified, 4)
        XCTAssertEqual(f.inFIFOAtEnd, 4)
        XCTAssertEqual(f.unexplained, 3, ledger.examples.joined(separator: "; "))
        XCTAssertEqual(f.invented, 1)
        XCTAssertEqual(ledger.examples.filter { $0.contains("in no window") }.count, 1)
        XCTAssertEqual(ledger.examples.filter { $0.contains("matches none the chip produced") }.count, 1)
        XCTAssertEqual(ledger.examples.filter { $0.contains("never delivered") }.count, 1)
        XCTAssertEqual(f.explained + f.unexplained - f.invented, f.produced)
    }

    func testSamplesJustBeforeAGapOrAfterTheLastWindowAreExplained() {
        let chip = TestChip(fifo: true)
        chip.advance(to: 0)
        chip.advance(to: ms(60))
        for _ in 0..<6 { chip.popHead() }
        let ledger = SampleLedger(windowNanoseconds: ms(30), toleranceNanoseconds: 0)
        for t in [10, 20, 30, 40, 50, 60] as [Int64] {
            ledger.deliver(MotionSample(timestampNanoseconds: ms(t), acceleration: .zero))
        }
        ledger.record(window(10, 20))
        ledger.record(gap(45, 48))         // 30, 40 ms: in the unfinished window before this gap
                                           // 50, 60 ms: after the last window, at the end
        ledger.finish(chip)
        let f = ledger.figures
        XCTAssertEqual(f.classified, 2)
        XCTAssertEqual(f.beforeGap, 2)
        XCTAssertEqual(f.atEnd, 2)
        XCTAssertEqual(f.unexplained, 0, ledger.examples.joined(separator: "; "))
    }

    /// Samples the driver read and did not deliver (it could not trust the poll: a stuck count) are
    /// lost like dropped ones: explained only inside a reported gap, and never paired with a later
    /// delivery (which would shift every pairing after them).
    func testReadButDiscardedSamplesMustLieInAGap() {
        let chip = TestChip(fifo: true)
        chip.advance(to: 0)
        chip.advance(to: ms(100))          // 10 samples, at 10…100 ms
        let ledger = SampleLedger(windowNanoseconds: ms(50), toleranceNanoseconds: ms(5))
        for _ in 0..<4 { chip.popHead() }  // 10…40 ms: read and delivered
        for t in [10, 20, 30, 40] as [Int64] { ledger.deliver(MotionSample(timestampNanoseconds: ms(t), acceleration: .zero)) }
        for _ in 0..<3 { chip.popHead() }  // 50…70 ms: read, discarded by the driver
        ledger.discarded(through: chip.lastReadSeq, count: 3)
        XCTAssertEqual(chip.lastReadSeq, 6)
        for _ in 0..<3 { chip.popHead() }  // 80…100 ms: read and delivered
        for t in [80, 90, 100] as [Int64] { ledger.deliver(MotionSample(timestampNanoseconds: ms(t), acceleration: .zero)) }
        ledger.record(window(0, 40))
        ledger.record(gap(45, 55))         // with the 5 ms tolerance: holds 50 and 60 ms, not 70
        ledger.record(window(80, 130))
        ledger.finish(chip)
        let f = ledger.figures
        XCTAssertEqual(f.classified, 7, ledger.examples.joined(separator: "; "))
        XCTAssertEqual(f.discardedByDriver, 3)
        XCTAssertEqual(f.inGaps, 2, "50 and 60 ms lie in the gap")
        XCTAssertEqual(f.unexplained, 1, "70 ms lies in no gap")
        XCTAssertTrue(ledger.examples[0].contains("lies in no reported gap"), ledger.examples[0])
        XCTAssertEqual(f.invented, 0)
        XCTAssertEqual(f.explained + f.unexplained - f.invented, f.produced)
    }

    /// The soak's own bookkeeping is measured (the report shows it beside RSS): the emulator logs every
    /// sample of a long stall at once (10,000 here); growth since the first hour is reported.
    func testOwnBookkeepingIsMeasured() {
        let chip = TestChip(fifo: false)
        chip.advance(to: 0)
        let before = chip.bookkeepingBytes
        chip.advance(to: ms(100_000))
        XCTAssertGreaterThanOrEqual(chip.bookkeepingBytes - before, 10_000 * (8 + 16 + 1))
        var rss = RSSCheckpoints()
        rss.observe(sensorNanoseconds: 0, bookkeeping: 100)
        rss.observe(sensorNanoseconds: 3_600_000_000_000, bookkeeping: 200)
        XCTAssertEqual(rss.bookkeepingGrowth, 0)
        rss.observe(sensorNanoseconds: 7_200_000_000_000, bookkeeping: 500)
        XCTAssertEqual(rss.bookkeepingGrowth, 300)
        rss.observe(sensorNanoseconds: 9_000_000_000_000, bookkeeping: 150)
        XCTAssertEqual(rss.bookkeepingGrowth, 0, "a shrink excuses nothing")
    }

    /// The real loop, the real driver and an emulated MPU-6050, six minutes of sensor time with a
    /// fault every 10 s on average: every sample accounted for, every event on disk.
    func testShortSoakAccountsForEverySample() throws {
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(repositoryRoot))
        let report = NSTemporaryDirectory() + "soak-\(getpid()).json"
        defer { try? FileManager.default.removeItem(atPath: report) }
        var soak = try Soak.parse(["--hours", "0.1", "--seed", "7", "--fault-every", "10", "--report", report])
        try soak.run()
        let figures = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as! [String: Any]
        XCTAssertEqual(figures["passed"] as? Bool, true, "\(figures["problems"] ?? "")")
        XCTAssertEqual(figures["unexplained"] as? Int, 0)
        let produced = figures["produced"] as! Int
        XCTAssertGreaterThan(produced, 15_000)   // 360 s at 50 Hz, less what the stalls dropped before a gap
        let parts = ["classified", "inside_gaps", "before_gap", "at_end", "in_fifo_at_end"].map { figures[$0] as! Int }
        XCTAssertEqual(parts.reduce(0, +), produced)
        XCTAssertGreaterThan(figures["inside_gaps"] as! Int, 0, "the faults lost samples, inside reported gaps")
        let faults = figures["faults"] as! [String: Int]
        XCTAssertGreaterThan(faults.values.reduce(0, +), 10)
    }
}
