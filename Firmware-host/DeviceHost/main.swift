// HOST ONLY. The device loop on a development host: an emulated I²C accelerometer (register-level,
// with its FIFO) plays a real WISDM 2019 recording, the real driver reads it over the emulated bus,
// and the shipped int8 model recognises the activity window by window. The README's demo command.
import ArgumentParser
import Foundation
import MuJoCore
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

    @Option(help: "A WISDM 2019 watch accelerometer file (default: held-out subject 1604 under $MUJO_DATASETS or ../shared/datasets).")
    var recording: String?

    @Option(help: "WISDM activity codes to play, in order (A walking, B jogging, C stairs, D sitting, E standing, P dribbling, …).")
    var activities = "A,B,C,D,E,F,P,R"

    @Option(help: "Seconds of each activity.")
    var seconds: Double = 30

    @Option(help: "Playback speed: 1 = real time, 10 = ten times faster, 0 = as fast as possible.")
    var speed: Double = 20

    @Option(help: "Inject a FIFO overflow by stalling the reader this many seconds into the run (0 = none).")
    var stallAt: Double = 0

    mutating func run() throws {
        setvbuf(stdout, nil, _IOLBF, 0)
        let datasets = ProcessInfo.processInfo.environment["MUJO_DATASETS"] ?? "../shared/datasets"
        let path = recording ?? "\(datasets)/wisdm2019/raw/watch/accel/data_1604_accel_watch.txt.xz"
        let codes = activities.split(separator: ",").compactMap { $0.trimmingCharacters(in: .whitespaces).first }
        let script = try scriptedRecording(path: path, codes: codes, seconds: seconds, skip: 20)
        guard let bytes = FileManager.default.contents(atPath: model) else {
            throw ValidationError("model '\(model)' not found; run from the repository root or pass --model")
        }
        let description: ModelDescription
        do { description = try ModelReader.parse([UInt8](bytes)) } catch { throw ValidationError("\(model): \(error.description)") }
        let recognizer: Recognizer
        do { recognizer = try Recognizer(model: description) } catch { throw ValidationError("\(model): \(error.description)") }

        let system = EmulatedSystem(startNanoseconds: 0)
        let (emulated, kind) = try makeChip(script.recording)
        system.attach(emulated, to: "/dev/i2c-1")
        let sensor = I2CAccelerometer(system: system, configuration: I2CAccelerometerConfiguration(bus: "/dev/i2c-1", chip: kind, rateHz: rate, rangeG: 8))
        var loop: DeviceLoop<I2CAccelerometer<EmulatedSystem>>
        do { loop = try DeviceLoop(sensor: sensor, recognizer: recognizer) } catch { throw ValidationError(error.description) }

        let spec = description.inputSpec
        let int8 = description.tensors.contains { $0.dataType == .int8 && !$0.isConstant }
        print("MuJo Edge device loop — emulated \(kind.name) on /dev/i2c-1, FIFO read by the real driver")
        print("model      \(model): \(int8 ? "int8" : "float32"), \(description.labels.labels.count) labels, \(spec.window) samples at \(Int(spec.sampleRateHz)) Hz (\(Double(spec.window) / Double(spec.sampleRateHz)) s), hop \(Double(spec.hop) / Double(spec.sampleRateHz)) s, arena \(recognizer.interpreter.arenaBytes) B")
        print("recording  \(path): \(script.truth.map(\.name).joined(separator: ", ")), \(Int(seconds)) s each")
        print("")
        print(RecognitionText.header(withTruth: true))

        let total = script.truth.last!.end
        let wallStart = Date()
        var stats = Summary()
        var stalled = false
        try loop.run(now: { Int64(DispatchTime.now().uptimeNanoseconds) }) { event in
            if speed > 0 {
                let due = Double(system.now) / 1e9 / speed - Date().timeIntervalSince(wallStart)
                if due > 0 { Thread.sleep(forTimeInterval: due) }
            }
            if stallAt > 0, !stalled, Double(system.now) / 1e9 >= stallAt {
                stalled = true
                print("           (stalling the reader for 2 s: the \(kind.name) FIFO overflows)")
                system.advance(by: 2_000_000_000)
            }
            switch event {
            case .started(let odr):
                print(TextFormat.pad("", 8) + "sensor started at \(odr) Hz")
            case .gap(let g):
                print(RecognitionText.gap(g))
            case .restarted(let t):
                print(RecognitionText.time(t) + "  samples too far apart; the window starts again")
            case .recognition(let r):
                guard r.endNanoseconds < total else { return false }
                let truth = script.truth(from: r.startNanoseconds, to: r.endNanoseconds)
                let best = r.top.0.map { recognizer.labelName($0.label) } ?? "(none)"
                let mark = truth == nil ? " " : (truth == best ? "✓" : "✗")
                stats.add(truth: truth, recognised: best, latency: r.latencyNanoseconds)
                print(RecognitionText.line(r, recognizer: recognizer, truth: truth ?? "(transition)", mark: mark))
            }
            return true
        }
        let st = loop.sensor.statistics
        print("")
        print("windows    \(stats.windows) (\(stats.judged) inside one activity): \(stats.correct) recognised correctly = \(fixed(Float(stats.correct) / Float(max(stats.judged, 1)) * 100, 1)) %")
        print("latency    mean \(fixed(Float(stats.latencySum) / Float(max(stats.windows, 1)) / 1e6, 2)) ms, max \(fixed(Float(stats.latencyMax) / 1e6, 2)) ms per window (this host)")
        print("sensor     \(st.samplesDelivered) samples, \(st.transactions) bus transactions, \(st.gaps) gaps, \(st.retries) retries, \(st.fifoResets) FIFO resets; emulator produced \(emulated.producedTimes.count), dropped \(emulated.droppedCount)")
    }

    func makeChip(_ r: Recording) throws -> (EmulatedChip, AccelerometerChip) {
        switch chip.lowercased() {
        case "lis3dh": return (EmulatedLIS3DH(recording: r), .lis3dh)
        case "mpu6050": return (EmulatedMPU6050(variant: .mpu6050, recording: r), .mpu6050)
        case "mpu6500": return (EmulatedMPU6050(variant: .mpu6500, recording: r), .mpu6500)
        case "adxl345": return (EmulatedADXL345(recording: r), .adxl345)
        case "lsm6ds3": return (EmulatedLSM6DS3(recording: r), .lsm6ds3)
        case "lsm6dsox": return (EmulatedLSM6DSOX(recording: r), .lsm6dsox)
        case "bmi160": return (EmulatedBMI160(recording: r), .bmi160)
        default: throw ValidationError("unknown chip '\(chip)'; choose lis3dh, mpu6050, mpu6500, adxl345, lsm6ds3, lsm6dsox or bmi160")
        }
    }
}

struct Summary {
    var windows = 0, judged = 0, correct = 0
    var latencySum: Int64 = 0, latencyMax: Int64 = 0
    mutating func add(truth: String?, recognised: String, latency: Int64) {
        windows += 1
        latencySum += latency
        latencyMax = max(latencyMax, latency)
        if let truth { judged += 1; if truth == recognised { correct += 1 } }
    }
}

func fixed(_ v: Float, _ digits: Int) -> String { TextFormat.fixed(Double(v), digits) }

DeviceHost.main()
