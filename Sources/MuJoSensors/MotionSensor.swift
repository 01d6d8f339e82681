// The sensor interface every source implements: I²C FIFO drivers, the IIO reader, CSV replay.
//
// Public API:
//   protocol MotionSensor   start / read(into:) / waitForData / stop, outputDataRate, statistics.
//   struct MotionSample     timestamp (ns, monotonic clock), acceleration m/s², rotation rad/s?.
//   enum SensorEvent        .sample(MotionSample) or .gap(SensorGap) — samples are never invented;
//                           when data were lost (FIFO overflow, device reopened, kernel overrun,
//                           FIFO stall) the stream carries a gap event instead.
//   struct SensorGap        reason, the time span, and the estimated number of samples lost.
//   struct SensorStatistics counters (samples, gaps, retries, reopens, FIFO resets).
//   func capture(_:for:into:) drives any sensor for a duration (tests, CLI recording).
//
// Units: acceleration in m/s² (gravity included), rotation rate in rad/s, time in nanoseconds
// of the clock returned by the sensor's `SystemCalls.monotonicNanoseconds()` (IIO kernel
// timestamps use CLOCK_MONOTONIC when the driver allows `current_timestamp_clock`).

/// Standard gravity, m/s² per g.
public let standardGravity: Double = 9.80665

/// One timestamped measurement.
public struct MotionSample: Equatable {
    /// Nanoseconds on the sensor's monotonic clock (estimated for I²C FIFOs, kernel's for IIO).
    public var timestampNanoseconds: Int64
    /// Acceleration in m/s², gravity included, in the chip's axes.
    public var acceleration: SIMD3<Float>
    /// Rotation rate in rad/s when the source has a gyroscope and it is enabled.
    public var rotationRate: SIMD3<Float>?

    public init(timestampNanoseconds: Int64, acceleration: SIMD3<Float>, rotationRate: SIMD3<Float>? = nil) {
        self.timestampNanoseconds = timestampNanoseconds
        self.acceleration = acceleration
        self.rotationRate = rotationRate
    }
}

/// Why samples are missing.
public enum GapReason: Equatable {
    /// The chip's FIFO overflowed before it was read; the FIFO was reset.
    case fifoOverflow
    /// The FIFO count stopped advancing (stuck count register or a silent chip reset); the chip
    /// was re-initialised.
    case fifoStalled
    /// The device stopped answering (NACK/EIO beyond the retries, or the bus vanished); it was
    /// reopened and re-initialised.
    case deviceReopened
    /// Kernel timestamps (IIO) or recording timestamps jumped by more than 1.5 sample periods.
    case timestampJump
    /// Reading failed and data were discarded (e.g. a partial IIO record after an error).
    case readError

    public var name: String {
        switch self {
        case .fifoOverflow: return "fifo-overflow"
        case .fifoStalled: return "fifo-stalled"
        case .deviceReopened: return "device-reopened"
        case .timestampJump: return "timestamp-jump"
        case .readError: return "read-error"
        }
    }
}

/// A span of time in which samples were lost.
public struct SensorGap: Equatable {
    public var reason: GapReason
    /// Timestamp of the last sample delivered before the gap; when none came since sampling
    /// (re)started, the time it did — the previous gap's end, or the start. Consecutive gaps abut.
    public var startNanoseconds: Int64
    /// Time at which sampling resumed (the next delivered sample is at or after this time).
    public var endNanoseconds: Int64
    /// Samples estimated lost: (end − start) / period, rounded, less the sample at `start` when
    /// there was one; never negative.
    public var estimatedLostSamples: Int

    public init(reason: GapReason, startNanoseconds: Int64, endNanoseconds: Int64, estimatedLostSamples: Int) {
        self.reason = reason
        self.startNanoseconds = startNanoseconds
        self.endNanoseconds = endNanoseconds
        self.estimatedLostSamples = estimatedLostSamples
    }
}

/// What a sensor delivers.
public enum SensorEvent: Equatable {
    case sample(MotionSample)
    case gap(SensorGap)

    public var sample: MotionSample? { if case .sample(let s) = self { return s } else { return nil } }
    public var gap: SensorGap? { if case .gap(let g) = self { return g } else { return nil } }
}

/// Counters kept by every sensor.
public struct SensorStatistics: Equatable {
    public var samplesDelivered = 0
    public var gaps = 0
    /// I²C transactions retried after EIO / NACK / timeout.
    public var retries = 0
    /// Successful reopen + re-initialisation cycles.
    public var reopens = 0
    /// FIFO resets (after overflow or stall).
    public var fifoResets = 0
    /// Bus transactions (I²C) or read() calls (IIO).
    public var transactions = 0
    public init() {}
}

/// A source of motion samples. Implementations are generic over `SystemCalls`.
public protocol MotionSensor {
    /// The output data rate the device actually runs at, in Hz (e.g. 104 for an LSM6 asked for
    /// 100, the IIO `sampling_frequency` read back, or the recording's median rate).
    var outputDataRate: Double { get }
    /// True when samples carry `rotationRate`.
    var hasGyroscope: Bool { get }
    /// Counters since `start()`.
    var statistics: SensorStatistics { get }
    /// Configures the device and starts sampling.
    mutating func start() throws(SensorError)
    /// Appends every sample (and gap) available now, without blocking for new data.
    mutating func read(into events: inout [SensorEvent]) throws(SensorError)
    /// Blocks until data are expected (sleeps a poll interval, or polls the IIO descriptor).
    /// Returns false when the source is exhausted (end of a recording).
    mutating func waitForData() throws(SensorError) -> Bool
    /// Stops sampling and releases descriptors.
    mutating func stop()
}

/// Runs `sensor` until `durationNanoseconds` of its clock have passed (or the source ends),
/// handing every event to `handle`. `clock` is the sensor's own `SystemCalls`.
public func capture<Sensor: MotionSensor, S: SystemCalls>(
    _ sensor: inout Sensor, clock: S, durationNanoseconds: Int64, _ handle: (SensorEvent) -> Void
) throws(SensorError) {
    let end = clock.monotonicNanoseconds() + durationNanoseconds
    var events: [SensorEvent] = []
    events.reserveCapacity(256)
    while clock.monotonicNanoseconds() < end {
        guard try sensor.waitForData() else { break }
        events.removeAll(keepingCapacity: true)
        try sensor.read(into: &events)
        for e in events { handle(e) }
    }
}
