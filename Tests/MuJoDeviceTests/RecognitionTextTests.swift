import XCTest
import MuJoSystem
@testable import MuJoDevice

final class RecognitionTextTests: XCTestCase {
    func testFixedPointFormatting() {
        XCTAssertEqual(TextFormat.fixed(0.7125, 3), "0.713")
        XCTAssertEqual(TextFormat.fixed(-0.0004, 3), "0.000")
        XCTAssertEqual(TextFormat.fixed(-1.25, 1), "-1.3")
        XCTAssertEqual(TextFormat.fixed(12.5, 0), "13")
        XCTAssertEqual(TextFormat.fixed(3.05, 2), "3.05")
        XCTAssertEqual(RecognitionText.time(12_500_000_000), "  12.5s")
    }
}
