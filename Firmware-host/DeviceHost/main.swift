// HOST ONLY. The demo: mujod's recognition loop (MuJoDaemon.RecognitionSession) on a development
// host. An emulated I²C accelerometer (register-level, with its FIFO) plays the committed real
// recording, the real driver reads it over the emulated bus, and the shipped int8 model recognises
// the activity window by window. The README's demo command; it needs nothing outside the repository.
import ArgumentParser
import Foundation
import MuJoCore
import MuJoDaemon
import MuJoDevice
import MuJoEmulators
import MuJoSensors

struct DeviceHost: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mujo-device-host",
        abstract: "Run the device loop against an emulated accelerometer fed by a real recording."
    )

    @Option(help: "The model file.")
    var model = "Models/default.mujo"

    @Option(help: "Emulated chip: lis3dh, mpu6050, mpu6500, adxl345, lsm6ds3, lsm6dsox, bmi160.")
    var chip = "lis3dh"

    @Option(help: "Chip output data rate in Hz (50 or 100).")
    var rate = 100

    @Option(help: "A WISDM 2019 watch accelerometer file to play instead of the committed excerpt (Firmware-host/Recordings/).")
    var recording: String?

    @Option(help: "With --recording: WISDM activity codes to play, in order (A walking, B jogging, C stairs, D sitting, E standing, P dribbling, …).")
    var activities = "A,B,C,D,E,F,P,R"

    @Option(help: "With --recording: seconds of each activity.")
    var seconds: Double = 30

    @Option(help: "Playback speed: 1 = real time, 10 = ten times faster, 0 = as fast as possible.")
    var speed: Double = 20

    @Option(help: "Inject a FIFO overflow by stalling the reader this many seconds into the run (0 = none).")
    var stallAt: Double = 0

    mutating func run() throws {
        setvbuf(stdout, nil, _IOLBF, 0)
        let script: ScriptedRecording
        let source: String
        if let recording {
            let codes = activities.split(separator: ",").compactMap { $0.trimmingCharacters(in: .whitespaces).first }
            script = try scriptedRecording(path: recording, codes: codes, seconds: seconds, skip: 20)
            source = "\(recording): \(script.truth.map(\.name).joined(separator: ", ")), \(Int(seconds)) s each"
        } else {
            script = try committedScript(path: committedRecording)
            source = "\(committedRecording) (WISDM 2019, subject 1604, held out): \(script.truth.map(\.name).joined(separator: ", "))"
        }
        let description: ModelDescription
        do { description = try ModelLoader.load(model, system: LinuxSystemCalls()) } catch {
            throw ValidationError("\(error.description); run from the repository root or pass --model")
        }
        let recognizer: Recognizer
        do { recognizer = try Recognizer(model: description) } catch { throw ValidationError("\(model): \(error.description)") }

        let system = EmulatedSystem(startNanoseconds: 0)
        let (emulated, kind) = try makeChip(script.recording)
        system.attach(emulated, to: "/dev/i2c-1")
        let sensor = I2CAccelerometer(system: system, configuration: I2CAccelerometerConfiguration(bus: "/dev/i2c-1", chip: kind, rateHz: rate, rangeG: 8))
        let defaults = DaemonOptions()
        let total = script.truth.last!.end
        let settings = SessionSettings(tracker: ActivityTrackerSettings(defaults), statsEverySeconds: 0, limitNanoseconds: total)
        var session: RecognitionSession<I2CAccelerometer<EmulatedSystem>>
        do { session = try RecognitionSession(sensor: sensor, recognizer: recognizer, settings: settings) } catch { throw ValidationError(error.description) }

        let spec = description.inputSpec
        let int8 = description.tensors.contains { $0.dataType == .int8 && !$0.isConstant }
        print("MuJo Edge device loop — mujod's loop against an emulated \(kind.name) on /dev/i2c-1, FIFO read by the real driver")
        print("model      \(model): \(int8 ? "int8" : "float32"), \(description.labels.labels.count) labels, \(spec.window) samples at \(Int(spec.sampleRateHz)) Hz (\(Double(spec.window) / Double(spec.sampleRateHz)) s), hop \(Double(spec.hop) / Double(spec.sampleRateHz)) s, arena \(recognizer.interpreter.arenaBytes) B")
        print("recording  \(source)")
        print("activity   smoothing over \(defaults.smooth) windows, a change after \(defaults.hold) windows in a row")
        print("")

        var output = DemoOutput(table: TableOutput(truth: { script.truth(from: $0, to: $1) }), system: system,
                                speed: speed, stallAt: stallAt, chip: kind.name, wallStart: Date())
        let end = session.run(model: model, sensorDescription: "emulated \(kind.name) on /dev/i2c-1", output: &output,
                              now: { Int64(DispatchTime.now().uptimeNanoseconds) }, rss: { 0 }, shouldStop: { false })
        if case .sensorFailed(let error) = end { throw ValidationError(error.message) }
        let st = session.loop.sensor.statistics
        print("bus        \(st.samplesDelivered) samples, \(st.transactions) transactions, \(st.gaps) gaps, \(st.retries) retries, \(st.fifoResets) FIFO resets; emulator produced \(emulated.producedTimes.count), dropped \(emulated.droppedCount)")
    }

    func makeChip(_ r: Recording) throws -> (EmulatedChip, AccelerometerChip) {
        guard let made = emulatedChip(named: chip, recording: r) else {
            throw ValidationError("unknown chip '\(chip)'; choose \(emulatedChipNames)")
        }
        return made
    }
}

/// The table, paced to `speed` × real time, with an optional reader stall (FIFO overflow).
struct DemoOutput: SessionOutput {
    var table: TableOutput
    let system: EmulatedSystem
    let speed: Double
    let stallAt: Double
    let chip: String
    let wallStart: Date
    var stalled = false

    mutating func emit(_ event: SessionEvent, recognizer: Recognizer) {
        if speed > 0 {
            let due = Double(system.now) / 1e9 / speed - Date().timeIntervalSince(wallStart)
            if due > 0 { Thread.sleep(forTimeInterval: due) }
        }
        if stallAt > 0, !stalled, Double(system.now) / 1e9 >= stallAt {
            stalled = true
            print("           (stalling the reader for 2 s: the \(chip) FIFO overflows)")
            system.advance(by: 2_000_000_000)
        }
        table.emit(event, recognizer: recognizer)
    }
}

DeviceHost.main()
