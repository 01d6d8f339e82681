// Timestamps for samples that arrive in a burst without their own time (an I²C chip's FIFO, an
// IIO buffer with no timestamp channel): the burst is anchored at the read time, one period per
// sample back from it, and each sample's time moves from the expected one (last + period) only
// 1/16 of the way toward its anchor. That first-order filter (time constant 16 samples) averages
// out read-time jitter while following the drift between the chip's oscillator and the host clock.

enum FIFOTimestamps {
    /// The filter's divisor: a 16-sample time constant.
    static let smoothingSamples: Int64 = 16

    /// The time of sample `index` of a burst of `count` read at `readTime`, after a sample at
    /// `last` (nil: the first sample since a start or a gap, which gets its anchor, no earlier than
    /// `floor`). Never later than the read time, always after `last`.
    static func next(after last: Int64?, index: Int, count: Int, readTime: Int64, period: Int64, floor: Int64 = .min) -> Int64 {
        let anchored = readTime - Int64(count - 1 - index) * period
        guard let last else { return max(anchored, floor) }
        let expected = last + period
        var t = expected + (anchored - expected) / smoothingSamples
        if t > readTime { t = readTime }
        if t <= last { t = last + 1 }
        return t
    }
}
