// Inputs libFuzzer found (Fuzz/regressions/TARGET/, Fuzz/README.md), replayed through the same
// calls as the fuzz targets so each fixed crash stays fixed in the ordinary test run too.
import XCTest
import Foundation
import MuJoSensors

final class FuzzRegressionTests: XCTestCase {
    func regressionInputs(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let dir = repositoryRoot.appendingPathComponent("Fuzz/regressions/\(target)").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return try names.sorted().map { ($0, [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)))) }
    }

    /// A `_type` with a 60-digit field overflowed Int in IIOScanType.parse (a trap); now refused.
    func testIIOTypeWithALongDigitRunIsRefused() throws {
        XCTAssertNil(IIOScanType.parse("be:s" + String(repeating: "9", count: 60) + "/16>>0"))
        XCTAssertNil(IIOScanType.parse("le:s16/16X99999>>0"))
        XCTAssertEqual(IIOScanType.parse("le:s12/16X1000>>4")?.repeatCount, 1000)
        let inputs = try regressionInputs("iio")
        XCTAssertFalse(inputs.isEmpty, "Fuzz/regressions/iio holds the input the fuzzer found")
        for input in inputs {
            // The fuzz target's first step: each line a _type text.
            for line in input.bytes.split(separator: 10, omittingEmptySubsequences: false).prefix(8) {
                if let t = IIOScanType.parse(String(decoding: line, as: UTF8.self)) {
                    XCTAssertTrue(t.storageBits % 8 == 0 && t.realBits <= t.storageBits, input.name)
                }
            }
        }
    }
}
