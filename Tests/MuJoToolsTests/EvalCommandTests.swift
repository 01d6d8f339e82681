import XCTest
import Foundation
@testable import MuJoTools

/// `mujo eval`: its argument checks and the keys of its JSON report, on the committed ONNX fixtures.
final class EvalCommandTests: XCTestCase {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/onnx").standardized.path
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("mujo-eval-tests-\(getpid())").path
    let names = ["walking", "running", "sitting", "standing", "stairs", "cycling"]

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    }

    func testDrawsMustBeAtLeastOne() {
        for draws in ["0", "-1"] {
            XCTAssertThrowsError(try EvalCommand.parse(["m.mujo", "--windows", "w.npy", "--targets", "t.txt", "--draws=\(draws)"])) { error in
                XCTAssertEqual(EvalCommand.message(for: error), "--draws \(draws): give 1 or more random draws per k")
            }
        }
        XCTAssertNoThrow(try EvalCommand.parse(["m.mujo", "--windows", "w.npy", "--targets", "t.txt", "--draws", "1"]))
    }

    func testReportHasTheSameKeys() throws {
        let quantize = try QuantizeCommand.parse([
            "\(fixtures)/cnn1d.onnx", "--labels", "\(fixtures)/labels16.json", "--calibration", "\(fixtures)/calibration.npy",
            "-o", "\(tmp)/eval.mujo", "--quiet",
        ])
        _ = try quantize.quantize { _ in }
        try (0..<32).map { names[$0 % 6] }.joined(separator: "\n").write(toFile: "\(tmp)/targets.txt", atomically: true, encoding: .utf8)
        try (0..<64).map { names[$0 % 6] }.joined(separator: "\n").write(toFile: "\(tmp)/support.txt", atomically: true, encoding: .utf8)
        try EvalCommand.parse([
            "\(tmp)/eval.mujo", "--windows", "\(fixtures)/validation.npy", "--targets", "\(tmp)/targets.txt",
            "--float", "\(fixtures)/cnn1d.onnx", "--few-shot", "1,2", "--support-windows", "\(fixtures)/calibration.npy",
            "--support-targets", "\(tmp)/support.txt", "--draws", "2", "--report", "\(tmp)/full.json",
        ]).run()
        let full = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(tmp)/full.json"))) as! [String: Any]
        XCTAssertEqual(Set(full.keys), ["chance_accuracy", "fidelity", "few_shot", "float", "int8", "labels", "model", "name", "seconds", "windows"])
        XCTAssertEqual(full["name"] as? String, "evaluation")
        XCTAssertEqual(full["model"] as? String, "\(tmp)/eval.mujo")
        XCTAssertEqual(full["windows"] as? Int, 32)
        XCTAssertEqual(full["labels"] as? [String], names)
        XCTAssertEqual(full["chance_accuracy"] as! Double, 1.0 / 6.0, accuracy: 1e-12)
        XCTAssertNotNil(full["seconds"] as? Double)
        for precision in ["int8", "float"] {
            let metrics = full[precision] as! [String: Any]
            XCTAssertEqual(Set(metrics.keys), ["accuracy", "macro_f1", "recall"], precision)
            XCTAssertNotNil(metrics["accuracy"] as? Double)
            XCTAssertNotNil(metrics["macro_f1"] as? Double)
            XCTAssertEqual(Set((metrics["recall"] as! [String: Double]).keys), Set(names), precision)
        }
        let fidelity = full["fidelity"] as! [String: Double]
        XCTAssertEqual(Set(fidelity.keys), ["cosine_mean", "cosine_p01", "label_flips"])
        let fewShot = full["few_shot"] as! [[String: Any]]
        XCTAssertEqual(fewShot.map { $0["k"] as? Int }, [1, 2])
        for row in fewShot {
            XCTAssertEqual(Set(row.keys), ["k", "draws", "macro_f1_mean", "macro_f1_std", "accuracy_mean"])
            XCTAssertEqual(row["draws"] as? Int, 2)
            XCTAssertNotNil(row["macro_f1_mean"] as? Double)
        }

        // Without --float and --few-shot their sections are left out.
        try EvalCommand.parse([
            "\(tmp)/eval.mujo", "--windows", "\(fixtures)/validation.npy", "--targets", "\(tmp)/targets.txt", "--report", "\(tmp)/int8.json",
        ]).run()
        let int8Only = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(tmp)/int8.json"))) as! [String: Any]
        XCTAssertEqual(Set(int8Only.keys), ["chance_accuracy", "int8", "labels", "model", "name", "seconds", "windows"])
    }
}
