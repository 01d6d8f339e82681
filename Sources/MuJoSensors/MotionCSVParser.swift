// The motion CSV line parser (the format: CSVFormat.swift), shared by the streaming replay and
// `parseMotionCSV`: header, units, columns, exact integer times, order; one line in, one sample out.
//
// Public API:
//   struct MotionCSVParser          init(path:configuration:), parse(line:), checkRate(…).
//   func parseMotionCSV(_:path:configuration:) throws(SensorError) -> CSVRecording
//                                   whole bytes in memory (tools, tests), on the same parser; not
//                                   compiled into Embedded builds (nothing on the board uses it).
// Every error names the file, 1-based line and column, what was wrong and what to do.
// Text is compared as bytes (no String ==), which keeps Unicode tables out of Embedded builds.
import CMuJoSystem

private let columnNames = ["t", "ax", "ay", "az", "gx", "gy", "gz"]

@inline(__always) private func isBlank(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 }

/// The line parser shared by the streaming replay and `parseMotionCSV`: the header and its units,
/// the column count, each row's numbers, exact integer times and their order.
public struct MotionCSVParser {
    /// The name errors carry.
    public let path: String
    /// From the configuration or the header (nil until one says: seconds).
    public private(set) var timeUnit: TimeUnit?
    public private(set) var accelerationUnit: AccelerationUnit?
    public private(set) var rotationUnit: RotationUnit?
    /// Where the time unit came from: the option, the header, or neither (seconds).
    var timeUnitFromOption: Bool
    var timeUnitFromHeader = false
    /// 4 or 7 once the header or the first row is read.
    public private(set) var columns = 0
    /// Lines seen so far (1-based number of the last one).
    public private(set) var lineNumber = 0
    /// The line of the last sample.
    public private(set) var lastSampleLine = 0
    private var sawHeader = false
    /// A last header column named `activity` or `label` holds text (a truth label) and is ignored.
    private var labelColumn = false
    private var haveSample = false
    private var lastTime: Int64 = 0
    private var lastText: String = ""
    private var starts: [Int] = []
    private var ends: [Int] = []
    private var scratch: [CChar] = [CChar](repeating: 0, count: 64)

    public init(path: String, configuration: CSVReplayConfiguration) {
        self.path = path
        timeUnit = configuration.timeUnit
        accelerationUnit = configuration.accelerationUnit
        rotationUnit = configuration.rotationUnit
        timeUnitFromOption = configuration.timeUnit != nil
        starts.reserveCapacity(16)
        ends.reserveCapacity(16)
    }

    public var resolvedTimeUnit: TimeUnit { timeUnit ?? .seconds }

    private func fail(_ line: Int, _ column: Int, _ problem: String) -> SensorError {
        .csv(path: path, line: line, column: column, problem: problem)
    }

    /// Counts a line longer than `csvMaximumLineLength` and returns its error.
    @inline(never)
    public mutating func refuseLongLine() -> SensorError {
        lineNumber += 1
        return fail(lineNumber, 1, "line is longer than \(csvMaximumLineLength) bytes; a row is t, ax, ay, az[, gx, gy, gz][, label] — check this is a CSV recording with one sample per line")
    }

    /// The error for a file without a sample.
    public func noSamples() -> SensorError {
        fail(max(lineNumber, 1), 1, "no samples; the file needs rows of t, ax, ay, az[, gx, gy, gz]")
    }

    private func text(_ line: UnsafeBufferPointer<UInt8>, _ k: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: line[starts[k]..<ends[k]]), as: UTF8.self)
    }

    /// Field `k` lowercased (ASCII) as bytes.
    private func lowercased(_ line: UnsafeBufferPointer<UInt8>, _ k: Int) -> [UInt8] {
        var out: [UInt8] = []
        for i in starts[k]..<ends[k] { let b = line[i]; out.append(b >= 65 && b <= 90 ? b + 32 : b) }
        return out
    }

    /// The unit part of a header name: after '[', '(' or the first '_', up to ']' or ')'.
    private func unitOf(_ name: [UInt8]) -> [UInt8] {
        var u: [UInt8] = []
        var started = false
        for c in name {
            if !started {
                if c == 91 || c == 40 || c == 95 { started = true }
                continue
            }
            if c == 93 || c == 41 { break }
            u.append(c)
        }
        return u
    }

    /// strtod on field `k` (C locale), nil when it is not a number.
    private mutating func number(_ line: UnsafeBufferPointer<UInt8>, _ k: Int) -> Double? {
        let n = ends[k] - starts[k]
        if n == 0 { return nil }
        if scratch.count < n + 1 { scratch = [CChar](repeating: 0, count: n + 1) }
        var j = 0
        for i in starts[k]..<ends[k] { scratch[j] = CChar(bitPattern: line[i]); j += 1 }
        scratch[n] = 0
        var ok: Int32 = 0
        let v = scratch.withUnsafeBufferPointer { mujo_parse_double($0.baseAddress, &ok) }
        return ok != 0 ? v : nil
    }

    private enum IntegerField { case notInteger, value(Int64), overflow }

    /// Field `k` as an integer when it is only an optional sign and digits.
    private func integer(_ line: UnsafeBufferPointer<UInt8>, _ k: Int) -> IntegerField {
        var i = starts[k]
        let end = ends[k]
        var negative = false
        if i < end && (line[i] == 45 || line[i] == 43) { negative = line[i] == 45; i += 1 }
        if i == end { return .notInteger }
        var v: Int64 = 0
        var overflow = false
        while i < end {
            let c = line[i]
            guard c >= 48 && c <= 57 else { return .notInteger }
            let m = v.multipliedReportingOverflow(by: 10)
            let d = Int64(c - 48)
            let a = negative ? m.partialValue.subtractingReportingOverflow(d) : m.partialValue.addingReportingOverflow(d)
            if m.overflow || a.overflow { overflow = true }
            v = a.partialValue
            i += 1
        }
        return overflow ? .overflow : .value(v)
    }

    @inline(never)
    private func overflowError(_ line: UnsafeBufferPointer<UInt8>) -> SensorError {
        fail(lineNumber, 1, "time '\(text(line, 0))' \(resolvedTimeUnit.symbol) is beyond 64-bit nanoseconds (±9.2e18 ns, about ±292 years); "
             + "if the times are in another unit say so with --time-unit s|ms|us|ns or a header such as t[ms],ax,ay,az, or subtract the start time")
    }

    /// Parses one line (without its '\n'). Returns the sample, or nil for the header, a comment or
    /// a blank line.
    @inline(never)
    public mutating func parse(line: UnsafeBufferPointer<UInt8>) throws(SensorError) -> MotionSample? {
        lineNumber += 1
        var lo = 0, hi = line.count
        while lo < hi && isBlank(line[lo]) { lo += 1 }
        while hi > lo && isBlank(line[hi - 1]) { hi -= 1 }
        if lo == hi || line[lo] == 35 { return nil }   // blank or '#'
        // Split on commas, each field trimmed.
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        var fs = lo
        var i = lo
        while i <= hi {
            if i == hi || line[i] == 44 {
                var a = fs, b = i
                while a < b && isBlank(line[a]) { a += 1 }
                while b > a && isBlank(line[b - 1]) { b -= 1 }
                starts.append(a); ends.append(b)
                fs = i + 1
            }
            i += 1
        }
        var count = starts.count

        if columns == 0 {
            // First meaningful line: header or first data row.
            if number(line, 0) == nil && !sawHeader {
                sawHeader = true
                let lastName = lowercased(line, count - 1)
                if count > 1 && (bytesEqual(lastName, "activity") || bytesEqual(lastName, "label")) {
                    labelColumn = true
                    count -= 1
                }
                guard count == 4 || count == 7 else {
                    throw fail(lineNumber, min(count, 7) + 1, "header has \(count) columns; expected 4 (t, ax, ay, az) or 7 (t, ax, ay, az, gx, gy, gz)")
                }
                for k in 0..<count {
                    let unit = unitOf(lowercased(line, k))
                    if unit.isEmpty { continue }
                    let unitText = String(decoding: unit, as: UTF8.self)
                    if k == 0 {
                        guard let u = TimeUnit(unitName: unit) else {
                            throw fail(lineNumber, 1, "unknown time unit '\(unitText)'; use s, ms, us or ns")
                        }
                        if let given = timeUnit, given != u {
                            throw fail(lineNumber, 1, "the header says time is in \(u.symbol) but the option says \(given.symbol); drop the option or fix the header")
                        }
                        timeUnit = u
                        timeUnitFromHeader = true
                    } else if k <= 3 {
                        let u: AccelerationUnit
                        if bytesEqual(unit, "g") { u = .standardGravity }
                        else if bytesEqual(unit, "m/s2") || bytesEqual(unit, "m/s^2") || bytesEqual(unit, "m/s²")
                                    || bytesEqual(unit, "ms2") || bytesEqual(unit, "mps2") { u = .metersPerSecondSquared }
                        else { throw fail(lineNumber, k + 1, "unknown acceleration unit '\(unitText)'; use g or m/s2") }
                        if let given = accelerationUnit, given != u {
                            throw fail(lineNumber, k + 1, "the header says \(columnNames[k]) is in \(u.symbol) but \(k == 1 ? "the option" : "an earlier column") says \(given.symbol); use one unit for acceleration")
                        }
                        accelerationUnit = u
                    } else {
                        let u: RotationUnit
                        if bytesEqual(unit, "rad/s") || bytesEqual(unit, "rads") || bytesEqual(unit, "rad") { u = .radiansPerSecond }
                        else if bytesEqual(unit, "deg/s") || bytesEqual(unit, "dps") || bytesEqual(unit, "°/s") { u = .degreesPerSecond }
                        else { throw fail(lineNumber, k + 1, "unknown rotation unit '\(unitText)'; use rad/s or deg/s") }
                        if let given = rotationUnit, given != u {
                            throw fail(lineNumber, k + 1, "the header says \(columnNames[k]) is in \(u.symbol) but \(k == 4 ? "the option" : "an earlier column") says \(given.symbol); use one unit for rotation")
                        }
                        rotationUnit = u
                    }
                }
                columns = count
                return nil
            }
            guard count == 4 || count == 7 else {
                throw fail(lineNumber, min(count, 7) + 1, "found \(count) columns; expected 4 (t, ax, ay, az) or 7 (t, ax, ay, az, gx, gy, gz)")
            }
            columns = count
        }
        if labelColumn {
            // The label is the last field: drop it, and judge the count against the header's.
            guard count == columns + 1 else {
                throw fail(lineNumber, min(count, columns + 1) + 1, "found \(count) columns; the header names \(columns + 1) (the last one the activity label)")
            }
            count -= 1
        }
        if count < columns {
            throw fail(lineNumber, count + 1, "missing column \(columnNames[count]): found \(count) of \(columns) columns; every row needs \(columns == 4 ? "t, ax, ay, az" : "t, ax, ay, az, gx, gy, gz")")
        }
        if count > columns {
            throw fail(lineNumber, columns + 1, "extra column: found \(count), expected \(columns) like the first row; remove it or add it everywhere")
        }
        var values: (Double, Double, Double, Double, Double, Double, Double) = (0, 0, 0, 0, 0, 0, 0)
        for k in 0..<columns {
            guard let v = number(line, k) else {
                let t = text(line, k)
                throw fail(lineNumber, k + 1, t.isEmpty ? "empty \(columnNames[k]); write a number" : "\(columnNames[k]) '\(t)' is not a number; use a plain decimal such as 9.81")
            }
            guard v.isFinite else { throw fail(lineNumber, k + 1, "\(columnNames[k]) is not finite; remove the row or fix the value") }
            switch k {
            case 0: values.0 = v
            case 1: values.1 = v
            case 2: values.2 = v
            case 3: values.3 = v
            case 4: values.4 = v
            case 5: values.5 = v
            default: values.6 = v
            }
        }
        // The time in nanoseconds: integers exactly, fractions through Double.
        let unit = resolvedTimeUnit
        let time: Int64
        let timeText: String
        switch integer(line, 0) {
        case .overflow: throw overflowError(line)
        case .value(let ticks):
            let p = ticks.multipliedReportingOverflow(by: unit.nanosecondsPerUnitExact)
            if p.overflow { throw overflowError(line) }
            time = p.partialValue
            // Doubles print exactly up to 2^53; beyond, the integer itself.
            timeText = ticks.magnitude < (1 << 53) ? "\(Double(ticks))" : "\(ticks)"
        case .notInteger:
            let ns = values.0 * unit.nanosecondsPerUnit
            guard ns > -9.223372036854775e18 && ns < 9.223372036854775e18 else { throw overflowError(line) }
            time = Int64(ns.rounded())
            timeText = "\(values.0)"
        }
        if haveSample && time <= lastTime {
            throw fail(lineNumber, 1, "time \(timeText) \(unit.symbol) is not after \(lastText) \(unit.symbol) on line \(lastSampleLine); sort the rows by time and remove duplicates")
        }
        haveSample = true
        lastTime = time
        lastText = timeText
        lastSampleLine = lineNumber
        let aScale = (accelerationUnit ?? .metersPerSecondSquared) == .standardGravity ? standardGravity : 1
        var s = MotionSample(timestampNanoseconds: time,
                             acceleration: SIMD3<Float>(Float(values.1 * aScale), Float(values.2 * aScale), Float(values.3 * aScale)))
        if columns == 7 {
            let gScale = (rotationUnit ?? .radiansPerSecond) == .degreesPerSecond ? 3.141592653589793 / 180 : 1
            s.rotationRate = SIMD3<Float>(Float(values.4 * gScale), Float(values.5 * gScale), Float(values.6 * gScale))
        }
        return s
    }

    /// The median step of `samples` (sorted steps, the upper middle one); 0 for fewer than two.
    static func medianStep(_ samples: ArraySlice<MotionSample>) -> Int64 {
        guard samples.count > 1 else { return 0 }
        var steps: [Int64] = []
        steps.reserveCapacity(samples.count - 1)
        var i = samples.startIndex + 1
        while i < samples.endIndex { steps.append(samples[i].timestampNanoseconds - samples[i - 1].timestampNanoseconds); i += 1 }
        steps.sort()
        return steps[steps.count / 2]
    }

    /// Refuses a median step whose rate is outside `csvPlausibleRateHz`, naming the unit the
    /// times look like and how to say so. `rows`: how many rows the median covers.
    @inline(never)
    public func checkRate(medianStepNanoseconds median: Int64, rows: Int) throws(SensorError) {
        guard median > 0 else { return }
        let hz = 1e9 / Double(median)
        if csvPlausibleRateHz.contains(hz) { return }
        let unit = resolvedTimeUnit
        let rawStep = Double(median) / unit.nanosecondsPerUnit
        // The unit whose rate is plausible and nearest 50 Hz (a typical IMU), if any.
        var likely: TimeUnit? = nil
        var best = Double.infinity
        for u in TimeUnit.all {
            let r = 1e9 / (rawStep * u.nanosecondsPerUnit)
            guard csvPlausibleRateHz.contains(r) else { continue }
            let distance = r > 50 ? r / 50 : 50 / r
            if distance < best { best = distance; likely = u }
        }
        let source = timeUnitFromOption ? "--time-unit \(unit.symbol)" : timeUnitFromHeader ? "the header's t[\(unit.symbol)]" : "no unit given, so seconds"
        var problem = "the median time step of the first \(rows) rows is \(rawStep) \(unit.symbol) (\(source)) = \(TextFormat.fixed(hz, hz < 0.001 ? 9 : 3)) Hz, "
            + "outside the plausible \(TextFormat.fixed(csvPlausibleRateHz.lowerBound, 1)) Hz … \(TextFormat.fixed(csvPlausibleRateHz.upperBound / 1000, 0)) kHz; "
        if let likely {
            let r = 1e9 / (rawStep * likely.nanosecondsPerUnit)
            problem += "the times look like \(likely.symbol) (\(TextFormat.fixed(r, 1)) Hz): pass --time-unit \(likely.symbol) or name the unit in the header, e.g. t[\(likely.symbol)],ax,ay,az"
        } else {
            problem += "no time unit gives a plausible rate; check the t column holds the sample times"
        }
        throw fail(lastSampleLine, 1, problem)
    }
}

#if !hasFeature(Embedded)
/// Parses a whole CSV held in memory (tools, tests) with the parser CSVReplay streams through.
/// Errors carry `path`, the line and the column.
public func parseMotionCSV(_ bytes: [UInt8], path: String, configuration: CSVReplayConfiguration) throws(SensorError) -> CSVRecording {
    var parser = MotionCSVParser(path: path, configuration: configuration)
    var samples: [MotionSample] = []
    var rateParser: MotionCSVParser? = nil
    try bytes.withUnsafeBufferPointer { (all) throws(SensorError) -> Void in
        var start = 0
        while start < all.count {
            var end = start
            while end < all.count && all[end] != 10 { end += 1 }
            if end - start > csvMaximumLineLength { throw parser.refuseLongLine() }
            if let s = try parser.parse(line: UnsafeBufferPointer(rebasing: all[start..<end])) {
                samples.append(s)
                if samples.count == csvRateRows { rateParser = parser }
            }
            start = end + 1
        }
    }
    guard !samples.isEmpty else { throw parser.noSamples() }
    let rows = min(samples.count, csvRateRows)
    let median = MotionCSVParser.medianStep(samples[0..<rows])
    try (rateParser ?? parser).checkRate(medianStepNanoseconds: median, rows: rows)
    return CSVRecording(samples: samples, outputDataRate: median > 0 ? 1e9 / Double(median) : 0,
                        hasGyroscope: parser.columns == 7, timeUnit: parser.resolvedTimeUnit,
                        accelerationUnit: parser.accelerationUnit ?? .metersPerSecondSquared,
                        rotationUnit: parser.rotationUnit ?? .radiansPerSecond)
}
#endif
