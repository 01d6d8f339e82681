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

    // MARK: issue 12: time units, exact integer times, overflow, streaming

    /// 20 Hz rows starting at `t0` in the file's own unit (integer text).
    func rows(_ t0: Int64, step: Int64, count: Int) -> String {
        var text = ""
        for i in 0..<count { text += "\(t0 + Int64(i) * step),0.1,0.2,9.8\n" }
        return text
    }

    func testEpochMillisecondsAndNanosecondsAreExact() throws {
        let ms = try parse("t[ms],ax,ay,az\n" + rows(1_733_000_000_000, step: 50, count: 3))
        XCTAssertEqual(ms.samples.map { $0.timestampNanoseconds }, [1_733_000_000_000_000_000, 1_733_000_000_050_000_000, 1_733_000_000_100_000_000])
        XCTAssertEqual(ms.outputDataRate, 20, accuracy: 1e-9)
        // An ns epoch does not fit a Double's 53 bits: 1733000000000000001 would read as ...000000000.
        let ns = try parse("t[ns],ax,ay,az\n" + rows(1_733_000_000_000_000_001, step: 50_000_001, count: 3))
        XCTAssertEqual(ns.samples.map { $0.timestampNanoseconds }, [1_733_000_000_000_000_001, 1_733_000_000_050_000_002, 1_733_000_000_100_000_003])
        XCTAssertEqual(ns.timeUnit, .nanoseconds)
        // Header-less with the option (--time-unit ms).
        let option = try parse(rows(1_733_000_000_000, step: 50, count: 3), CSVReplayConfiguration(path: "rec.csv", timeUnit: .milliseconds))
        XCTAssertEqual(option.samples[2].timestampNanoseconds, 1_733_000_000_100_000_000)
        // Fractions still go through Double, as before.
        XCTAssertEqual(try parse("t[ms],ax,ay,az\n0.5,0,0,1\n50.5,0,0,1\n").samples.map { $0.timestampNanoseconds }, [500_000, 50_500_000])
        XCTAssertEqual(TimeUnit(unitName: Array("us".utf8)), .microseconds)
        XCTAssertNil(TimeUnit(unitName: Array("min".utf8)))
    }

    func testImplausibleRateNamesTheLikelyUnit() {
        // Milliseconds read as seconds: 10 s steps.
        XCTAssertEqual(error(rows(0, step: 10, count: 5)),
                       "rec.csv:5:1: the median time step of the first 5 rows is 10.0 s (no unit given, so seconds) = 0.100 Hz, outside the plausible 0.5 Hz … 10 kHz; "
                       + "the times look like ms (100.0 Hz): pass --time-unit ms or name the unit in the header, e.g. t[ms],ax,ay,az")
        // Nanoseconds said to be microseconds by the option.
        XCTAssertTrue(error(rows(0, step: 20_000_000, count: 4), CSVReplayConfiguration(path: "rec.csv", timeUnit: .microseconds))
            .contains("is 20000000.0 us (--time-unit us) = 0.050 Hz, outside the plausible 0.5 Hz … 10 kHz; the times look like ns (50.0 Hz): pass --time-unit ns"))
        XCTAssertTrue(error("t[ns],ax,ay,az\n" + rows(0, step: 20, count: 4)).contains("(the header's t[ns]) = 50000000.000 Hz"))
    }

    func testTimesBeyondInt64NanosecondsAreRefusedNotTrapped() {
        // The file: epoch milliseconds and no unit, so seconds: 1.7e21 ns.
        let epochAsSeconds = "rec.csv:2:1: time '1733000000000' s is beyond 64-bit nanoseconds (±9.2e18 ns, about ±292 years); "
            + "if the times are in another unit say so with --time-unit s|ms|us|ns or a header such as t[ms],ax,ay,az, or subtract the start time"
        XCTAssertEqual(error("t,ax,ay,az\n1733000000000,0.1,0.2,9.8\n1733000000050,0.1,0.2,9.8\n"), epochAsSeconds)
        XCTAssertTrue(error("t[ms],ax,ay,az\n1733000000000000000,0,0,1\n").hasPrefix("rec.csv:2:1: time '1733000000000000000' ms is beyond 64-bit nanoseconds"))
        XCTAssertTrue(error("t[ns],ax,ay,az\n99999999999999999999,0,0,1\n").hasPrefix("rec.csv:2:1: time '99999999999999999999' ns is beyond"))
        XCTAssertTrue(error("t[s],ax,ay,az\n0,0,0,1\n1e12,0,0,1\n").hasPrefix("rec.csv:3:1: time '1e12' s is beyond"))
        XCTAssertTrue(error("t[s],ax,ay,az\n-1e12,0,0,1\n").hasPrefix("rec.csv:2:1: time '-1e12' s is beyond"))
    }

    func testOverLongLine() throws {
        let long = "0.02,0,0,9.8" + String(repeating: " ", count: 5000) + "\n"
        let text = "t,ax,ay,az\n0,0,0,9.8\n" + long
        let expected = "rec.csv:3:1: line is longer than 4096 bytes; a row is t, ax, ay, az[, gx, gy, gz][, label] — check this is a CSV recording with one sample per line"
        XCTAssertEqual(error(text), expected)
        // Streamed, and with no newline at all.
        let path = "/dev/shm/mujo-csv-long-\(getpid()).csv"
        defer { unlink(path) }
        for body in [text, "t,ax,ay,az\n" + String(repeating: "1", count: 70_000)] {
            try body.write(toFile: path, atomically: true, encoding: .utf8)
            let replay = CSVReplay(system: EmulatedSystem(), configuration: CSVReplayConfiguration(path: path))
            XCTAssertThrowsError(try replay.start()) { e in
                XCTAssertTrue((e as! SensorError).message.contains(":1: line is longer than 4096 bytes"), "\(e)")
                XCTAssertTrue((e as! SensorError).message.hasPrefix(path), "\(e)")
            }
        }
    }

    /// Every sample of `replay`, gaps included, until the end or an error.
    func drain<S: SystemCalls>(_ replay: CSVReplay<S>, clock: S) -> (events: [SensorEvent], error: String?) {
        var events: [SensorEvent] = []
        var r = replay
        do { try capture(&r, clock: clock, durationNanoseconds: .max / 2) { events.append($0) } } catch { return (events, error.message) }
        return (events, nil)
    }

    /// Streaming through short reads (lines split across reads, CRLF, comments, a label column)
    /// gives what the whole-bytes parser gives; the rate is the median of the first 256 rows.
    func testStreamingMatchesTheWholeFileParser() throws {
        var text = "# a recording\r\nt[us],ax[g],ay[g],az[g],gx[deg/s],gy[deg/s],gz[deg/s],activity\r\n"
        var t: Int64 = 5_000_000
        for i in 0..<1000 {
            t += i < 256 ? 10_000 : 20_000   // 100 Hz for the first 256 rows, then 50 Hz
            if i == 600 { t += 100_000; text += "\r\n# a hole\r\n" }
            text += "\(t),0.\(i % 10),-0.5,1,\(i),0,-90,walking\r\n"
        }
        let whole = try parse(text)
        let path = "/dev/shm/mujo-csv-stream-\(getpid()).csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let sys = EmulatedSystem()
        var faults: [ReadFault] = []
        for i in 0..<400 { faults.append(.short(1 + (i * 37) % 113)) }
        sys.injectReadFaults(path: path, faults)
        let replay = CSVReplay(system: sys, configuration: CSVReplayConfiguration(path: path))
        try replay.start()
        XCTAssertEqual(replay.outputDataRate, 100, accuracy: 1e-9, "the median of the first 256 rows")
        XCTAssertEqual(whole.outputDataRate, 100, accuracy: 1e-9)
        XCTAssertTrue(replay.hasGyroscope)
        let (events, failure) = drain(replay, clock: sys)
        XCTAssertNil(failure)
        XCTAssertEqual(events.compactMap { $0.sample }, whole.samples)
        XCTAssertEqual(replay.firstTimestampNanoseconds, whole.samples.first?.timestampNanoseconds)
        XCTAssertEqual(replay.lastTimestampNanoseconds, whole.samples.last?.timestampNanoseconds)
        // At 100 Hz every later 20 ms step is a gap of one sample; the hole is a longer one.
        let gaps = events.compactMap { $0.gap }
        XCTAssertEqual(gaps.count, 1000 - 256)
        XCTAssertEqual(gaps.map { $0.estimatedLostSamples }.max(), 11)
    }

    /// An error after the read-ahead rows is found while streaming: read() hands out every sample
    /// before it, then throws the same error the whole-file parser gives.
    func testErrorMidStreamAfterTheSamplesBeforeIt() throws {
        var text = "t[ms],ax,ay,az\n" + rows(0, step: 20, count: 500)
        text += "10000,0,abc,9.8\n" + rows(10_020, step: 20, count: 10)
        let path = "/dev/shm/mujo-csv-mid-\(getpid()).csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let sys = EmulatedSystem()
        let replay = CSVReplay(system: sys, configuration: CSVReplayConfiguration(path: path))
        try replay.start()
        let (events, failure) = drain(replay, clock: sys)
        XCTAssertEqual(events.compactMap { $0.sample }.count, 500)
        XCTAssertEqual(failure, "\(path):502:3: ay 'abc' is not a number; use a plain decimal such as 9.81")
        XCTAssertEqual(failure.map { String($0.dropFirst(path.count)) }, String(error(text).dropFirst("rec.csv".count)))
        // Out of order mid-stream likewise.
        try ("t[ms],ax,ay,az\n" + rows(0, step: 20, count: 300) + "100,0,0,9.8\n").write(toFile: path, atomically: true, encoding: .utf8)
        let back = CSVReplay(system: sys, configuration: CSVReplayConfiguration(path: path))
        try back.start()
        let r = drain(back, clock: sys)
        XCTAssertEqual(r.events.count, 300)
        XCTAssertEqual(r.error, "\(path):302:1: time 100.0 ms is not after 5980.0 ms on line 301; sort the rows by time and remove duplicates")
    }
}

