// HOST ONLY. The fault soak (issue 12): mujod's driver and recognition loop (MuJoDaemon.RecognitionSession,
// the code the board runs) against a register-level emulated chip playing the committed real recording
// in a loop, for many hours of sensor time on an accelerated clock, with faults injected at random
// from a seed. Every sample the emulator produced is accounted for (SampleLedger.swift); the run fails
// on any unexplained sample, a lost event line, a sensor failure, or memory that grows after the first hour
// by more than --rss-growth-ki-b (the soak's own queues are sized up front, so they do not grow).
//
//   mujo-soak --hours 24 --seed 1 --chip mpu6050 --report soak.json
import ArgumentParser
import Foundation
import MuJoCore
import MuJoDaemon
import MuJoDevice
import MuJoEmulators
import MuJoSensors

struct Soak: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mujo-soak",
        abstract: "Run mujod's loop against an emulated accelerometer for hours of sensor time, with random faults, and account for every sample."
    )

    @Option(help: "Hours of sensor time (the clock is emulated: a day takes minutes).")
    var hours: Double = 24

    @Option(help: "Seed of the fault schedule (the same seed replays the same faults).")
    var seed: UInt64 = 1

    @Option(help: "Emulated chip: lis3dh, mpu6050, mpu6500, adxl345, lsm6ds3, lsm6dsox, bmi160.")
    var chip = "mpu6050"

    @Option(help: "Chip output data rate in Hz.")
    var rate = 50

    @Option(help: "Mean seconds of sensor time between faults.")
    var faultEvery: Double = 30

    @Option(help: "The model file.")
    var model = "Models/default.mujo"

    @Option(help: "The recording the chip plays, looped.")
    var recording = "Firmware-host/Recordings/wisdm2019-subject1604-excerpt.csv"

    @Option(help: "Write the figures as JSON here (atomically).")
    var report: String?

    @Option(help: "RSS at the end may exceed RSS after the first hour by at most this many KiB.")
    var rssGrowthKiB = 256

    mutating func run() throws {
        setvbuf(stdout, nil, _IOLBF, 0)
        let wallStart = Date()
        let description: ModelDescription
        do { description = try ModelLoader.load(model, system: LinuxSystemCalls()) } catch {
            throw ValidationError("\(error.description); run from the repository root or pass --model")
        }
        let recognizer: Recognizer
        do { recognizer = try Recognizer(model: description) } catch { throw ValidationError("\(model): \(error.description)") }
        let played = try loadRecording(recording)

        let system = EmulatedSystem(startNanoseconds: 1_000_000_000)
        let (emulated, kind) = try makeChip(played)
        system.attach(emulated, to: "/dev/i2c-1")
        let config = I2CAccelerometerConfiguration(bus: "/dev/i2c-1", chip: kind, rateHz: rate, rangeG: 8)
        let driver = I2CAccelerometer(system: system, configuration: config)
        let spec = description.inputSpec
        let windowNs = Int64(Double(spec.window) / Double(spec.sampleRateHz) * 1e9)
        let period = Int64(1e9 / Double(rate))
        let ledger = SampleLedger(windowNanoseconds: windowNs,
                                  toleranceNanoseconds: driver.pollIntervalNanoseconds + 2 * period + 25_000_000)
        let policy = RecoveryPolicy()
        let longestVanish = min(20, Double(policy.reopenGiveUpNanoseconds ?? 60_000_000_000) / 1e9 / 3)
        let plan = FaultPlan(seed: seed, meanIntervalSeconds: faultEvery, longestVanishSeconds: longestVanish,
                             startNanoseconds: system.now)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mujo-soak-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let eventsPath = folder + "/events.jsonl"
        let end = system.now + Int64(hours * 3600 * 1e9)
        let rig = SoakRig(system: system, chip: emulated, ledger: ledger, plan: plan, endNanoseconds: end,
                          eventsPath: eventsPath, configuredRateHz: Double(rate), progress: { print($0) })
        let sink: EventSink
        do { sink = try EventSink(.file(eventsPath)) } catch { throw ValidationError(error.message) }
        rig.sink = sink
        var json = JSONLinesOutput(sink: sink, verbose: true, embeddings: false)
        json.report = { rig.sinkProblems.append($0) }
        var output = SoakOutput(json: json, rig: rig)

        let defaults = DaemonOptions()
        let settings = SessionSettings(tracker: ActivityTrackerSettings(defaults), statsEverySeconds: 600)
        var session: RecognitionSession<SoakSensor>
        do {
            session = try RecognitionSession(sensor: SoakSensor(inner: driver, rig: rig), recognizer: recognizer, settings: settings)
        } catch { throw ValidationError(error.description) }

        print("mujo-soak: \(hours) h of sensor time, emulated \(kind.name) at \(rate) Hz, a fault every \(faultEvery) s on average, seed \(seed)")
        let ended = session.run(model: model, sensorDescription: "emulated \(kind.name) on /dev/i2c-1", output: &output,
                                now: { Int64(DispatchTime.now().uptimeNanoseconds) }, rss: { RSSCheckpoints.residentBytes() },
                                shouldStop: { false })
        rig.rss.observe(sensorNanoseconds: system.now, bookkeeping: rig.bookkeepingBytes)
        ledger.finish(emulated)
        sink.close()

        var problems: [String] = []
        if case .sensorFailed(let error) = ended { problems.append("the session ended on a sensor error: \(error.message)") }
        let f = ledger.figures
        if f.unexplained > 0 { problems.append("\(f.unexplained) samples unexplained; first: \(ledger.examples.joined(separator: "; "))") }
        if f.explained + f.unexplained - f.invented != f.produced {
            problems.append("the ledger does not add up: \(f.explained) explained + \(f.unexplained - f.invented) unexplained ≠ \(f.produced) produced")
        }
        let lines = rig.linesOnDisk()
        let expectedLines = rig.emitted.values.reduce(0, +)
        if lines != expectedLines { problems.append("\(expectedLines) events emitted but \(lines) lines on disk") }
        problems += rig.sinkProblems.prefix(5).map { "event sink: \($0)" }
        let hour = rig.rss.afterFirstHour
        if let hour, rig.rss.latest > hour + rssGrowthKiB * 1024 {
            problems.append("RSS grew from \(hour / 1024) KiB after the first hour to \(rig.rss.latest / 1024) KiB at the end (limit +\(rssGrowthKiB) KiB; the soak's own bookkeeping grew by \(rig.rss.bookkeepingGrowth / 1024) KiB)")
        }
        let sensorHours = Double(system.now - 1_000_000_000) / 3.6e12
        let wall = Date().timeIntervalSince(wallStart)
        let st = session.loop.sensor.statistics

        print("")
        print("sensor time     \(String(format: "%.2f", sensorHours)) h in \(String(format: "%.0f", wall)) s of wall time")
        print("samples         produced \(f.produced): classified \(f.classified), inside gaps \(f.inGaps) (of which \(f.discardedByDriver) read and discarded by the driver), unfinished window before a gap \(f.beforeGap), unfinished window at the end \(f.atEnd), in the FIFO at the end \(f.inFIFOAtEnd); unexplained \(f.unexplained) (of which \(f.invented) delivered but never produced)")
        print("events          \(rig.emitted.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); \(lines) lines on disk")
        print("faults          \(rig.plan.injectedSummary)")
        print("driver          \(st.gaps) gaps, \(st.retries) retries, \(st.reopens) reopens, \(st.fifoResets) FIFO resets")
        print("RSS             start \(kib(rig.rss.atStart)), after 1 h \(kib(hour)), end \(kib(rig.rss.latest)), peak \(kib(rig.rss.peak)); the soak's own bookkeeping after 1 h \(kib(rig.rss.bookkeepingAfterFirstHour)), end \(kib(rig.rss.bookkeepingLatest))")
        print(problems.isEmpty ? "result          PASS" : "result          FAIL\n" + problems.map { "  - \($0)" }.joined(separator: "\n"))

        if let report {
            let figures: [String: Any] = [
                "hours": sensorHours, "wall_seconds": wall, "seed": seed, "chip": kind.name, "rate_hz": rate,
                "fault_every_s": faultEvery, "produced": f.produced, "classified": f.classified, "inside_gaps": f.inGaps, "discarded_by_driver": f.discardedByDriver,
                "before_gap": f.beforeGap, "at_end": f.atEnd, "in_fifo_at_end": f.inFIFOAtEnd, "unexplained": f.unexplained, "invented": f.invented,
                "events": rig.emitted, "event_lines_on_disk": lines,
                "faults": Dictionary(uniqueKeysWithValues: rig.plan.injected.map { ($0.key.rawValue, $0.value) }),
                "rss_start_bytes": rig.rss.atStart ?? 0, "rss_after_first_hour_bytes": hour ?? 0, "rss_end_bytes": rig.rss.latest,
                "bookkeeping_after_first_hour_bytes": rig.rss.bookkeepingAfterFirstHour ?? 0, "bookkeeping_end_bytes": rig.rss.bookkeepingLatest,
                "passed": problems.isEmpty, "problems": problems,
            ]
            let data = try JSONSerialization.data(withJSONObject: figures, options: [.prettyPrinted, .sortedKeys])
            do { try data.write(to: URL(fileURLWithPath: report), options: .atomic) } catch {
                throw ValidationError("cannot write the report to \(report): \(error.localizedDescription)")
            }
        }
        if !problems.isEmpty { throw ExitCode(1) }
    }

    func kib(_ bytes: Int?) -> String { bytes.map { "\($0 / 1024) KiB" } ?? "—" }

    func loadRecording(_ path: String) throws -> Recording {
        let bytes: [UInt8]
        do { bytes = try LinuxSystemCalls().readBytes(path) } catch { throw ValidationError("cannot read \(path): \(error); run from the repository root or pass --recording") }
        let csv: CSVRecording
        do { csv = try parseMotionCSV(bytes, path: path, configuration: CSVReplayConfiguration(path: path)) } catch {
            throw ValidationError(error.message)
        }
        let t0 = csv.samples[0].timestampNanoseconds
        return Recording(timesNanoseconds: csv.samples.map { $0.timestampNanoseconds - t0 },
                         values: csv.samples.map { SIMD3<Double>(Double($0.acceleration.x), Double($0.acceleration.y), Double($0.acceleration.z)) })
    }

    func makeChip(_ r: Recording) throws -> (EmulatedChip, AccelerometerChip) {
        guard let made = emulatedChip(named: chip, recording: r) else {
            throw ValidationError("unknown chip '\(chip)'; choose \(emulatedChipNames)")
        }
        return made
    }
}

extension FaultPlan {
    /// Every fault kind with how often it was injected.
    var injectedSummary: String {
        FaultKind.allCases.map { "\($0.rawValue) \(injected[$0] ?? 0)" }.joined(separator: ", ")
    }
}

Soak.main()
