import XCTest
import Foundation
import MuJoCore
@testable import MuJoDaemon
import MuJoDevice
import MuJoEmulators
import MuJoSensors

/// Issue 9, acceptance 2: for the same recording, the session writes the same events whether the
/// samples come from CSV replay, an emulated I²C chip or the fake IIO tree. The committed real
/// recording feeds a register-level chip emulator and the fake IIO kernel; the samples each
/// source delivered are checked against the emulator's ground-truth log, written to a CSV, replayed,
/// and the event streams are compared line by line — only `rate_hz` (CSV replay measures the
/// median step, a device reports its configured rate) and the wall-clock fields may differ.
/// (A chip's FIFO carries no times: the driver estimates them from its read times, so an I²C
/// stream can equal a CSV only when the CSV holds those estimates; the IIO kernel stamps each
/// record, and its CSV is written from the kernel's own log, independently of the reader.)
/// Plus the other half of acceptance 4: a chip that vanishes for good ends the session with a
/// `sensor_error` event and exit status 69.
final class SourceEquivalenceTests: XCTestCase {
    /// The committed recording as the emulators' input (times from 0, m/s²).
    func committedRecording() throws -> (Recording, CSVRecording) {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: demoRecording)))
        let csv = try parseMotionCSV(bytes, path: demoRecording, configuration: CSVReplayConfiguration(path: demoRecording))
        let t0 = csv.samples[0].timestampNanoseconds
        let recording = Recording(timesNanoseconds: csv.samples.map { $0.timestampNanoseconds - t0 },
                                  values: csv.samples.map { SIMD3<Double>(Double($0.acceleration.x), Double($0.acceleration.y), Double($0.acceleration.z)) })
        return (recording, csv)
    }

    /// Any sensor driven on an emulated clock until `end`; `beforeWait` lets a fake kernel produce.
    /// Every sample delivered is kept, in order.
    struct Driven<Inner: MotionSensor>: MotionSensor {
        var inner: Inner
        let system: EmulatedSystem
        let end: Int64
        var beforeWait: () -> Void = {}
        var delivered: Box
        final class Box { var samples: [MotionSample] = []; var gaps = 0 }
        var outputDataRate: Double { inner.outputDataRate }
        var hasGyroscope: Bool { inner.hasGyroscope }
        var statistics: SensorStatistics { inner.statistics }
        mutating func start() throws(SensorError) { try inner.start() }
        mutating func read(into events: inout [SensorEvent]) throws(SensorError) {
            let first = events.count
            try inner.read(into: &events)
            for e in events[first...] {
                if let s = e.sample { delivered.samples.append(s) } else { delivered.gaps += 1 }
            }
        }
        mutating func waitForData() throws(SensorError) -> Bool {
            beforeWait()
            guard try inner.waitForData() else { return false }
            return system.now < end
        }
        mutating func stop() { inner.stop() }
    }

    /// Writes samples as a CSV mujod reads: ns times, and the shortest decimal that reads back as
    /// the same Float (Swift's `description`), so the replay hands the loop the same bits.
    func writeCSV(_ samples: [MotionSample], _ name: String) throws -> String {
        var text = "t[ns],ax[m/s2],ay[m/s2],az[m/s2]\n"
        for s in samples {
            text += "\(s.timestampNanoseconds),\(s.acceleration.x.description),\(s.acceleration.y.description),\(s.acceleration.z.description)\n"
        }
        let path = temporaryPath(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The events with the fields that legitimately differ between sources removed.
    func comparable(_ events: [[String: Any]]) -> [String] {
        events.map { e in
            var e = e
            for k in ["latency_us", "latency_p50_us", "latency_p99_us", "rss_bytes", "rate_hz"] { e[k] = nil }
            let data = try! JSONSerialization.data(withJSONObject: e, options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }
    }

    func assertSameEvents(_ a: [[String: Any]], _ b: [[String: Any]], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let x = comparable(a), y = comparable(b)
        XCTAssertEqual(x.count, y.count, "\(what): number of events", file: file, line: line)
        for i in 0..<min(x.count, y.count) where x[i] != y[i] {
            XCTFail("\(what): event \(i + 1) differs:\n  \(x[i])\n  \(y[i])", file: file, line: line)
            return
        }
    }

    /// Enough real content that a broken source could not pass by accident.
    func assertSubstantial(_ events: [[String: Any]], file: StaticString = #filePath, line: UInt = #line) {
        let windows = events.filter { $0["event"] as? String == "window" }.count
        let labels = Set(events.compactMap { $0["event"] as? String == "activity" ? $0["label"] as? String : nil })
        XCTAssertGreaterThan(windows, 80, file: file, line: line)
        XCTAssertGreaterThanOrEqual(labels.count, 3, "activities recognised: \(labels)", file: file, line: line)
    }

    func testEmulatedI2CChipAndTheCSVOfItsSamplesGiveIdenticalEvents() throws {
        let model = try ModelLoader.load(defaultModel, system: LinuxSystemCalls())
        let (recording, _) = try committedRecording()
        for (kind, rate) in [("LIS3DH", 25), ("MPU-6050", 50)] {
            let system = EmulatedSystem()
            system.addBus("/dev/i2c-1")
            let chip: EmulatedChip = kind == "LIS3DH" ? EmulatedLIS3DH(recording: recording) : EmulatedMPU6050(recording: recording)
            system.attach(chip, to: "/dev/i2c-1")
            let driver = I2CAccelerometer(system: system, configuration: I2CAccelerometerConfiguration(
                bus: "/dev/i2c-1", address: chip.address, chip: kind == "LIS3DH" ? .lis3dh : .mpu6050, rateHz: rate, rangeG: 4))
            let sensor = Driven(inner: driver, system: system, end: system.now + recording.durationNanoseconds, delivered: .init())
            let fromChip = try runSession(sensor, model: model, name: "i2c-\(rate)")
            assertSubstantial(fromChip)
            XCTAssertEqual(sensor.delivered.gaps, 0, kind)
            // The driver delivered what the chip produced: every sample popped, in order, its counts
            // times the datasheet's scale (the driver's times are its FIFO estimates).
            let popped = chip.fates.indices.filter { chip.fates[$0] == .read }
            XCTAssertEqual(sensor.delivered.samples.count, popped.count, kind)
            let scale = 9.80665 * (kind == "LIS3DH" ? 0.002 : 4.0 / 32768)
            var mismatches = 0
            for (s, i) in zip(sensor.delivered.samples, popped) {
                let c = chip.producedCounts[i]
                let expected = SIMD3<Float>(Float(Double(c.x) * scale), Float(Double(c.y) * scale), Float(Double(c.z) * scale))
                let d = s.acceleration - expected
                if max(abs(d.x), abs(d.y), abs(d.z)) > 1e-5 { mismatches += 1 }
            }
            XCTAssertEqual(mismatches, 0, "\(kind): values the chip produced")

            let path = try writeCSV(sensor.delivered.samples, "i2c-\(rate).csv")
            defer { unlink(path) }
            let fromCSV = try runSession(CSVReplay(system: LinuxSystemCalls(), configuration: CSVReplayConfiguration(path: path)),
                                         model: model, name: "i2c-\(rate)-csv")
            assertSameEvents(fromChip, fromCSV, "\(kind) at \(rate) Hz vs its CSV")
            let chipRate = fromChip.first?["rate_hz"] as? Double ?? 0, csvRate = fromCSV.first?["rate_hz"] as? Double ?? 0
            XCTAssertEqual(chipRate, Double(rate))
            // CSV replay reports 1e9 / the median step; the driver's FIFO time estimates have the
            // chip's mean rate (a skewed step distribution moves the median by ~2 %).
            let d = sensor.delivered.samples
            let meanRate = Double(d.count - 1) * 1e9 / Double(d[d.count - 1].timestampNanoseconds - d[0].timestampNanoseconds)
            XCTAssertEqual(meanRate, chipRate, accuracy: chipRate * 0.005, "\(kind): the delivered stream's mean rate")
            XCTAssertEqual(csvRate, chipRate, accuracy: chipRate * 0.03, "\(kind): the CSV's median rate")
        }
    }

    func testFakeIIOTreeAndTheCSVOfItsKernelLogGiveIdenticalEvents() throws {
        let model = try ModelLoader.load(defaultModel, system: LinuxSystemCalls())
        let (recording, _) = try committedRecording()
        let scale = 9.80665 / 1024   // 12 bits in 16 (lis3dh's le:s12/16>>4), 1/1024 g per count
        let device = FakeIIODevice(name: "lis3dh", scale: .shared(scale), type: "le:s12/16>>4", samplingFrequency: 50)
        let tree = FakeIIOTree(device: device, recording: recording)
        defer { tree.remove() }
        let system = EmulatedSystem()
        let reader = IIOReader(system: system, configuration: IIOReaderConfiguration(
            name: "lis3dh", sysfsBase: tree.sysfsBase, devBase: tree.devBase, samplingFrequency: 50))
        var sensor = Driven(inner: reader, system: system, end: system.now + recording.durationNanoseconds, delivered: .init())
        sensor.beforeWait = { tree.produce(until: system.now) }
        let fromIIO = try runSession(sensor, model: model, name: "iio")
        assertSubstantial(fromIIO)
        XCTAssertEqual(sensor.delivered.gaps, 0)

        // The CSV comes from the fake kernel's own log (times and raw counts), not from the reader.
        let logged = tree.produced.prefix(sensor.delivered.samples.count).map { p in
            MotionSample(timestampNanoseconds: p.time,
                         acceleration: SIMD3<Float>(Float(Double(p.raw.x) * scale), Float(Double(p.raw.y) * scale), Float(Double(p.raw.z) * scale)))
        }
        XCTAssertEqual(Array(logged), sensor.delivered.samples, "the reader delivered the kernel's records")
        let path = try writeCSV(Array(logged), "iio.csv")
        defer { unlink(path) }
        let fromCSV = try runSession(CSVReplay(system: LinuxSystemCalls(), configuration: CSVReplayConfiguration(path: path)),
                                     model: model, name: "iio-csv")
        assertSameEvents(fromIIO, fromCSV, "IIO vs its kernel log as CSV")
    }

    /// The harness itself: the committed recording written back with `writeCSV` replays to the
    /// same events as the committed file (so the CSV legs above hand the loop the same bits).
    func testTheCSVWriterRoundTripsTheCommittedRecording() throws {
        let model = try ModelLoader.load(defaultModel, system: LinuxSystemCalls())
        let (_, csv) = try committedRecording()
        let committed = try runSession(CSVReplay(system: LinuxSystemCalls(), configuration: CSVReplayConfiguration(path: demoRecording)),
                                       model: model, name: "committed")
        let path = try writeCSV(csv.samples, "committed-copy.csv")
        defer { unlink(path) }
        let copy = try runSession(CSVReplay(system: LinuxSystemCalls(), configuration: CSVReplayConfiguration(path: path)),
                                  model: model, name: "committed-copy")
        assertSubstantial(committed)
        assertSameEvents(committed, copy, "committed CSV vs its rewrite")
        XCTAssertEqual(committed.first?["rate_hz"] as? Double, copy.first?["rate_hz"] as? Double)
    }

    /// Acceptance 4: a chip that stops answering for longer than the give-up time ends the session
    /// with the open activity closed, a `stats`, a `sensor_error` naming the device, and status 69.
    func testAChipThatVanishesEndsWithSensorErrorAndUnavailable() throws {
        let model = try ModelLoader.load(defaultModel, system: LinuxSystemCalls())
        let (recording, _) = try committedRecording()
        let system = EmulatedSystem()
        system.addBus("/dev/i2c-1")
        let chip = EmulatedLIS3DH(recording: recording)
        system.attach(chip, to: "/dev/i2c-1")
        var recovery = RecoveryPolicy()
        recovery.reopenGiveUpNanoseconds = 10_000_000_000
        let driver = I2CAccelerometer(system: system, configuration: I2CAccelerometerConfiguration(
            bus: "/dev/i2c-1", address: 0x18, chip: .lis3dh, rateHz: 25, recovery: recovery))
        let vanishAt = system.now + 60_000_000_000
        var sensor = Driven(inner: driver, system: system, end: .max, delivered: .init())
        var vanished = false
        sensor.beforeWait = {
            if !vanished && system.now >= vanishAt {
                vanished = true
                system.disappear(bus: "/dev/i2c-1", address: 0x18, forNanoseconds: 3_600_000_000_000)
            }
        }
        let events = try runSession(sensor, model: model, name: "vanish")
        for e in events { assertMatchesSchema(e) }
        let types = events.compactMap { $0["event"] as? String }
        XCTAssertEqual(Array(types.suffix(3)), ["stats", "sensor_error", "stop"], "\(types.suffix(5))")
        XCTAssertTrue(types.contains("activity") || types.contains("unknown"), "the open span was closed")
        let message = events.first { $0["event"] as? String == "sensor_error" }?["message"] as? String ?? ""
        XCTAssertTrue(message.contains("0x18 on /dev/i2c-1"), message)
        XCTAssertEqual(events.last?["reason"] as? String, "sensor-error")
        XCTAssertGreaterThan(events.filter { $0["event"] as? String == "window" }.count, 20, "it ran before the chip went")
        XCTAssertEqual(Daemon.status(of: .deviceVanished(bus: "/dev/i2c-1", address: 0x18, seconds: 10)), .unavailable)
        XCTAssertEqual(ExitStatus.unavailable.rawValue, 69)
    }
}

/// Issue 12: a window of zeros must not be labelled ("standing 0.431"): the committed recording
/// with a minute of zeros and a minute of a still sensor at 0.5 g spliced in gives `signal` spans
/// there, no labels for those windows, and the activity spans around them stay contiguous.
final class SignalEventTests: XCTestCase {
    func testZerosAndWrongGravityBecomeSignalSpansNotLabels() throws {
        let text = try String(contentsOfFile: demoRecording, encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        // Rows 1 000–2 199 (60 s at 20 Hz): zeros; rows 3 000–4 199: still at 0.5 g with a few mg of noise.
        for i in 1_000..<2_200 {
            let f = lines[i].split(separator: ",")
            lines[i] = "\(f[0]),0,0,0,\(f[4])"
        }
        for i in 3_000..<4_200 {
            let f = lines[i].split(separator: ",")
            lines[i] = "\(f[0]),\(0.01 * Double(i % 3)),\(0.02 * Double(i % 2)),\(0.5 * 9.80665 + 0.01 * Double(i % 5)),\(f[4])"
        }
        let path = temporaryPath("signal.csv")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let model = try ModelLoader.load(defaultModel, system: LinuxSystemCalls())
        let events = try runSession(CSVReplay(system: LinuxSystemCalls(), configuration: CSVReplayConfiguration(path: path)),
                                    model: model, name: "signal")
        for e in events { assertMatchesSchema(e) }
        let signals = events.filter { $0["event"] as? String == "signal" }
        XCTAssertEqual(Set(signals.compactMap { $0["problem"] as? String }), ["dead-axis", "gravity-implausible"], "\(signals)")
        func rowTime(_ i: Int) -> Double { Double(String(lines[i].split(separator: ",")[0]))! / 1e9 }
        // No window that lies inside a spliced stretch got a label.
        for w in events where w["event"] as? String == "window" {
            let a = w["start_s"] as! Double, b = w["end_s"] as! Double
            XCTAssertFalse(a >= rowTime(1_000) && b <= rowTime(2_199), "window \(a)–\(b) inside the zeros was classified")
            XCTAssertFalse(a >= rowTime(3_000) && b <= rowTime(4_199), "window \(a)–\(b) inside the 0.5 g stretch was classified")
        }
        // Each spliced minute is covered by signal spans (the recording's activity joins inside them
        // are gaps that restart the window, so fewer than (60 − 5) / 2.5 + 1 = 23 windows each).
        let refused = signals.reduce(0) { $0 + ($1["windows"] as! Int) }
        XCTAssertGreaterThanOrEqual(refused, 30)
        XCTAssertLessThanOrEqual(refused, 2 * 23)
        for s in signals { XCTAssertGreaterThan(s["end_s"] as! Double, s["start_s"] as! Double) }
        // Spans (activity, unknown, signal) are contiguous between gaps.
        var previousEnd: Double? = nil
        for e in events {
            switch e["event"] as? String {
            case "activity", "unknown", "signal":
                if let previousEnd { XCTAssertEqual(e["start_s"] as! Double, previousEnd, accuracy: 1e-9, "\(e)") }
                previousEnd = e["end_s"] as? Double
            case "gap": previousEnd = nil
            default: break
            }
        }
    }
}
