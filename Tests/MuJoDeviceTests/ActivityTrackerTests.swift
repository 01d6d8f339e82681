import XCTest
@testable import MuJoDevice

/// The activity tracker on hand-computed sequences: three labels, windows 2 s long every 1 s, so
/// window k spans [k, k+2] s and its middle is k+1 s.
final class ActivityTrackerTests: XCTestCase {
    let s: Int64 = 1_000_000_000

    func feed(_ tracker: inout ActivityTracker, _ rows: [[Float]]) -> [ActivitySpan] {
        var spans: [ActivitySpan] = []
        for (k, row) in rows.enumerated() {
            let span = row.withUnsafeBufferPointer { tracker.add(cosines: $0, startNanoseconds: Int64(k) * s, endNanoseconds: Int64(k + 2) * s) }
            if let span { spans.append(span) }
        }
        if let last = tracker.finish() { spans.append(last) }
        return spans
    }

    func testNoSmoothingReproducesTheRawLabels() {
        var t = ActivityTracker(thresholds: [-.infinity, -.infinity, -.infinity], settings: ActivityTrackerSettings(smooth: 1, hold: 1))
        let spans = feed(&t, [[0.9, 0.1, 0], [0.8, 0.2, 0], [0.1, 0.7, 0], [0.2, 0.1, 0.6], [0.5, 0.2, 0.1]])
        XCTAssertEqual(spans.map(\.label), [0, 1, 2, 0])
        // Contiguous at window middles: 1 s, 3 s, 4 s, 5 s; the last span ends at the last window's end (6 s).
        XCTAssertEqual(spans.map(\.startNanoseconds), [1 * s, 3 * s, 4 * s, 5 * s])
        XCTAssertEqual(spans.map(\.endNanoseconds), [3 * s, 4 * s, 5 * s, 6 * s])
        XCTAssertEqual(spans[0].meanScore, 0.85, accuracy: 1e-6)
        XCTAssertEqual(spans.map(\.windows), [2, 1, 1, 1])
    }

    func testHysteresisIgnoresAOneWindowBlipAndChangesAfterHoldWindows() {
        var t = ActivityTracker(thresholds: [-.infinity, -.infinity, -.infinity], settings: ActivityTrackerSettings(smooth: 1, hold: 2))
        // 0 0 1 0 0 1 1 1: the single 1 is a blip; the run of three 1s changes the activity, and the
        // new span starts at the first window of that run (middle 6 s).
        let rows: [[Float]] = [[1, 0, 0], [1, 0, 0], [0, 1, 0], [1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 1, 0]]
        let spans = feed(&t, rows)
        XCTAssertEqual(spans.map(\.label), [0, 1])
        XCTAssertEqual(spans[0].startNanoseconds, 1 * s)
        XCTAssertEqual(spans[0].endNanoseconds, 6 * s)
        XCTAssertEqual(spans[0].windows, 5, "the blip stays in the walking span")
        XCTAssertEqual(spans[1].windows, 3)
    }

    func testSmoothingAveragesTheLastNWindows() {
        var t = ActivityTracker(thresholds: [-.infinity, -.infinity, -.infinity], settings: ActivityTrackerSettings(smooth: 3, hold: 1))
        // Means over the last three: w2 = (0.9+0.8+0.2)/3 = 0.633 for label 0 vs (0+0.1+0.7)/3 = 0.267 → still 0;
        // w3: label 0 (0.8+0.2+0.1)/3 = 0.367, label 1 (0.1+0.7+0.8)/3 = 0.533 → 1.
        let spans = feed(&t, [[0.9, 0, 0], [0.8, 0.1, 0], [0.2, 0.7, 0], [0.1, 0.8, 0]])
        XCTAssertEqual(spans.map(\.label), [0, 1])
        XCTAssertEqual(spans.map(\.windows), [3, 1])
        XCTAssertEqual(spans[1].meanScore, (0.1 + 0.7 + 0.8) / 3, accuracy: 1e-6)
    }

    func testUnknownUnderTheLabelsThresholdOrTheMarginOrMinScore() {
        // Label 1 has threshold 0.5: a best of 0.4 for it is unknown even though it leads.
        var byThreshold = ActivityTracker(thresholds: [-.infinity, 0.5, -.infinity], settings: ActivityTrackerSettings(smooth: 1, hold: 1))
        XCTAssertEqual(feed(&byThreshold, [[0.1, 0.4, 0], [0.1, 0.6, 0]]).map(\.label), [nil, 1])
        // Margin 0.1: 0.50 vs 0.45 is too close.
        var byMargin = ActivityTracker(thresholds: [-.infinity, -.infinity, -.infinity], settings: ActivityTrackerSettings(smooth: 1, hold: 1, minMargin: 0.1))
        let spans = feed(&byMargin, [[0.5, 0.45, 0], [0.5, 0.2, 0]])
        XCTAssertEqual(spans.map(\.label), [nil, 0])
        XCTAssertEqual(spans[0].meanScore, 0.5, accuracy: 1e-6, "an unknown span's score is the best label's")
        var byScore = ActivityTracker(thresholds: [-.infinity, -.infinity, -.infinity], settings: ActivityTrackerSettings(smooth: 1, hold: 1, minScore: 0.3))
        XCTAssertEqual(feed(&byScore, [[0.2, 0.1, 0], [0.35, 0.1, 0]]).map(\.label), [nil, 0])
    }

    func testFinishClosesTheOpenSpanAndForgetsTheHistory() {
        var t = ActivityTracker(thresholds: [-.infinity, -.infinity], settings: ActivityTrackerSettings(smooth: 4, hold: 3))
        let first = [Float](arrayLiteral: 0.9, 0.1)
        _ = first.withUnsafeBufferPointer { t.add(cosines: $0, startNanoseconds: 0, endNanoseconds: 2 * s) }
        let closed = t.finish(atNanoseconds: 10 * s)
        XCTAssertEqual(closed, ActivitySpan(label: 0, startNanoseconds: 1 * s, endNanoseconds: 10 * s, meanScore: 0.9, windows: 1))
        XCTAssertNil(t.finish(), "nothing open after finish")
        // After a gap the first window decides at once, unaffected by the windows before it.
        let after = [Float](arrayLiteral: 0.1, 0.9)
        _ = after.withUnsafeBufferPointer { t.add(cosines: $0, startNanoseconds: 20 * s, endNanoseconds: 22 * s) }
        XCTAssertEqual(t.finish()?.label, 1)
    }
}
