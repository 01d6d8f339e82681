// Replay of recorded motion from CSV: `t, ax, ay, az[, gx, gy, gz]`.
//
// Public API:
//   enum TimeUnit / AccelerationUnit / RotationUnit   s|ms|us|ns, m/s²|g, rad/s|deg/s.
//   struct CSVReplayConfiguration   path; units (nil = from the header, else s, m/s², rad/s);
//                                   realTime pacing through the SystemCalls clock.
//   func parseMotionCSV(_:path:configuration:) throws(SensorError) -> CSVRecording
//   struct CSVRecording             samples (ns, m/s², rad/s), median rate, units used.
//   final class CSVReplay<S>: MotionSensor   start() loads and validates the whole file; read()
//                                   hands out samples (all due ones when realTime, else up to
//                                   256 per call); a time step > 1.5 median periods emits a
//                                   .timestampJump gap; waitForData() is false at the end.
//
// Format: optional header line (first field not a number), e.g. `t[s],ax[g],ay[g],az[g]` or
// `time_ms,ax_m/s2,…,gx_deg/s,…`; a unit given in the header and a different one in the
// configuration is an error. `#` comment lines and blank lines are skipped; CRLF is fine. A last
// header column named `activity` or `label` (text, e.g. the true activity) is ignored.
// Every error names the file, 1-based line and column, what was wrong and what to do.
import CMuJoSystem

public enum TimeUnit: Equatable { case seconds, milliseconds, microseconds, nanoseconds
    var nanosecondsPerUnit: Double {
        switch self { case .seconds: return 1e9; case .milliseconds: return 1e6; case .microseconds: return 1e3; case .nanoseconds: return 1 }
    }
    public var symbol: String {
        switch self { case .seconds: return "s"; case .milliseconds: return "ms"; case .microseconds: return "us"; case .nanoseconds: return "ns" }
    }
}
public enum AccelerationUnit: Equatable { case metersPerSecondSquared, standardGravity
    public var symbol: String { self == .standardGravity ? "g" : "m/s²" }
}
public enum RotationUnit: Equatable { case radiansPerSecond, degreesPerSecond
    public var symbol: String { self == .degreesPerSecond ? "deg/s" : "rad/s" }
}

public struct CSVReplayConfiguration {
    public var path: String
    /// nil: the header's unit, or seconds.
    public var timeUnit: TimeUnit?
    /// nil: the header's unit, or m/s².
    public var accelerationUnit: AccelerationUnit?
    /// nil: the header's unit, or rad/s.
    public var rotationUnit: RotationUnit?
    /// Hand out samples as the clock reaches them (else as fast as read() is called).
    public var realTime: Bool

    public init(path: String, timeUnit: TimeUnit? = nil, accelerationUnit: AccelerationUnit? = nil,
                rotationUnit: RotationUnit? = nil, realTime: Bool = false) {
        self.path = path; self.timeUnit = timeUnit; self.accelerationUnit = accelerationUnit
        self.rotationUnit = rotationUnit; self.realTime = realTime
    }
}

/// A parsed recording.
public struct CSVRecording {
    public var samples: [MotionSample]
    /// 1e9 / median time step.
    public var outputDataRate: Double
    public var hasGyroscope: Bool
    public var timeUnit: TimeUnit
    public var accelerationUnit: AccelerationUnit
    public var rotationUnit: RotationUnit
}

private let columnNames = ["t", "ax", "ay", "az", "gx", "gy", "gz"]

/// Trims spaces, tabs and CR.
private func trimmed(_ f: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var s = f
    while let c = s.first, c == 32 || c == 9 || c == 13 { s = s.dropFirst() }
    while let c = s.last, c == 32 || c == 9 || c == 13 { s = s.dropLast() }
    return s
}

private func parseNumber(_ f: ArraySlice<UInt8>) -> Double? {
    if f.isEmpty { return nil }
    var c = [CChar](repeating: 0, count: f.count + 1)
    var i = 0
    for b in f { c[i] = CChar(bitPattern: b); i += 1 }
    var ok: Int32 = 0
    let v = c.withUnsafeBufferPointer { mujo_parse_double($0.baseAddress, &ok) }
    return ok != 0 ? v : nil
}

private func lowercased(_ f: ArraySlice<UInt8>) -> String {
    var out: [UInt8] = []
    for b in f { out.append(b >= 65 && b <= 90 ? b + 32 : b) }
    return String(decoding: out, as: UTF8.self)
}

/// The unit part of a header name: after '[', '(' or the first '_'.
private func unitOf(_ name: String) -> String {
    var u: [UInt8] = []
    var started = false
    for b in name.utf8 {   // bytes: the brackets are ASCII (MuJoSystem/ByteText.swift)
        if !started {
            if b == UInt8(ascii: "[") || b == UInt8(ascii: "(") || b == UInt8(ascii: "_") { started = true }
            continue
        }
        if b == UInt8(ascii: "]") || b == UInt8(ascii: ")") { break }
        u.append(b)
    }
    return String(decoding: u, as: UTF8.self)
}

/// Parses a whole CSV file. Errors carry `path`, the line and the column.
public func parseMotionCSV(_ bytes: [UInt8], path: String, configuration: CSVReplayConfiguration) throws(SensorError) -> CSVRecording {
    var timeUnit = configuration.timeUnit
    var accelUnit = configuration.accelerationUnit
    var gyroUnit = configuration.rotationUnit
    var columns = 0
    var samples: [MotionSample] = []
    var lastTime: Double = 0
    var lastLine = 0
    var lineNumber = 0
    var sawHeader = false
    /// A last header column named `activity` or `label` holds text (a truth label) and is ignored.
    var labelColumn = false
    var start = 0
    var times: [Double] = []

    func fail(_ line: Int, _ column: Int, _ problem: ErrorText) -> SensorError {   // MuJoSystem/ErrorText.swift
        .csv(path: path, line: line, column: column, problem: problem.string)
    }

    while start < bytes.count {
        var end = start
        while end < bytes.count && bytes[end] != 10 { end += 1 }
        lineNumber += 1
        let line = trimmed(bytes[start..<end])
        start = end + 1
        if line.isEmpty || line.first == 35 { continue }   // blank or '#'
        // Split on commas.
        var fields: [ArraySlice<UInt8>] = []
        var fs = line.startIndex
        var i = line.startIndex
        while i < line.endIndex {
            if line[i] == 44 { fields.append(trimmed(line[fs..<i])); fs = i + 1 }
            i += 1
        }
        fields.append(trimmed(line[fs..<line.endIndex]))

        if columns == 0 {
            // First meaningful line: header or first data row.
            if parseNumber(fields[0]) == nil && !sawHeader {
                sawHeader = true
                let lastName = lowercased(fields[fields.count - 1])
                if fields.count > 1 && (lastName.bytesEqual("activity") || lastName.bytesEqual("label")) {
                    labelColumn = true
                    fields.removeLast()
                }
                guard fields.count == 4 || fields.count == 7 else {
                    throw fail(lineNumber, min(fields.count, 7) + 1, "header has \(fields.count) columns; expected 4 (t, ax, ay, az) or 7 (t, ax, ay, az, gx, gy, gz)")
                }
                for (k, f) in fields.enumerated() {
                    let unit = unitOf(lowercased(f))
                    if unit.isEmpty { continue }
                    if k == 0 {
                        let u: TimeUnit
                        switch ByteKey(unit) {
                        case "s", "sec", "seconds": u = .seconds
                        case "ms": u = .milliseconds
                        case "us", "µs": u = .microseconds
                        case "ns": u = .nanoseconds
                        default: throw fail(lineNumber, 1, "unknown time unit '\(unit)'; use s, ms, us or ns")
                        }
                        if let given = timeUnit, given != u {
                            throw fail(lineNumber, 1, "the header says time is in \(u.symbol) but the option says \(given.symbol); drop the option or fix the header")
                        }
                        timeUnit = u
                    } else if k <= 3 {
                        let u: AccelerationUnit
                        switch ByteKey(unit) {
                        case "g": u = .standardGravity
                        case "m/s2", "m/s^2", "m/s²", "ms2", "mps2": u = .metersPerSecondSquared
                        default: throw fail(lineNumber, k + 1, "unknown acceleration unit '\(unit)'; use g or m/s2")
                        }
                        if let given = accelUnit, given != u {
                            throw fail(lineNumber, k + 1, "the header says \(columnNames[k]) is in \(u.symbol) but \(k == 1 ? "the option" : "an earlier column") says \(given.symbol); use one unit for acceleration")
                        }
                        accelUnit = u
                    } else {
                        let u: RotationUnit
                        switch ByteKey(unit) {
                        case "rad/s", "rads", "rad": u = .radiansPerSecond
                        case "deg/s", "dps", "°/s": u = .degreesPerSecond
                        default: throw fail(lineNumber, k + 1, "unknown rotation unit '\(unit)'; use rad/s or deg/s")
                        }
                        if let given = gyroUnit, given != u {
                            throw fail(lineNumber, k + 1, "the header says \(columnNames[k]) is in \(u.symbol) but \(k == 4 ? "the option" : "an earlier column") says \(given.symbol); use one unit for rotation")
                        }
                        gyroUnit = u
                    }
                }
                columns = fields.count
                continue
            }
            guard fields.count == 4 || fields.count == 7 else {
                throw fail(lineNumber, min(fields.count, 7) + 1, "found \(fields.count) columns; expected 4 (t, ax, ay, az) or 7 (t, ax, ay, az, gx, gy, gz)")
            }
            columns = fields.count
        }
        if labelColumn {
            // The label is the last field: drop it, and judge the count against the header's.
            guard fields.count == columns + 1 else {
                throw fail(lineNumber, min(fields.count, columns + 1) + 1, "found \(fields.count) columns; the header names \(columns + 1) (the last one the activity label)")
            }
            fields.removeLast()
        }
        if fields.count < columns {
            throw fail(lineNumber, fields.count + 1, "missing column \(columnNames[fields.count]): found \(fields.count) of \(columns) columns; every row needs \(columns == 4 ? "t, ax, ay, az" : "t, ax, ay, az, gx, gy, gz")")
        }
        if fields.count > columns {
            throw fail(lineNumber, columns + 1, "extra column: found \(fields.count), expected \(columns) like the first row; remove it or add it everywhere")
        }
        var values = [Double](repeating: 0, count: columns)
        for k in 0..<columns {
            guard let v = parseNumber(fields[k]) else {
                let text = String(decoding: fields[k], as: UTF8.self)
                throw fail(lineNumber, k + 1, text.isEmpty ? "empty \(columnNames[k]); write a number" : "\(columnNames[k]) '\(text)' is not a number; use a plain decimal such as 9.81")
            }
            guard v.isFinite else { throw fail(lineNumber, k + 1, "\(columnNames[k]) is not finite; remove the row or fix the value") }
            values[k] = v
        }
        if !samples.isEmpty && values[0] <= lastTime {
            let unit = (timeUnit ?? .seconds).symbol
            throw fail(lineNumber, 1, "time \(values[0]) \(unit) is not after \(lastTime) \(unit) on line \(lastLine); sort the rows by time and remove duplicates")
        }
        lastTime = values[0]
        lastLine = lineNumber
        times.append(values[0])
        let aScale = (accelUnit ?? .metersPerSecondSquared) == .standardGravity ? standardGravity : 1
        var s = MotionSample(timestampNanoseconds: 0,
                             acceleration: SIMD3<Float>(Float(values[1] * aScale), Float(values[2] * aScale), Float(values[3] * aScale)))
        if columns == 7 {
            let gScale = (gyroUnit ?? .radiansPerSecond) == .degreesPerSecond ? 3.141592653589793 / 180 : 1
            s.rotationRate = SIMD3<Float>(Float(values[4] * gScale), Float(values[5] * gScale), Float(values[6] * gScale))
        }
        samples.append(s)
    }
    guard !samples.isEmpty else {
        throw fail(max(lineNumber, 1), 1, "no samples; the file needs rows of t, ax, ay, az[, gx, gy, gz]")
    }
    let tu = timeUnit ?? .seconds
    for i in 0..<samples.count {
        samples[i].timestampNanoseconds = Int64((times[i] * tu.nanosecondsPerUnit).rounded())
    }
    var steps: [Int64] = []
    for i in 1..<max(1, samples.count) { steps.append(samples[i].timestampNanoseconds - samples[i - 1].timestampNanoseconds) }
    heapSort(&steps)   // MuJoSystem/SmallSort.swift
    let median = steps.isEmpty ? 0 : steps[steps.count / 2]
    return CSVRecording(samples: samples, outputDataRate: median > 0 ? 1e9 / Double(median) : 0,
                        hasGyroscope: columns == 7, timeUnit: tu, accelerationUnit: accelUnit ?? .metersPerSecondSquared,
                        rotationUnit: gyroUnit ?? .radiansPerSecond)
}

/// Plays a CSV recording as a MotionSensor.
public final class CSVReplay<S: SystemCalls>: MotionSensor {
    public let system: S
    public let configuration: CSVReplayConfiguration
    public private(set) var recording: CSVRecording?
    public private(set) var statistics = SensorStatistics()
    private var next = 0
    private var clockStart: Int64 = 0

    public init(system: S, configuration: CSVReplayConfiguration) {
        self.system = system
        self.configuration = configuration
    }

    public var outputDataRate: Double { recording?.outputDataRate ?? 0 }
    public var hasGyroscope: Bool { recording?.hasGyroscope ?? false }

    public func start() throws(SensorError) {
        let bytes: [UInt8]
        do { bytes = try system.readBytes(configuration.path) } catch {
            throw .cannotOpen(path: configuration.path, errno: error)
        }
        recording = try parseMotionCSV(bytes, path: configuration.path, configuration: configuration)
        next = 0
        clockStart = system.monotonicNanoseconds()
    }

    public func read(into events: inout [SensorEvent]) throws(SensorError) {
        guard let r = recording else { throw .unsupportedSetting("CSVReplay.read called before start(); call start() first") }
        let t0 = r.samples[0].timestampNanoseconds
        let period = r.outputDataRate > 0 ? Int64(1e9 / r.outputDataRate) : 0
        var handed = 0
        while next < r.samples.count {
            let s = r.samples[next]
            if configuration.realTime {
                if s.timestampNanoseconds - t0 > system.monotonicNanoseconds() - clockStart { break }
            } else if handed >= 256 { break }
            if next > 0, period > 0 {
                let prev = r.samples[next - 1].timestampNanoseconds
                let dt = s.timestampNanoseconds - prev
                if dt > period * 3 / 2 {
                    let lost = max(0, Int((Double(dt) / Double(period)).rounded()) - 1)
                    events.append(.gap(SensorGap(reason: .timestampJump, startNanoseconds: prev, endNanoseconds: s.timestampNanoseconds, estimatedLostSamples: lost)))
                    statistics.gaps += 1
                }
            }
            events.append(.sample(s))
            statistics.samplesDelivered += 1
            next += 1
            handed += 1
        }
    }

    public func waitForData() throws(SensorError) -> Bool {
        guard let r = recording, next < r.samples.count else { return false }
        if configuration.realTime {
            let due = r.samples[next].timestampNanoseconds - r.samples[0].timestampNanoseconds + clockStart
            system.sleep(nanoseconds: max(0, due - system.monotonicNanoseconds()))
        }
        return true
    }

    public func stop() {}
}
