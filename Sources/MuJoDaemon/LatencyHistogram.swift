// Per-window latency percentiles without storing every window: a fixed histogram of 10 µs bins
// up to 100 ms (one overflow bin beyond), allocated once. p50/p99 are bin upper edges (never above the
// maximum seen), so they are exact to 10 µs.

public struct LatencyHistogram {
    public static let binMicroseconds = 10
    public static let bins = 10_000
    private var counts: [UInt32]
    public private(set) var count = 0
    public private(set) var maximumMicroseconds = 0

    public init() { counts = [UInt32](repeating: 0, count: LatencyHistogram.bins + 1) }

    public mutating func add(nanoseconds: Int64) {
        let us = Int(max(nanoseconds, 0) / 1000)
        counts[min(us / LatencyHistogram.binMicroseconds, LatencyHistogram.bins)] &+= 1
        count += 1
        maximumMicroseconds = max(maximumMicroseconds, us)
    }

    /// The latency (µs) under which a fraction `q` of windows fell; 0 with no windows.
    public func percentile(_ q: Double) -> Int {
        guard count > 0 else { return 0 }
        let rank = max(1, Int((q * Double(count)).rounded(.up)))
        var seen = 0
        for (i, c) in counts.enumerated() {
            seen += Int(c)
            if seen >= rank { return i == LatencyHistogram.bins ? maximumMicroseconds : min((i + 1) * LatencyHistogram.binMicroseconds, maximumMicroseconds) }
        }
        return maximumMicroseconds
    }
}
