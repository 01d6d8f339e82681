// HOST ONLY. `mujo run`: the host face of mujod's loop (MuJoDaemon.RecognitionSession) on a real
// sensor (I²C or IIO) or a CSV recording: a table by default, mujod's JSON-line events with --json.
import ArgumentParser
import Foundation
import MuJoCore
import MuJoDaemon
import MuJoDevice
import MuJoSensors

public struct RunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Recognise activities from an accelerometer or a recording, window by window.",
        discussion: """
        Exactly one source: --i2c BUS (the chip's FIFO through libi2c), --iio NAME (a kernel driver's \
        IIO device), or --csv FILE (columns t, ax, ay, az[, gx, gy, gz], streamed; --csv - reads standard input). \
        Units come from the header (t[ms], ax[g], gx[deg/s], ...); --time-unit s|ms|us|ns gives the time unit \
        of a header-less file (default s), and a median step outside 0.5 Hz ... 10 kHz is refused. \
        The same loop as mujod, the program that runs on the board; --json writes its events (docs/events.md). \
        Exit status, in both modes as mujod's: 0 done, 64 bad flag or not an I²C adapter, 65 invalid model or \
        recording, 66 model or recording unreadable, 69 sensor absent or gone, 74 output error.
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

    @Option(help: "Replay a CSV recording (- for standard input).")
    var csv: String?

    @Option(help: "The CSV's time unit when its header names none: s, ms, us or ns.")
    var timeUnit: String?

    @Option(help: "Sensor output data rate in Hz (1 to 1000).")
    var rate = 100

    @Option(help: "Stop after this many seconds of sensor time (0 = run until the source ends or Ctrl-C).")
    var seconds: Double = 0

    @Option(help: "Windows averaged before an activity is decided (1 = none).")
    var smooth = DaemonOptions().smooth

    @Option(help: "Windows a new label must lead before the activity changes.")
    var hold = DaemonOptions().hold

    @Option(help: "Below this best cosine a window is unknown.")
    var minScore: Float = DaemonOptions().minScore

    @Option(help: "Below this margin between the best two cosines a window is unknown.")
    var minMargin: Float = DaemonOptions().minMargin

    @Flag(help: "Write mujod's JSON-line events instead of the table.")
    var json = false

    public init() {}

    public func validate() throws {
        let sources = [i2c, iio, csv].compactMap { $0 }
        guard sources.count == 1 else {
            throw ValidationError("choose exactly one source: --i2c /dev/i2c-N, --iio NAME or --csv FILE")
        }
        if let timeUnit {
            guard TimeUnit(unitName: Array(timeUnit.utf8)) != nil else {
                throw ValidationError("--time-unit '\(timeUnit)': give s, ms, us or ns")
            }
            guard csv != nil else { throw ValidationError("--time-unit applies to --csv recordings only") }
        }
        if let address, DaemonOptionsParser.parseAddress(address) == nil {
            throw ValidationError("--address '\(address)' is not an I²C address; write it like 0x18 or 24")
        }
        guard (1...1000).contains(rate) else { throw ValidationError("--rate \(rate): give an output data rate from 1 to 1000 Hz") }
        guard seconds >= 0, seconds.isFinite else { throw ValidationError("--seconds \(seconds): give 0 (no limit) or a positive duration") }
        guard (1...64).contains(smooth), (1...64).contains(hold) else { throw ValidationError("--smooth and --hold take a window count from 1 to 64") }
        guard (-1...1).contains(minScore), (0...2).contains(minMargin) else {
            throw ValidationError("--min-score takes a cosine from -1 to 1, --min-margin a difference from 0 to 2")
        }
    }

    public func run() throws {
        setvbuf(stdout, nil, _IOLBF, 0)
        var options = DaemonOptions()
        options.model = model
        options.allowWritableModel = true   // interactive, the user's own files; mujod the service checks (docs/threat-model.md)
        options.rateHz = rate
        (options.smooth, options.hold, options.minScore, options.minMargin) = (smooth, hold, minScore, minMargin)
        options.statsEvery = 0
        options.verbose = true
        if let i2c { options.sensor = .i2c(bus: i2c, address: address.flatMap(DaemonOptionsParser.parseAddress), chip: nil) }
        if let iio { options.sensor = .iio(name: iio) }
        if let csv { options.sensor = .csv(path: csv) }
        options.timeUnit = timeUnit.flatMap { TimeUnit(unitName: Array($0.utf8)) }
        let limit = seconds > 0 ? Int64(seconds * 1e9) : Int64.max
        let status: ExitStatus
        do {
            if json {
                status = try Daemon.run(options, system: LinuxSystemCalls(), limitNanoseconds: limit)
            } else {
                var table = TableOutput()
                status = try Daemon.run(options, system: LinuxSystemCalls(), output: &table, limitNanoseconds: limit)
            }
        } catch {
            // mujod's status (MuJoDaemon/ExitStatus.swift), the same in both modes, not ArgumentParser's 1.
            FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
            throw ExitCode(error.status.rawValue)
        }
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
