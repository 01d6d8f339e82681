// The motion CSV format: `t, ax, ay, az[, gx, gy, gz]` — its units, the replay's configuration,
// a parsed recording, and the limits the parser and the replay share.
//
// Public API:
//   enum TimeUnit / AccelerationUnit / RotationUnit   s|ms|us|ns, m/s²|g, rad/s|deg/s.
//                                   TimeUnit(unitName:) reads `s`, `ms`, `us`, `ns` (bytes).
//   struct CSVReplayConfiguration   path (`-`: standard input); units (nil = from the header,
//                                   else s, m/s², rad/s); realTime pacing through the SystemCalls clock.
//   struct CSVRecording             samples (ns, m/s², rad/s), rate, units used.
//   csvRateRows, csvMaximumLineLength, csvPlausibleRateHz
//
// Format: optional header line (first field not a number), e.g. `t[s],ax[g],ay[g],az[g]` or
// `time_ms,ax_m/s2,…,gx_deg/s,…`; a unit given in the header and a different one in the
// configuration is an error. `#` comment lines and blank lines are skipped; CRLF is fine. A last
// header column named `activity` or `label` (text, e.g. the true activity) is ignored.
// Times: integer times (digits, optional sign) are exact in Int64 nanoseconds (a Unix time in ns
// does not fit a Double's 53 bits); fractional ones go through Double; a time beyond ±2^63 ns is
// refused. The rate (`outputDataRate`) is 1e9 / the median step of the first 256 rows, known at
// start(); a median outside 0.5 Hz … 10 kHz is refused with the unit the times look like.
// Errors after those rows are found while streaming and thrown from read(), after every sample
// before them was handed out.
// Every error names the file, 1-based line and column, what was wrong and what to do.
// Text is compared as bytes (no String ==), which keeps Unicode tables out of Embedded builds.
import CMuJoSystem

public enum TimeUnit: Equatable { case seconds, milliseconds, microseconds, nanoseconds
    var nanosecondsPerUnit: Double {
        switch self { case .seconds: return 1e9; case .milliseconds: return 1e6; case .microseconds: return 1e3; case .nanoseconds: return 1 }
    }
    var nanosecondsPerUnitExact: Int64 {
        switch self { case .seconds: return 1_000_000_000; case .milliseconds: return 1_000_000; case .microseconds: return 1_000; case .nanoseconds: return 1 }
    }
    public var symbol: String {
        switch self { case .seconds: return "s"; case .milliseconds: return "ms"; case .microseconds: return "us"; case .nanoseconds: return "ns" }
    }
    /// `s` (`sec`, `seconds`), `ms`, `us` (`µs`) or `ns`, lowercase, as bytes (a header's unit or a flag).
    public init?(unitName u: [UInt8]) {
        if bytesEqual(u, "s") || bytesEqual(u, "sec") || bytesEqual(u, "seconds") { self = .seconds }
        else if bytesEqual(u, "ms") { self = .milliseconds }
        else if bytesEqual(u, "us") || bytesEqual(u, "µs") { self = .microseconds }
        else if bytesEqual(u, "ns") { self = .nanoseconds }
        else { return nil }
    }
    static let all: [TimeUnit] = [.seconds, .milliseconds, .microseconds, .nanoseconds]
}
public enum AccelerationUnit: Equatable { case metersPerSecondSquared, standardGravity
    public var symbol: String { self == .standardGravity ? "g" : "m/s²" }
}
public enum RotationUnit: Equatable { case radiansPerSecond, degreesPerSecond
    public var symbol: String { self == .degreesPerSecond ? "deg/s" : "rad/s" }
}

public struct CSVReplayConfiguration {
    /// The recording; `-` reads standard input (descriptor 0).
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

    /// The name errors use: the path, or `stdin` for `-`.
    public var displayName: String { isStandardInput ? "stdin" : path }
    var isStandardInput: Bool { bytesEqual(Array(path.utf8), "-") }
}

/// A parsed recording.
public struct CSVRecording {
    public var samples: [MotionSample]
    /// 1e9 / the median time step of the first `csvRateRows` rows (as CSVReplay computes it).
    public var outputDataRate: Double
    public var hasGyroscope: Bool
    public var timeUnit: TimeUnit
    public var accelerationUnit: AccelerationUnit
    public var rotationUnit: RotationUnit
}

/// Rows read ahead at start() whose median step is the rate.
public let csvRateRows = 256
/// The longest line accepted, in bytes without the newline.
public let csvMaximumLineLength = 4096
/// The plausible rates after the time unit is applied.
public let csvPlausibleRateHz: ClosedRange<Double> = 0.5...10_000


/// True when `bytes` spell `text` exactly (bytes, no Unicode processing).
func bytesEqual<C: Collection>(_ bytes: C, _ text: StaticString) -> Bool where C.Element == UInt8 {
    guard bytes.count == text.utf8CodeUnitCount else { return false }
    let p = text.utf8Start
    var i = 0
    for b in bytes {
        if b != p[i] { return false }
        i += 1
    }
    return true
}
