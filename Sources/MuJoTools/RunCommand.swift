// HOST ONLY. `mujo run`: the device loop on a real sensor (I²C or IIO) or a CSV recording.
import ArgumentParser
import Foundation
import MuJoCore
import MuJoDevice
import MuJoSensors

public struct RunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Recognise activities from an accelerometer or a recording, window by window.",
        discussion: """
        Exactly one source: --i2c BUS (the chip's FIFO through libi2c), --iio NAME (a kernel driver's \
        IIO device), or --csv FILE (columns t, ax, ay, az[, gx, gy, gz]; units from the header or flags).
        """
    )

    @Option(help: "The model file.")
    var model = "Models/default.mujo"

    @Option(help: "Read an accelerometer through this I²C bus, e.g. /dev/i2c-1.")
    var i2c: String?

    @Option(help: "I²C address (e.g. 0x18); default: probe the standard addresses.")
    var address: String?

    @Option(help: "IIO device name, e.g. lis3dh or mpu6050 (when a kernel driver owns the chip).")
    var iio: String?

    @Option(help: "Replay a CSV recording.")
    var csv: String?

    @Option(help: "Sensor output data rate in Hz.")
    var rate = 100

    @Option(help: "Stop after this many seconds of sensor time (0 = run until the source ends or Ctrl-C).")
    var seconds: Double = 0

    public init() {}

    public func validate() throws {
        let sources = [i2c, iio, csv].compactMap { $0 }
        guard sources.count == 1 else {
            throw ValidationError("choose exactly one source: --i2c /dev/i2c-N, --iio NAME or --csv FILE")
        }
        if let address, parseAddress(address) == nil {
            throw ValidationError("--address '\(address)' is not an I²C address; write it like 0x18 or 24")
        }
    }

    public func run() throws {
        setvbuf(stdout, nil, _IOLBF, 0)
        let description = try loadModel(model)
        let recognizer: Recognizer
        do { recognizer = try Recognizer(model: description) } catch { throw CommandFailure("\(model): \(error.description)") }
        let system = LinuxSystemCalls()
        if let i2c {
            let config = I2CAccelerometerConfiguration(bus: i2c, address: address.flatMap(parseAddress), rateHz: rate)
            try run(I2CAccelerometer(system: system, configuration: config), recognizer, source: "I²C \(i2c)")
        } else if let iio {
            try run(IIOReader(system: system, configuration: IIOReaderConfiguration(name: iio, samplingFrequency: Double(rate))),
                    recognizer, source: "IIO device \(iio)")
        } else if let csv {
            try run(CSVReplay(system: system, configuration: CSVReplayConfiguration(path: csv)), recognizer, source: "recording \(csv)")
        }
    }

    func run<Sensor: MotionSensor>(_ sensor: Sensor, _ recognizer: Recognizer, source: String) throws {
        var loop: DeviceLoop<Sensor>
        do { loop = try DeviceLoop(sensor: sensor, recognizer: recognizer) } catch { throw CommandFailure(error.description) }
        let spec = recognizer.spec
        print("\(model): \(recognizer.model.labels.labels.count) labels, windows of \(spec.window) samples at \(TextFormat.fixed(Double(spec.sampleRateHz), 1)) Hz; source: \(source)")
        print(RecognitionText.header())
        var origin: Int64? = nil
        let limit = seconds > 0 ? Int64(seconds * 1e9) : Int64.max
        do {
            try loop.run(now: { Int64(DispatchTime.now().uptimeNanoseconds) }) { event in
                switch event {
                case .started(let odr):
                    print("sensor running at \(TextFormat.fixed(odr, 1)) Hz")
                case .gap(let g):
                    if origin == nil { origin = g.startNanoseconds }
                    print(RecognitionText.gap(g, origin: origin!))
                case .restarted(let t):
                    print(RecognitionText.time(t, origin: origin ?? t) + "  samples too far apart; the window starts again")
                case .recognition(let r):
                    if origin == nil { origin = r.startNanoseconds }
                    if r.endNanoseconds - origin! > limit { return false }
                    print(RecognitionText.line(r, recognizer: recognizer, origin: origin!))
                }
                return true
            }
        } catch {
            throw CommandFailure(error.message)
        }
        let s = loop.sensor.statistics
        print("sensor: \(s.samplesDelivered) samples, \(s.gaps) gaps, \(s.retries) retries, \(s.reopens) reopens, \(s.fifoResets) FIFO resets")
    }
}

func parseAddress(_ text: String) -> UInt8? {
    let t = text.lowercased()
    let v = t.hasPrefix("0x") ? UInt8(t.dropFirst(2), radix: 16) : UInt8(t)
    return v.flatMap { $0 >= 0x03 && $0 <= 0x77 ? $0 : nil }
}
