import XCTest
import Foundation
import MuJoCore
@testable import MuJoTools

/// `mujo quantize` and `mujo labels` end to end on the committed ONNX fixtures.
final class QuantizeCommandTests: XCTestCase {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/onnx").standardized.path
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("mujo-quantize-tests-\(getpid())").path

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    }

    func testQuantizeWritesModelAndReport() throws {
        let cmd = try QuantizeCommand.parse([
            "\(fixtures)/cnn1d.onnx", "--labels", "\(fixtures)/labels16.json", "--calibration", "\(fixtures)/calibration.npy",
            "--validation", "\(fixtures)/validation.npy", "-o", "\(tmp)/cnn1d.mujo", "--report", "\(tmp)/report.json",
            "--min-cosine", "0.99", "--max-label-flips", "0.2", "--quiet",
        ])
        var lines: [String] = []
        let result = try cmd.quantize { lines.append($0) }
        XCTAssertTrue(result.failures.isEmpty, "\(result.failures)")
        XCTAssertGreaterThanOrEqual(result.report.cosineMean, 0.99)
        XCTAssertTrue(lines.joined(separator: "\n").contains("embedding cosine float vs int8 over 32 windows"))
        let m = try ModelReader.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(tmp)/cnn1d.mujo"))))
        XCTAssertEqual(m.ops.first?.code, .quantize)
        XCTAssertEqual(m.ops.last?.code, .l2Normalize)
        XCTAssertEqual(m.tensors[m.outputs[0]].dataType, .int8)
        XCTAssertEqual(m.labels.labels.count, 6)
        XCTAssertEqual(m.inputSpec.window, 100)
        XCTAssertEqual(m.inputSpec.sampleRateHz, 20)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(tmp)/report.json"))) as! [String: Any]
        XCTAssertEqual(report["passed"] as? Bool, true)
        XCTAssertEqual(report["weights"] as? String, "per-channel")
        XCTAssertNotNil(report["cosine_p1"] as? Double)
        XCTAssertNotNil(report["label_flip_fraction"] as? Double)
        XCTAssertGreaterThan((report["layers"] as! [Any]).count, 5)
        XCTAssertEqual((report["comparison"] as! [String: Any])["weights"] as? String, "per-tensor")
    }

    func testValidationLabelsReportAccuracy() throws {
        let names = ["walking", "running", "sitting", "standing", "stairs", "cycling"]
        try (0..<32).map { names[$0 % 6] }.joined(separator: "\n").write(toFile: "\(tmp)/truth.txt", atomically: true, encoding: .utf8)
        let cmd = try QuantizeCommand.parse([
            "\(fixtures)/cnn1d.onnx", "--labels", "\(fixtures)/labels16.json", "--calibration", "\(fixtures)/calibration.npy",
            "--validation", "\(fixtures)/validation.npy", "--validation-labels", "\(tmp)/truth.txt",
            "-o", "\(tmp)/acc.mujo", "--report", "\(tmp)/acc.json", "--quiet",
        ])
        var lines: [String] = []
        _ = try cmd.quantize { lines.append($0) }
        XCTAssertTrue(lines.contains { $0.contains("accuracy on") && $0.contains("float") && $0.contains("int8") }, "\(lines)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(tmp)/acc.json"))) as! [String: Any]
        let acc = report["accuracy"] as! [String: Any]
        XCTAssertNotNil(acc["float"] as? Double)
        XCTAssertNotNil(acc["int8"] as? Double)
        try "walking\n".write(toFile: "\(tmp)/short.txt", atomically: true, encoding: .utf8)
        let bad = try QuantizeCommand.parse([
            "\(fixtures)/cnn1d.onnx", "--labels", "\(fixtures)/labels16.json", "--calibration", "\(fixtures)/calibration.npy",
            "--validation-labels", "\(tmp)/short.txt", "-o", "\(tmp)/bad.mujo", "--quiet",
        ])
        XCTAssertThrowsError(try bad.quantize { _ in }) { error in
            XCTAssertTrue("\(error)".contains("1 labels for 64 validation windows"), "\(error)")
        }
    }

    func testBoundsFail() throws {
        let cmd = try QuantizeCommand.parse([
            "\(fixtures)/cnn1d.onnx", "--labels", "\(fixtures)/labels16.json", "--calibration", "\(fixtures)/calibration.npy",
            "-o", "\(tmp)/strict.mujo", "--min-cosine", "0.9999999", "--quiet",
        ])
        XCTAssertThrowsError(try cmd.run()) { error in
            XCTAssertTrue("\(error)".contains("--min-cosine"), "\(error)")
        }
        XCTAssertThrowsError(try QuantizeCommand.parse(["x.onnx", "--labels", "l", "--calibration", "c", "-o", "o", "--method", "kl"])) { error in
            XCTAssertTrue(QuantizeCommand.message(for: error).contains("choose minmax, percentile or mse"))
        }
    }

    func testLabelsReplacesTable() throws {
        let cmd = try QuantizeCommand.parse([
            "\(fixtures)/cnn1d.onnx", "--labels", "\(fixtures)/labels16.json", "--calibration", "\(fixtures)/calibration.npy",
            "-o", "\(tmp)/base.mujo", "--quiet",
        ])
        _ = try cmd.quantize { _ in }
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/labels16.json"))) as! [String: Any]
        var labels = doc["labels"] as! [[String: Any]]
        labels = Array(labels.prefix(2))
        labels[0]["name"] = "jogging"
        doc["labels"] = labels
        try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: "\(tmp)/two.json"))
        let out = try LabelsCommand.parse(["\(tmp)/base.mujo", "--set", "\(tmp)/two.json", "-o", "\(tmp)/two.mujo"]).apply()
        XCTAssertTrue(out[0].contains("2 labels (jogging, running)"), "\(out)")
        let before = try ModelReader.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(tmp)/base.mujo"))))
        let after = try ModelReader.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(tmp)/two.mujo"))))
        XCTAssertEqual(after.labels.labels.map(\.name), ["jogging", "running"])
        XCTAssertEqual(after.tensors, before.tensors, "the encoder is untouched")
        XCTAssertEqual(after.ops, before.ops)
        let listing = try LabelsCommand.parse(["\(tmp)/two.mujo"]).apply()
        XCTAssertTrue(listing[0].contains("2 labels, dimension 16"))
        // A labels file of another dimension is refused.
        doc["dim"] = 8
        doc["labels"] = [["name": "x", "prompts": ["p"], "embedding": [Double](repeating: 0.1, count: 8), "threshold": NSNull()]]
        try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: "\(tmp)/eight.json"))
        XCTAssertThrowsError(try LabelsCommand.parse(["\(tmp)/base.mujo", "--set", "\(tmp)/eight.json"]).apply()) { error in
            XCTAssertTrue("\(error)".contains("\"dim\" is 8 but"), "\(error)")
        }
    }
}
