import XCTest
import Foundation
@testable import MuJoTools

/// `mujo bench`: its argument checks and the structure of its report on the default model
/// (fields, one profile row per op with a variant name; never the timings themselves).
final class BenchCommandTests: XCTestCase {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    var modelPath: String { "\(root)/Models/default.mujo" }

    func testRefusesBadCounts() {
        for (args, message) in [(["--iterations", "0"], "--iterations 0: give 1 or more passes"),
                                (["--limit", "0"], "--limit 0: give 1 or more windows"),
                                (["--warmup=-1"], "--warmup -1: give 0 or more invokes")] {
            XCTAssertThrowsError(try BenchCommand.parse(["m.mujo"] + args)) { error in
                XCTAssertEqual(BenchCommand.message(for: error), message)
            }
        }
    }

    func testBothKernelSetsReportEveryOpAndAgree() throws {
        let bench = try BenchCommand.parse([modelPath, "--windows", "\(root)/Models/default/calibration.npy", "--limit", "3",
                                            "--iterations", "1", "--warmup", "1", "--kernels", "both"])
        let report = try bench.measure()
        XCTAssertEqual(report.windows, 3)
        XCTAssertEqual(report.precision, "int8")
        XCTAssertEqual(report.macsPerWindow, 5_916_672)
        XCTAssertGreaterThan(report.arenaBytes, 0)
        XCTAssertGreaterThan(report.peakRSSBytes, 0)
        XCTAssertEqual(report.kernels.map(\.name), ["best", "reference"])
        XCTAssertEqual(report.identicalOutputs, true)
        XCTAssertNotNil(report.speedup)
        for k in report.kernels {
            XCTAssertEqual(k.latency.minimum <= k.latency.median && k.latency.median <= k.latency.p99, true, k.name)
            XCTAssertEqual(k.ops.count, 47, k.name)
            XCTAssertTrue(k.ops.allSatisfy { !$0.variant.isEmpty }, k.name)
        }
        XCTAssertTrue(report.kernels[1].ops.allSatisfy { $0.variant == "reference" })

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as! [String: Any]
        XCTAssertEqual(Set(json.keys), ["model", "precision", "windows", "iterations", "macs_per_window", "arena_bytes", "scratch_bytes",
                                        "constant_bytes", "kernels", "speedup", "identical_outputs", "peak_rss_bytes", "cpu"])
        let best = (json["kernels"] as! [[String: Any]])[0]
        XCTAssertEqual(Set((best["latency"] as! [String: Any]).keys),
                       ["min_us", "median_us", "p99_us", "mean_us", "windows_per_second", "gmac_per_second"])
        XCTAssertEqual(Set((best["ops"] as! [[String: Any]])[1].keys), ["index", "op", "variant", "macs", "us_per_window", "share"])
        XCTAssertTrue(report.text.contains("per-op profile (best; µs per window)"))
    }

    func testSyntheticWindowsWithoutAFile() throws {
        let report = try BenchCommand.parse([modelPath, "--limit", "2", "--iterations", "1", "--warmup", "0"]).measure()
        XCTAssertEqual(report.windows, 2)
        XCTAssertEqual(report.kernels.map(\.name), ["best"])
        XCTAssertNil(report.speedup)
    }
}
