// Acceptance 4: malformed CSVs give line- and column-numbered errors; good files replay.
import XCTest
import MuJoSensors
import MuJoEmulators

final class CSVReplayTests: XCTestCase {
    func parse(_ text: String, _ config: CSVReplayConfiguration = CSVReplayConfiguration(path: "rec.csv")) throws -> CSVRecording {
        try parseMotionCSV(Array(text.utf8), path: "rec.csv", configuration: config)
    }

    func error(_ text: String, _ config: CSVReplayConfiguration = CSVReplayConfiguration(path: "rec.csv")) -> String {
        do { _ = try parse(text, config); return "no error" } catch let e as SensorError { return e.message } catch { return "\(error)" }
    }

    func testMissingColumn() {
        XCTAssertEqual(error("t,ax,ay,az\n0.00,0,0,9.8\n0.01,0,0.1\n"),
                       "rec.csv:3:4: missing column az: found 3 of 4 columns; every row needs t, ax, ay, az")
        XCTAssertEqual(error("0,1,2,3,4,5,6\n1,1,2,3,4,5\n"),
                       "rec.csv:2:7: missing column gz: found 6 of 7 columns; every row needs t, ax, ay, az, gx, gy, gz")
        XCTAssertEqual(error("0,1,2\n"),
                       "rec.csv:1:4: found 3 columns; expected 4 (t, ax, ay, az) or 7 (t, ax, ay, az, gx, gy, gz)")
        XCTAssertEqual(error("0,1,2,3\n1,1,2,3,4\n"),
                       "rec.csv:2:5: extra column: found 5, expected 4 like the first row; remove it or add it everywhere")
    }

    func testTrailingActivityColumnIsIgnored() throws {
        let r = try parse("t[ms],ax[g],ay[g],az[g],activity\n0,0,0,1,walking\n50,0,0.5,1,sitting down\n")
        XCTAssertEqual(r.samples.count, 2)
        XCTAssertEqual(r.samples[1].timestampNanoseconds, 50_000_000)
        XCTAssertEqual(r.samples[1].acceleration.y, Float(0.5 * standardGravity), accuracy: 1e-5)
        // Only a header names such a column; without one a fifth field is still an error.
        XCTAssertEqual(error("t,ax,ay,az,label\n0,0,0,9.8,a,b\n"),
                       "rec.csv:2:6: found 6 columns; the header names 5 (the last one the activity label)")
        XCTAssertEqual(error("t,ax,ay,az,label\n0,0,0,9.8\n"),
                       "rec.csv:2:5: found 4 columns; the header names 5 (the last one the activity label)")
        XCTAssertEqual(error("0,1,2,3,walking\n"),
                       "rec.csv:1:6: found 5 columns; expected 4 (t, ax, ay, az) or 7 (t, ax, ay, az, gx, gy, gz)")
    }

    func testTextInANumber() {
        XCTAssertEqual(error("# my walk\nt[s],ax[g],ay[g],az[g]\n0.00,0,0,1\n0.02,0.1,abc,1\n"),
                       "rec.csv:4:3: ay 'abc' is not a number; use a plain decimal such as 9.81")
        XCTAssertEqual(error("0,0,0,1\n0.02,0.1,,1\n"), "rec.csv:2:3: empty ay; write a number")
        XCTAssertEqual(error("0,0,0,1\n0.02,0.1,1,nan\n"), "rec.csv:2:4: az is not finite; remove the row or fix the value")
        XCTAssertEqual(error("0,0,0,1\n0.02x,0.1,1,2\n"), "rec.csv:2:1: t '0.02x' is not a number; use a plain decimal such as 9.81")
    }

    func testNonMonotonicTime() {
        XCTAssertEqual(error("t_ms,ax,ay,az\n10,0,0,9.8\n20,0,0,9.8\n\n20,0,0,9.8\n"),
                       "rec.csv:5:1: time 20.0 ms is not after 20.0 ms on line 3; sort the rows by time and remove duplicates")
        XCTAssertEqual(error("0.5,0,0,9.8\n0.4,0,0,9.8\n"),
                       "rec.csv:2:1: time 0.4 s is not after 0.5 s on line 1; sort the rows by time and remove duplicates")
    }

    func testUnitConflictsAndUnknownUnits() {
        XCTAssertEqual(error("t[s],ax[g],ay[m/s2],az[g]\n0,0,0,1\n"),
                       "rec.csv:1:3: the header says ay is in m/s² but an earlier column says g; use one unit for acceleration")
        XCTAssertEqual(error("t[s],ax[g],ay[g],az[g]\n0,0,0,1\n", CSVReplayConfiguration(path: "rec.csv", accelerationUnit: .metersPerSecondSquared)),
                       "rec.csv:1:2: the header says ax is in g but the option says m/s²; use one unit for acceleration")
        XCTAssertEqual(error("t[min],ax,ay,az\n0,0,0,1\n"), "rec.csv:1:1: unknown time unit 'min'; use s, ms, us or ns")
        XCTAssertEqual(error("\n# nothing\n"), "rec.csv:2:1: no samples; the file needs rows of t, ax, ay, az[, gx, gy, gz]")
    }

    func testUnitsFromHeaderAndOptions() throws {
        let r = try parse("time(ms),ax[g],ay[g],az[g],gx[deg/s],gy[deg/s],gz[deg/s]\r\n0,0,0,1,180,0,-90\r\n20,0.5,0,1,0,0,0\r\n40,0,0,1,0,0,0\r\n")
        XCTAssertEqual(r.timeUnit, .milliseconds)
        XCTAssertEqual(r.samples.map { $0.timestampNanoseconds }, [0, 20_000_000, 40_000_000])
        XCTAssertEqual(r.samples[0].acceleration.z, Float(9.80665), accuracy: 1e-5)
        XCTAssertEqual(r.samples[1].acceleration.x, Float(9.80665 / 2), accuracy: 1e-5)
        XCTAssertEqual(r.samples[0].rotationRate!.x, Float.pi, accuracy: 1e-5)
        XCTAssertEqual(r.samples[0].rotationRate!.z, -Float.pi / 2, accuracy: 1e-5)
        XCTAssertEqual(r.outputDataRate, 50, accuracy: 1e-9)
        XCTAssertTrue(r.hasGyroscope)
        let n = try parse("1000000,0,0,9.8\n1010000,0,0,9.8\n", CSVReplayConfiguration(path: "rec.csv", timeUnit: .microseconds))
        XCTAssertEqual(n.samples.map { $0.timestampNanoseconds }, [1_000_000_000, 1_010_000_000])
        XCTAssertEqual(n.samples[0].acceleration.z, 9.8, accuracy: 1e-6)
    }

    /// Replays a file through the seam; a hole in the recording is a gap, not invented samples.
    func testReplayWithGapAndRealTimePacing() throws {
        let path = "/dev/shm/mujo-csv-\(getpid()).csv"
        var text = "t[s],ax,ay,az\n"
        for i in 0..<100 where !(40..<45).contains(i) { text += "\(Double(i) * 0.02),0,0,9.8\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let sys = EmulatedSystem()
        let replay = CSVReplay(system: sys, configuration: CSVReplayConfiguration(path: path, realTime: true))
        try replay.start()
        XCTAssertEqual(replay.outputDataRate, 50, accuracy: 1e-6)
        let t0 = sys.now
        var events: [SensorEvent] = []
        var r = replay
        try capture(&r, clock: sys, durationNanoseconds: 10_000_000_000) { events.append($0) }
        XCTAssertEqual(events.compactMap { $0.sample }.count, 95)
        let gaps = events.compactMap { $0.gap }
        XCTAssertEqual(gaps, [SensorGap(reason: .timestampJump, startNanoseconds: 780_000_000, endNanoseconds: 900_000_000, estimatedLostSamples: 5)])
        XCTAssertEqual(sys.now - t0, 1_980_000_000, "paced by the simulated clock")
        let missing = CSVReplay(system: sys, configuration: CSVReplayConfiguration(path: "/nonexistent/x.csv"))
        XCTAssertThrowsError(try missing.start()) { e in
            XCTAssertEqual((e as! SensorError).message, "cannot open /nonexistent/x.csv: ENOENT (2); check the path exists and that you may read it")
        }
    }
}
