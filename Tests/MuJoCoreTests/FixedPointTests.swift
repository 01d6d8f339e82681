import XCTest
@testable import MuJoCore

final class FixedPointTests: XCTestCase {
    func testIsqrtExact() {
        for n in Int64(0)...5000 {
            let r = FixedPoint.isqrt(n)
            XCTAssert(r * r <= n && (r + 1) * (r + 1) > n, "isqrt(\(n)) = \(r)")
        }
        let big = Int64(3037000499) // ⌊√(2^63−1)⌋
        XCTAssertEqual(FixedPoint.isqrt(big * big), big)
        XCTAssertEqual(FixedPoint.isqrt(big * big - 1), big - 1)
        XCTAssertEqual(FixedPoint.isqrt(Int64.max), big)
    }
}
