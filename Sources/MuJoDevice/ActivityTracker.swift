// From windows to activities: smoothing, hysteresis and "unknown".
//
//   every window: label cosines ─▶ mean over the last `smooth` windows ─▶ candidate
//                 candidate = best label, or unknown when its mean cosine is under the label's
//                 threshold or under `minScore`, or leads the runner-up by less than `minMargin`
//   the activity changes only when one candidate has won `hold` windows in a row.
//
// Spans are contiguous on the sensor clock: a span runs from the middle of its first window to
// the middle of the first window of the next span (or the end of the last window when the
// stream stops or a gap interrupts it). Buffers are allocated at init; nothing per window.

public struct ActivityTrackerSettings: Equatable {
    /// Windows averaged (1: none).
    public var smooth: Int
    /// Windows a new candidate must win in a row before the activity changes (1: at once).
    public var hold: Int
    public var minScore: Float
    public var minMargin: Float
    public init(smooth: Int = 3, hold: Int = 2, minScore: Float = 0, minMargin: Float = 0) {
        self.smooth = max(smooth, 1)
        self.hold = max(hold, 1)
        self.minScore = minScore
        self.minMargin = minMargin
    }
}

/// One closed activity: a label, or unknown (`label` nil).
public struct ActivitySpan: Equatable {
    public var label: Int?
    public var startNanoseconds: Int64
    public var endNanoseconds: Int64
    /// Mean smoothed cosine of the label over the span's windows (unknown: of the best label).
    public var meanScore: Float
    public var windows: Int
}

public struct ActivityTracker {
    public let settings: ActivityTrackerSettings
    private let labelCount: Int
    private let thresholds: [Float]
    /// Ring of the last `smooth` windows' cosines, [smooth × labels], and their running sum.
    private var ring: [Float]
    private var sums: [Float]
    private var filled = 0
    private var next = 0

    private var current: (label: Int?, start: Int64, scoreSum: Float, windows: Int)? = nil
    private var pending: (label: Int?, start: Int64, scoreSum: Float, windows: Int, currentScoreSum: Float)? = nil
    private var lastEnd: Int64 = 0

    public init(thresholds: [Float], settings: ActivityTrackerSettings) {
        self.settings = settings
        labelCount = thresholds.count
        self.thresholds = thresholds
        ring = [Float](repeating: 0, count: settings.smooth * max(thresholds.count, 1))
        sums = [Float](repeating: 0, count: max(thresholds.count, 1))
    }

    /// The smoothed decision of the last window: the candidate label (nil: unknown) and its score.
    public private(set) var lastCandidate: (label: Int?, score: Float) = (nil, 0)

    /// Adds one window's cosines (label order, thresholds not applied). Returns the span that
    /// this window closed, if the activity changed.
    public mutating func add(cosines: UnsafeBufferPointer<Float>, startNanoseconds: Int64, endNanoseconds: Int64) -> ActivitySpan? {
        let n = labelCount
        guard n > 0 else { return nil }
        // Running mean over the last `smooth` windows.
        let slot = next * n
        if filled == settings.smooth { for i in 0..<n { sums[i] -= ring[slot + i] } } else { filled += 1 }
        for i in 0..<n { ring[slot + i] = cosines[i]; sums[i] += cosines[i] }
        next = (next + 1) % settings.smooth
        var best = 0, second = -1
        for i in 1..<n {
            if sums[i] > sums[best] { second = best; best = i } else if second < 0 || sums[i] > sums[second] { second = i }
        }
        let scale = 1 / Float(filled)
        let bestScore = sums[best] * scale
        let margin = second >= 0 ? bestScore - sums[second] * scale : Float.infinity
        let known = bestScore >= thresholds[best] && bestScore >= settings.minScore && margin >= settings.minMargin
        let candidate: Int? = known ? best : nil
        lastCandidate = (candidate, bestScore)
        let middle = startNanoseconds + (endNanoseconds - startNanoseconds) / 2
        lastEnd = endNanoseconds

        guard let open = current else {
            current = (candidate, middle, bestScore, 1)
            return nil
        }
        let currentScore = open.label.map { sums[$0] * scale } ?? bestScore
        if candidate == open.label {
            // The current activity wins again: a pending change is forgotten, its windows stay here.
            if let p = pending { current!.scoreSum += p.currentScoreSum; current!.windows += p.windows; pending = nil }
            current!.scoreSum += currentScore
            current!.windows += 1
            return nil
        }
        if pending == nil || pending!.label != candidate {
            if let p = pending { current!.scoreSum += p.currentScoreSum; current!.windows += p.windows }
            pending = (candidate, middle, 0, 0, 0)
        }
        pending!.scoreSum += bestScore
        pending!.windows += 1
        pending!.currentScoreSum += currentScore
        guard pending!.windows >= settings.hold else { return nil }
        let p = pending!
        let closed = ActivitySpan(label: open.label, startNanoseconds: open.start, endNanoseconds: p.start,
                                  meanScore: open.scoreSum / Float(max(open.windows, 1)), windows: open.windows)
        current = (p.label, p.start, p.scoreSum, p.windows)
        pending = nil
        return closed
    }

    /// Closes the open span at `atNanoseconds` (the stream ends or a gap starts) and forgets the
    /// history, so the next window starts afresh.
    public mutating func finish(atNanoseconds end: Int64? = nil) -> ActivitySpan? {
        defer {
            current = nil
            pending = nil
            filled = 0
            next = 0
            for i in sums.indices { sums[i] = 0 }
        }
        guard var open = current else { return nil }
        if let p = pending { open.scoreSum += p.currentScoreSum; open.windows += p.windows }
        let stop = max(end ?? lastEnd, open.start)
        return ActivitySpan(label: open.label, startNanoseconds: open.start, endNanoseconds: stop,
                            meanScore: open.scoreSum / Float(max(open.windows, 1)), windows: open.windows)
    }
}
