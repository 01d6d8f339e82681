import XCTest
@testable import MuJoDaemon

final class LatencyHistogramTests: XCTestCase {
    func testPercentilesAreBinEdgesNeverAboveTheMaximum() {
        var h = LatencyHistogram()
        XCTAssertEqual(h.percentile(0.5), 0)
        for us in 1...100 { h.add(nanoseconds: Int64(us) * 1000) }   // 1 … 100 µs
        XCTAssertEqual(h.percentile(0.5), 60, "the 50th of 100 (50 µs) lies in bin [50, 60) µs: its upper edge")
        XCTAssertEqual(h.percentile(0.99), 100)
        h.add(nanoseconds: 2_000_000_000)                              // 2 s: the overflow bin
        XCTAssertEqual(h.percentile(1.0), 2_000_000)
        var one = LatencyHistogram()
        one.add(nanoseconds: 12_345_000)
        XCTAssertEqual(one.percentile(0.99), 12_345, "capped at the maximum seen, not the bin edge 12,350")
    }
}
