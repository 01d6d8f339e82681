// Model files libFuzzer found (Fuzz/regressions/model/, Fuzz/README.md), replayed as the `model`
// target does: as given, and with the header's size and the CRC trailer repaired. Each must be
// refused with a ModelError (before the fix, the validator trapped).
import XCTest
import Foundation
@testable import MuJoCore

final class ModelFuzzRegressionTests: XCTestCase {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/regressions/model").path

    func repaired(_ bytes: [UInt8]) -> [UInt8] {
        var r = bytes
        let n = UInt32(r.count)
        for k in 0..<4 { r[16 + k] = UInt8(truncatingIfNeeded: n >> (8 * UInt32(k))) }
        let crc = CRC32.checksum(r, count: r.count - 4)
        for k in 0..<4 { r[r.count - 4 + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
        return r
    }

    /// A GELU with no inputs: OpSignature read its input 0 before the count check (index out of range).
    func testGELUWithoutInputsIsRefusedNotTrapped() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/gelu-without-inputs")))
        XCTAssertThrowsError(try ModelReader.parse(repaired(bytes))) { error in
            let e = error as? ModelError
            XCTAssertEqual(e?.kind, .badGraph, "\(error)")
            XCTAssertTrue(e?.description.contains("every op needs input 0 and an output") ?? false, "\(error)")
        }
    }

    func testEveryCommittedModelRegressionIsRefused() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertFalse(names.isEmpty, "Fuzz/regressions/model holds the inputs the fuzzer found")
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
            XCTAssertThrowsError(try ModelReader.parse(bytes), name)
            XCTAssertThrowsError(try ModelReader.parse(repaired(bytes)), "\(name) (size and CRC repaired)")
        }
    }
}
