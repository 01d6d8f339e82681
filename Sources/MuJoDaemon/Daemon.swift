// mujod from arguments to exit status: parse the options, load the model, choose the sensor,
// open the event output, run the recognition session until the source ends or SIGINT/SIGTERM,
// close the open activity, write the last `stats` and a `stop` event. Exit statuses follow
// sysexits.h (ExitStatus.swift). SIGHUP reopens the event file.
import CMuJoSystem
import MuJoCore
import MuJoDevice
import MuJoSensors

public enum Daemon {
    /// Runs mujod with `arguments` (no program name) and returns its exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        let system = LinuxSystemCalls()
        let options: DaemonOptions
        do {
            options = try DaemonOptionsParser.parse(arguments) { path in
                do throws(Errno) { return try system.readText(path) } catch { return nil }
            }
        } catch {
            let isHelp = arguments.containsBytes("--help") || arguments.containsBytes("-h")
            writeError(error.message)
            return isHelp ? ExitStatus.ok.rawValue : ExitStatus.usage.rawValue
        }
        do {
            return try run(options, system: system).rawValue
        } catch {
            writeError("mujod: " + error.message)
            return error.status.rawValue
        }
    }

    /// Runs with mujod's own output: JSON lines to `options.events`.
    public static func run(_ options: DaemonOptions, system: LinuxSystemCalls, limitNanoseconds: Int64 = .max) throws(DaemonFailure) -> ExitStatus {
        let sink = try EventSink(options.events)
        var output = JSONLinesOutput(sink: sink, verbose: options.verbose, embeddings: options.embeddings)
        return try run(options, system: system, output: &output, limitNanoseconds: limitNanoseconds, onHangup: { () throws(DaemonFailure) in try sink.reopen() })
    }

    /// Loads the model, chooses the sensor, runs the session into `output` until the source ends,
    /// the limit passes or SIGINT/SIGTERM, and writes the closing events. Throws what ends it
    /// before or instead of a clean stop.
    public static func run<Output: SessionOutput>(_ options: DaemonOptions, system: LinuxSystemCalls, output: inout Output,
                                                 limitNanoseconds: Int64 = .max,
                                                 onHangup: () throws(DaemonFailure) -> Void = { () throws(DaemonFailure) in }) throws(DaemonFailure) -> ExitStatus {
        if !options.allowWritableModel { try ModelPermissions.check(options.model) }
        let model: ModelDescription
        do { model = try ModelLoader.load(options.model, system: system) } catch {
            if case .cannotRead = error { throw DaemonFailure(ErrorText(error.description), .noInput) }
            throw DaemonFailure(ErrorText(error.description), .dataError)
        }
        let recognizer: Recognizer
        do { recognizer = try Recognizer(model: model) } catch { throw DaemonFailure("\(options.model): \(error.description)", .dataError) }
        let chosen = try SensorChoice.resolve(options.sensor, system: system)
        mujo_install_signal_handlers()
        let settings = SessionSettings(tracker: ActivityTrackerSettings(options), statsEverySeconds: options.statsEvery,
                                       limitNanoseconds: limitNanoseconds)
        let end: SessionEnd
        switch chosen.source {
        case .auto: throw DaemonFailure("internal: the sensor was not resolved", .unavailable)
        case .csv(let path):
            let sensor = CSVReplay(system: system, configuration: CSVReplayConfiguration(path: path, timeUnit: options.timeUnit, realTime: options.realtime))
            end = try session(BoardSensor.csv(sensor), recognizer, settings, options, chosen, &output, onHangup)
        case .i2c(let bus, let address, let chip):
            let config = I2CAccelerometerConfiguration(bus: bus, address: address, chip: chip, rateHz: options.rateHz)
            end = try session(BoardSensor.i2c(I2CAccelerometer(system: system, configuration: config)), recognizer, settings, options, chosen, &output, onHangup)
        case .iio(let name):
            let config = IIOReaderConfiguration(name: name, samplingFrequency: Double(options.rateHz))
            end = try session(BoardSensor.iio(IIOReader(system: system, configuration: config)), recognizer, settings, options, chosen, &output, onHangup)
        }
        switch end {
        case .sourceEnded:
            output.emit(.stop(reason: "end-of-input"), recognizer: recognizer)
            return .ok
        case .stopped:
            var which: Int32 = 0
            let signalled = mujo_stop_requested(&which) != 0
            output.emit(.stop(reason: !signalled ? "time-limit" : which == SIGINT ? "sigint" : "sigterm"), recognizer: recognizer)
            return .ok
        case .sensorFailed(let error):
            output.emit(.stop(reason: "sensor-error"), recognizer: recognizer)
            throw DaemonFailure(ErrorText(error.message), status(of: error))
        }
    }

    private static func session<Sensor: MotionSensor, Output: SessionOutput>(
        _ sensor: Sensor, _ recognizer: Recognizer, _ settings: SessionSettings, _ options: DaemonOptions, _ chosen: ChosenSensor,
        _ output: inout Output, _ onHangup: () throws(DaemonFailure) -> Void
    ) throws(DaemonFailure) -> SessionEnd {
        var session: RecognitionSession<Sensor>
        do { session = try RecognitionSession(sensor: sensor, recognizer: recognizer, settings: settings) } catch {
            throw DaemonFailure("\(options.model): \(error.description)", .dataError)
        }
        var hangupFailure: DaemonFailure? = nil
        let end = session.run(model: options.model, sensorDescription: chosen.description, output: &output,
                              now: { mujo_monotonic_ns() }, rss: { max(Int(mujo_rss_bytes()), 0) },
                              shouldStop: {
                                  if mujo_take_hangup() != 0 {
                                      do throws(DaemonFailure) { try onHangup() } catch { hangupFailure = error; return true }
                                  }
                                  return mujo_stop_requested(nil) != 0
                              })
        if let hangupFailure { throw hangupFailure }
        return end
    }

    /// The exit status for a sensor failure: unreadable or malformed recordings are input and
    /// data errors, a path that is no I²C adapter is a usage error, everything else about a device
    /// is "unavailable" (restart with back-off).
    static func status(of error: SensorError) -> ExitStatus {
        switch error {
        case .csv: return .dataError
        case .notAnI2CAdapter: return .usage   // a wrong --sensor/--i2c path: restarting cannot help
        case .cannotOpen(let path, _): return path.hasBytePrefix("/dev/") || path.hasBytePrefix("/sys/") ? .unavailable : .noInput
        default: return .unavailable
        }
    }

    static func writeError(_ message: String) {
        var bytes = Array(message.utf8)
        bytes.append(10)
        _ = bytes.withUnsafeBytes { mujo_write(2, $0.baseAddress!, $0.count) }
    }
}
