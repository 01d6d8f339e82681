// HOST ONLY (the fault soak). Every sample the emulated chip produced, accounted for against what
// mujod's recognition loop reported: classified inside a window, inside a reported gap, in the
// unfinished window before a gap or at the end, still in the FIFO when the run stopped — or
// unexplained, which a correct loop never has.
//
// Streaming, so a run of days keeps memory bounded: the chip hands over its settled log
// (EmulatedChip.discardSettledLog), delivered samples are paired with the chip's reads in order,
// and a sample is judged once the session has reported events a window past it.
import MuJoDaemon
import MuJoEmulators
import MuJoSensors

final class SampleLedger {
    struct Figures: Equatable {
        var produced = 0
        var classified = 0
        var inGaps = 0
        var beforeGap = 0
        var atEnd = 0
        /// Of `inGaps` (or `unexplained`): samples the driver read from the FIFO and discarded,
        /// which, like the chip's dropped ones, must lie inside a reported gap.
        var discardedByDriver = 0
        var inFIFOAtEnd = 0
        /// Unexplained samples of the produced ones, plus deliveries the chip never produced.
        var unexplained = 0
        /// Of `unexplained`: delivered samples that match none the chip produced.
        var invented = 0
        var explained: Int { classified + inGaps + beforeGap + atEnd + inFIFOAtEnd }
    }
    private struct Span { var start: Int64; var end: Int64 }

    private(set) var figures = Figures()
    /// The first few unexplained samples, in words.
    private(set) var examples: [String] = []
    /// Largest distance of a dropped sample outside its gap that the tolerance still explained.
    private(set) var worstEdgeNanoseconds: Int64 = 0

    let windowNanoseconds: Int64
    /// How far a sample may sit outside a window or gap and still belong to it: the driver
    /// estimates FIFO timestamps from its read times (docs/sensors.md), within a poll interval and
    /// two sample periods of the chip's instant.
    let toleranceNanoseconds: Int64

    private var delivered: [Int64] = []        // driver times, delivered but not yet paired with a read
    private var deliveredHead = 0
    private var pendingRead: [Int64] = []      // driver times of paired reads, awaiting a verdict
    private var pendingDropped: [Int64] = []   // chip times of dropped samples, awaiting a gap
    private var discards: [ClosedRange<Int>] = []   // sequence numbers read but not delivered
    private var windows: [Span] = []
    private var gaps: [Span] = []
    private var reportedUntil = Int64.min
    private var lastWindowEnd = Int64.min

    init(windowNanoseconds: Int64, toleranceNanoseconds: Int64) {
        self.windowNanoseconds = windowNanoseconds
        self.toleranceNanoseconds = toleranceNanoseconds
    }

    /// Sizes the per-sample queues for `samples` awaiting a verdict at once (SoakRig: no
    /// reallocation midway).
    func reserve(samples: Int) {
        delivered.reserveCapacity(samples)
        pendingRead.reserveCapacity(samples)
        pendingDropped.reserveCapacity(samples)
    }

    /// Bytes held by the ledger's queues (array capacities).
    var bookkeepingBytes: Int {
        (delivered.capacity + pendingRead.capacity + pendingDropped.capacity) * 8
            + (windows.capacity + gaps.capacity) * MemoryLayout<Span>.stride + discards.capacity * MemoryLayout<ClosedRange<Int>>.stride
    }

    // MARK: what the loop was handed and what it reported

    func deliver(_ sample: MotionSample) { delivered.append(sample.timestampNanoseconds) }

    /// The driver read `count` samples, the last of them `seq`, and delivered none of them: they are
    /// lost to the loop, and judged like the chip's dropped ones (a reported gap must hold them).
    func discarded(through seq: Int, count: Int) { discards.append((seq - count + 1)...seq) }

    private func wasDiscarded(_ seq: Int) -> Bool {
        while let d = discards.first, d.upperBound < seq { discards.removeFirst() }
        return discards.first?.contains(seq) ?? false
    }

    func record(_ event: SessionEvent) {
        switch event {
        case .window(let r):
            windows.append(Span(start: r.startNanoseconds, end: r.endNanoseconds))
            lastWindowEnd = max(lastWindowEnd, r.endNanoseconds)
            reportedUntil = max(reportedUntil, r.endNanoseconds)
        case .signal(let s):
            // A refused window is judged too; a span runs from its first window's middle to its last's.
            let half = windowNanoseconds / 2
            windows.append(Span(start: s.startNanoseconds - half, end: s.endNanoseconds + half))
            lastWindowEnd = max(lastWindowEnd, s.endNanoseconds + half)
            reportedUntil = max(reportedUntil, s.endNanoseconds)
        case .gap(let g):
            gaps.append(Span(start: g.startNanoseconds, end: g.endNanoseconds))
            reportedUntil = max(reportedUntil, g.endNanoseconds)
        default:
            break
        }
    }

    // MARK: the chip's ground truth

    /// Takes the chip's settled log and judges what the session has moved past.
    func settle(_ chip: EmulatedChip) {
        chip.discardSettledLog { seq, time, fate in
            figures.produced += 1
            if fate == .read, wasDiscarded(seq) {
                figures.discardedByDriver += 1
                pendingDropped.append(time)
            } else if fate == .read {
                // The host's k-th read is the loop's k-th delivered sample, at about the chip's instant.
                // A delivery well before it was never produced (invented or duplicated); one well after
                // it means this read never reached the loop. Either way the two streams realign here.
                while deliveredHead < delivered.count, delivered[deliveredHead] < time - toleranceNanoseconds {
                    figures.invented += 1
                    unexplained("a sample delivered at \(seconds(delivered[deliveredHead])) matches none the chip produced (invented or duplicated; the chip's next read one is at \(seconds(time)))")
                    deliveredHead += 1
                }
                if deliveredHead < delivered.count, delivered[deliveredHead] <= time + toleranceNanoseconds {
                    pendingRead.append(delivered[deliveredHead])
                    deliveredHead += 1
                } else {
                    unexplained("sample \(seq) (chip time \(seconds(time))) was read from the FIFO but never delivered")
                }
            } else {
                pendingDropped.append(time)
            }
        }
        if deliveredHead > 4096 && deliveredHead * 2 > delivered.count {
            delivered.removeFirst(deliveredHead)
            deliveredHead = 0
        }
        judge(before: reportedUntil == .min ? .min : reportedUntil - windowNanoseconds - toleranceNanoseconds)
    }

    /// The end of the run: everything left is judged, and what is still in the FIFO counted.
    func finish(_ chip: EmulatedChip) {
        settle(chip)
        figures.produced += chip.inFIFOCount
        figures.inFIFOAtEnd = chip.inFIFOCount
        for k in deliveredHead..<delivered.count {
            figures.invented += 1
            unexplained("a sample at \(seconds(delivered[k])) was delivered but the chip never produced it")
        }
        deliveredHead = delivered.count
        judge(before: .max)
    }

    private func judge(before horizon: Int64) {
        var n = 0
        while n < pendingRead.count, pendingRead[n] < horizon {
            let t = pendingRead[n]
            if windows.contains(where: { $0.start - toleranceNanoseconds <= t && t <= $0.end + toleranceNanoseconds }) {
                figures.classified += 1
            } else if gaps.contains(where: { t - toleranceNanoseconds <= $0.start && $0.start <= t + windowNanoseconds + toleranceNanoseconds }) {
                figures.beforeGap += 1
            } else if horizon == .max, t > lastWindowEnd {
                figures.atEnd += 1
            } else {
                unexplained("a sample delivered at \(seconds(t)) is in no window and not just before a gap")
            }
            n += 1
        }
        pendingRead.removeFirst(n)
        n = 0
        while n < pendingDropped.count, pendingDropped[n] < horizon {
            let t = pendingDropped[n]
            if let g = gaps.first(where: { $0.start - toleranceNanoseconds <= t && t <= $0.end + toleranceNanoseconds }) {
                figures.inGaps += 1
                worstEdgeNanoseconds = max(worstEdgeNanoseconds, g.start - t, t - g.end)
            } else {
                unexplained("a sample the chip dropped at \(seconds(t)) lies in no reported gap")
            }
            n += 1
        }
        pendingDropped.removeFirst(n)
        // Spans ending well before everything still to be judged are done with.
        let oldest = min(pendingRead.first ?? horizon, pendingDropped.first ?? horizon)
        if oldest != .max && oldest != .min {
            let keepFrom = oldest - 2 * windowNanoseconds - toleranceNanoseconds
            windows.removeAll { $0.end < keepFrom }
            gaps.removeAll { $0.end < keepFrom }
        }
    }

    private func unexplained(_ what: String) {
        figures.unexplained += 1
        if examples.count < 10 { examples.append(what) }
    }

    private func seconds(_ t: Int64) -> String {
        let ms = t / 1_000_000
        return "\(ms / 1000).\(String(1000 + ms % 1000).dropFirst()) s"
    }
}
