// mujod's settings and their parser: command-line flags and a config file of `key = value`
// lines with the same names as the long flags (flags win). Every bad flag or line is refused
// with what was wrong and what is allowed (exit status 64).
import CMuJoSystem
import MuJoDevice
import MuJoSensors

/// Where samples come from.
public enum SensorSource: Equatable {
    /// Probe the I²C buses and IIO devices, as `mujo probe` does, and take the first accelerometer.
    case auto
    case i2c(bus: String, address: UInt8?, chip: AccelerometerChip?)
    case iio(name: String)
    /// A CSV recording; `-` reads standard input.
    case csv(path: String)
}

/// Where events go.
public enum EventDestination: Equatable {
    case standardOutput
    /// Appended, flushed per event, reopened on SIGHUP (logrotate).
    case file(String)
    /// A listening Unix stream socket; every connected reader gets every line.
    case unixSocket(String)
}

public struct DaemonOptions: Equatable {
    public var model = "/usr/share/mujo/default.mujo"
    public var sensor = SensorSource.auto
    public var events = EventDestination.standardOutput
    public var rateHz = 100
    /// Windows averaged by the activity tracker (1: none). The defaults were chosen on training
    /// subjects of WISDM 2019 (scripts/measure-smoothing.py; figures in the README).
    public var smooth = 8
    /// Windows a new label must lead before the activity changes (hysteresis).
    public var hold = 3
    /// Best cosine below this is "unknown" (in addition to each label's own threshold).
    public var minScore: Float = 0
    /// Best minus runner-up cosine below this is "unknown".
    public var minMargin: Float = 0
    /// Seconds of sensor time between `stats` events (0: only at the end).
    public var statsEvery: Double = 60
    /// CSV only: replay at the recording's own pace instead of as fast as possible.
    public var realtime = false
    /// CSV only: the unit of the t column when the header does not name one (nil: the header's, else s).
    public var timeUnit: TimeUnit? = nil
    /// Write a `window` event for every window.
    public var verbose = false
    /// Add the int8 embedding bytes (hex) to each `window` event (cross-machine comparisons).
    public var embeddings = false
    /// Load a model even when others may write it or its directory (development; ModelPermissions.swift).
    public var allowWritableModel = false
    public var configFile: String? = nil

    public init() {}
}

public struct UsageError: Error {
    public var message: String
    public init(_ message: ErrorText) { self.message = message.string }   // MuJoSystem/ErrorText.swift
}

public enum DaemonOptionsParser {
    public static let usage = """
    usage: mujod --model PATH --sensor auto|i2c:/dev/i2c-N[@0xAA][:chip]|iio:NAME|csv:FILE|csv:-
                 [--events -|FILE|unix:PATH] [--config FILE] [--rate HZ] [--smooth N] [--hold N]
                 [--min-score X] [--min-margin X] [--stats-every S] [--realtime] [--time-unit s|ms|us|ns]
                 [--verbose] [--embeddings] [--allow-writable-model]
      csv:FILE replays a recording (t, ax, ay, az[, gx, gy, gz]), streamed; csv:- reads it from standard input.
      --time-unit: the unit of its t column when the header does not name one (t[ms], time_ns, ...; default s);
      a recording whose median step is outside 0.5 Hz ... 10 kHz is refused with the unit it looks like.
      A model that any user may write, or that sits in a directory any user may write, is refused (exit 77)
      unless --allow-writable-model. Every flag is also a config-file key: `time-unit = ms`.
    """

    /// The flags that take a value and those that do not (also the config file's keys).
    static let valued = ["model", "sensor", "events", "config", "rate", "smooth", "hold", "min-score", "min-margin", "stats-every", "time-unit"]
    static let switches = ["realtime", "verbose", "embeddings", "allow-writable-model"]

    /// Parses `arguments` (without the program name). A `--config FILE` is read with `readConfig`
    /// first; flags then override its lines.
    public static func parse(_ arguments: [String], readConfig: (String) -> String?) throws(UsageError) -> DaemonOptions {
        var pairs: [(key: String, value: String, origin: String)] = []
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            if arg.bytesEqual("--help") || arg.bytesEqual("-h") { throw UsageError(ErrorText(usage)) }
            guard arg.hasBytePrefix("--") else { throw UsageError("unexpected argument '\(arg)'; every setting is a flag\n\(usage)") }
            var name = arg.droppingBytes(2)
            var inline: String? = nil
            if let eq = name.firstByteOffset(of: UInt8(ascii: "=")) {
                inline = name.droppingBytes(eq + 1)
                name = name.byteSlice(0, eq)
            }
            if switches.containsBytes(name) {
                if let inline { pairs.append((name, inline, "--\(name)")) } else { pairs.append((name, "true", "--\(name)")) }
            } else if valued.containsBytes(name) {
                if let inline {
                    pairs.append((name, inline, "--\(name)"))
                } else {
                    guard i + 1 < arguments.count else { throw UsageError("--\(name) needs a value\n\(usage)") }
                    i += 1
                    pairs.append((name, arguments[i], "--\(name)"))
                }
            } else {
                throw UsageError("unknown flag --\(name)\n\(usage)")
            }
            i += 1
        }
        var options = DaemonOptions()
        if let config = pairs.last(where: { $0.key.bytesEqual("config") })?.value {
            guard let text = readConfig(config) else {
                throw UsageError("--config \(config): cannot read the file; check the path and its permissions")
            }
            options.configFile = config
            for line in try configLines(text, file: config) { try apply(line.key, line.value, line.origin, to: &options) }
        }
        for p in pairs where !p.key.bytesEqual("config") { try apply(p.key, p.value, p.origin, to: &options) }
        if let unit = options.timeUnit {
            if case .csv = options.sensor {} else {
                throw UsageError("--time-unit \(unit.symbol) applies to CSV recordings only; use it with --sensor csv:FILE or csv:-")
            }
        }
        return options
    }

    /// The `key = value` lines of a config file; `#` starts a comment. CRLF line ends read as LF
    /// (trimmingBlanks drops the '\r') and a leading UTF-8 byte order mark is skipped: a file saved
    /// by Windows Notepad reads as the same file written on the board.
    static func configLines(_ text: String, file: String) throws(UsageError) -> [(key: String, value: String, origin: String)] {
        var out: [(key: String, value: String, origin: String)] = []
        var number = 0
        let body = text.utf8.starts(with: [0xEF, 0xBB, 0xBF]) ? text.droppingBytes(3) : text
        for raw in body.splitBytes(UInt8(ascii: "\n")) {
            number += 1
            var line = raw
            if let hash = line.firstByteOffset(of: UInt8(ascii: "#")) { line = line.byteSlice(0, hash) }
            let trimmed = line.trimmingBlanks
            if trimmed.isEmpty { continue }
            guard let eq = trimmed.firstByteOffset(of: UInt8(ascii: "=")) else {
                throw UsageError("\(file):\(number): '\(trimmed)' is not `key = value`")
            }
            let key = trimmed.byteSlice(0, eq).trimmingBlanks, value = trimmed.droppingBytes(eq + 1).trimmingBlanks
            guard valued.containsBytes(key) && !key.bytesEqual("config") || switches.containsBytes(key) else {
                throw UsageError("\(file):\(number): unknown setting '\(key)'; allowed: \(join(valued.filter { !$0.bytesEqual("config") } + switches))")
            }
            out.append((key, value, "\(file):\(number): \(key)"))
        }
        return out
    }

    static func apply(_ key: String, _ value: String, _ origin: String, to o: inout DaemonOptions) throws(UsageError) {
        switch ByteKey(key) {
        case "model":
            guard !value.isEmpty else { throw UsageError("\(origin): give the model file's path") }
            o.model = value
        case "sensor": o.sensor = try sensor(value, origin)
        case "events":
            if value.bytesEqual("-") { o.events = .standardOutput } else if value.hasBytePrefix("unix:") {
                let path = value.droppingBytes(5)
                guard path.hasBytePrefix("/") else { throw UsageError("\(origin) \(value): give the socket's absolute path, e.g. unix:/run/mujo/events.sock") }
                o.events = .unixSocket(path)
            } else if value.isEmpty {
                throw UsageError("\(origin): give -, a file path or unix:PATH")
            } else { o.events = .file(value) }
        case "rate": o.rateHz = try integer(value, origin, 1...1000, "an output data rate in Hz from 1 to 1000, e.g. 100")
        case "smooth": o.smooth = try integer(value, origin, 1...64, "a window count from 1 (no smoothing) to 64")
        case "hold": o.hold = try integer(value, origin, 1...64, "a window count from 1 (change at once) to 64")
        case "min-score": o.minScore = Float(try number(value, origin, -1...1, "a cosine from -1 to 1, e.g. 0.3"))
        case "min-margin": o.minMargin = Float(try number(value, origin, 0...2, "a cosine difference from 0 to 2, e.g. 0.05"))
        case "stats-every": o.statsEvery = try number(value, origin, 0...86400, "seconds from 0 (only at the end) to 86400")
        case "realtime": o.realtime = try boolean(value, origin)
        case "time-unit":
            guard let unit = TimeUnit(unitName: Array(value.utf8)) else {
                throw UsageError("\(origin) '\(value)': expected the CSV's time unit: s, ms, us or ns")
            }
            o.timeUnit = unit
        case "verbose": o.verbose = try boolean(value, origin)
        case "embeddings": o.embeddings = try boolean(value, origin)
        case "allow-writable-model": o.allowWritableModel = try boolean(value, origin)
        default: throw UsageError("\(origin): unknown setting")
        }
    }

    /// `auto`, `i2c:/dev/i2c-1[@0x68][:chip]`, `iio:NAME` or `csv:FILE` (`csv:-`: standard input).
    static func sensor(_ value: String, _ origin: String) throws(UsageError) -> SensorSource {
        let allowed = "auto, i2c:/dev/i2c-N[@0xAA][:chip], iio:NAME or csv:FILE"
        if value.bytesEqual("auto") { return .auto }
        if value.hasBytePrefix("csv:") {
            let path = value.droppingBytes(4)
            guard !path.isEmpty else { throw UsageError("\(origin) \(value): give the recording's path after csv:") }
            return .csv(path: path)
        }
        if value.hasBytePrefix("iio:") {
            let name = value.droppingBytes(4)
            guard !name.isEmpty, !name.containsByte(UInt8(ascii: "/")) else { throw UsageError("\(origin) \(value): give the IIO device name, e.g. iio:lis3dh") }
            return .iio(name: name)
        }
        if value.hasBytePrefix("i2c:") {
            var rest = value.droppingBytes(4)
            var chip: AccelerometerChip? = nil
            if let colon = rest.lastByteOffset(of: UInt8(ascii: ":")) {
                let name = rest.droppingBytes(colon + 1)
                let lower = name.asciiLowercased
                guard let c = AccelerometerChip.allCases.first(where: { $0.kernelName.bytesEqual(lower) }) else {
                    throw UsageError("\(origin) \(value): unknown chip '\(name)'; choose \(join(AccelerometerChip.allCases.map { $0.kernelName }))")
                }
                chip = c
                rest = rest.byteSlice(0, colon)
            }
            var address: UInt8? = nil
            if let at = rest.firstByteOffset(of: UInt8(ascii: "@")) {
                let text = rest.droppingBytes(at + 1)
                guard let a = parseAddress(text) else {
                    throw UsageError("\(origin) \(value): '\(text)' is not a 7-bit I²C address (0x03…0x77), e.g. @0x68")
                }
                address = a
                rest = rest.byteSlice(0, at)
            }
            guard rest.hasBytePrefix("/dev/") else { throw UsageError("\(origin) \(value): give the bus device, e.g. i2c:/dev/i2c-1") }
            return .i2c(bus: rest, address: address, chip: chip)
        }
        throw UsageError("\(origin) '\(value)': the sensor is one of \(allowed)")
    }

    /// A 7-bit I²C address written as 0x68 or 104 (0x03…0x77), or nil.
    public static func parseAddress(_ text: String) -> UInt8? {
        let lower = text.asciiLowercased
        let v = lower.hasBytePrefix("0x") ? UInt8(lower.droppingBytes(2), radix: 16) : UInt8(lower)
        guard let v, v >= 0x03, v <= 0x77 else { return nil }
        return v
    }

    static func integer(_ value: String, _ origin: String, _ range: ClosedRange<Int>, _ allowed: String) throws(UsageError) -> Int {
        guard let v = Int(value), range.contains(v) else { throw UsageError("\(origin) '\(value)': expected \(allowed)") }
        return v
    }

    static func number(_ value: String, _ origin: String, _ range: ClosedRange<Double>, _ allowed: String) throws(UsageError) -> Double {
        var ok: Int32 = 0
        let v = value.withCString { mujo_parse_double($0, &ok) }
        guard ok == 1, v.isFinite, range.contains(v) else { throw UsageError("\(origin) '\(value)': expected \(allowed)") }
        return v
    }

    static func boolean(_ value: String, _ origin: String) throws(UsageError) -> Bool {
        switch ByteKey(value.asciiLowercased) {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default: throw UsageError("\(origin) '\(value)': expected true or false")
        }
    }

    static func join(_ names: [String]) -> String {
        var s = ""
        for n in names { s += (s.isEmpty ? "" : ", ") + n }
        return s
    }
}

extension ActivityTrackerSettings {
    public init(_ options: DaemonOptions) {
        self.init(smooth: options.smooth, hold: options.hold, minScore: options.minScore, minMargin: options.minMargin)
    }
}
