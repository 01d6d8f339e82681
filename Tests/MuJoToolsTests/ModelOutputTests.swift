import XCTest
import Foundation
import MuJoCore
@testable import MuJoTools

/// Issue 12, the tools' model files and text inputs: `inspect` prints the file's format version,
/// `labels --set` refuses what the model file cannot carry and replaces a model atomically,
/// `quantize -o` checks its outputs before the work, CRLF text files are read line by line.
final class ModelOutputTests: XCTestCase {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    var defaultModel: String { root + "/Models/default.mujo" }
    var fixtures: String { root + "/Tests/Fixtures/onnx" }
    var tmp = ""

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("mujo-model-output-\(getpid())-\(name.hashValue)").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: tmp) }

    func failure(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "(no error)" } catch { return "\(error)" }
    }

    func testInspectPrintsTheFilesFormatVersion() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: defaultModel)))
        bytes[6] = 7; bytes[7] = 0   // format 1.7: a newer minor version this runtime still reads
        let crc = CRC32.checksum(bytes, count: bytes.count - 4)
        for k in 0..<4 { bytes[bytes.count - 4 + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
        let path = tmp + "/minor7.mujo"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let text = try InspectCommand.parse([path]).report()
        XCTAssertTrue(text.hasPrefix("model      \(path) (\(bytes.count) bytes, format 1.7, int8)"), String(text.prefix(200)))
        XCTAssertTrue(try InspectCommand.parse([defaultModel]).report().contains(", format 1.0, "))
    }

    func testCRLFTargetsAndRecordingsAreReadLineByLine() throws {
        let targets = tmp + "/targets.txt"
        try "walking\r\nsitting\r\nwalking\r\n".write(toFile: targets, atomically: true, encoding: .utf8)
        let eval = try EvalCommand.parse([defaultModel, "--recording", "unused.csv"])
        XCTAssertEqual(try eval.readTargets(targets, count: 3, names: ["sitting", "walking"]), [1, 0, 1])
        let recording = tmp + "/truth.csv"
        try "t[s],ax,ay,az,activity\r\n0,0,0,9.8,walking\r\n0.05,0,0,9.8,sitting\r\n".write(toFile: recording, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RecordingTruth.labels(path: recording), ["walking", "sitting"])
    }

    /// A mujo-labels/1 document for `model`'s dimension with `count` labels.
    func labelsDocument(dimension: Int, count: Int = 2) -> [String: Any] {
        let labels: [[String: Any]] = (0..<count).map { i in
            ["name": "label \(i)", "prompts": ["doing \(i)"], "embedding": (0..<dimension).map { Double(($0 + i) % 7) / 7 + 0.01 },
             "threshold": NSNull()]
        }
        return ["format": "mujo-labels/1", "text_encoder": "test", "dim": dimension, "labels": labels]
    }

    func write(_ doc: [String: Any], _ name: String) throws -> String {
        let path = tmp + "/" + name
        try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testLabelsSetRefusesWhatTheModelFileCannotCarry() throws {
        let model = tmp + "/model.mujo"
        try FileManager.default.copyItem(atPath: defaultModel, toPath: model)
        let original = try Data(contentsOf: URL(fileURLWithPath: model))
        let dim = try loadModel(model).labels.dimension
        func refused(_ doc: [String: Any], _ name: String) throws -> String {
            let path = try write(doc, name)
            return failure { try LabelsCommand.parse([model, "--set", path]).apply() }
        }
        var doc = labelsDocument(dimension: dim)
        doc["labels"] = [Any]()
        XCTAssertEqual(try refused(doc, "empty.json"), "\(tmp)/empty.json: \"labels\" is empty; a model needs at least one label to recognise")
        doc = labelsDocument(dimension: dim)
        var labels = doc["labels"] as! [[String: Any]]
        labels[1]["name"] = labels[0]["name"]
        doc["labels"] = labels
        XCTAssertEqual(try refused(doc, "twice.json"), "\(tmp)/twice.json: labels[1] 'label 0': the name appears twice; label names must be unique")
        labels = labelsDocument(dimension: dim)["labels"] as! [[String: Any]]
        labels[0]["name"] = "walk\u{7}ing"
        doc["labels"] = labels
        XCTAssertEqual(try refused(doc, "bell.json"), "\(tmp)/bell.json: labels[0] 'walk?ing': the name contains the control character U+7; use printable text only")
        labels = labelsDocument(dimension: dim)["labels"] as! [[String: Any]]
        labels[1]["prompts"] = ["one\ntwo"]
        doc["labels"] = labels
        XCTAssertTrue(try refused(doc, "prompt.json").contains("labels[1] 'label 1': a prompt contains the control character U+A"))
        for (value, name) in [(5.0, "five"), (1e39, "huge")] {
            labels = labelsDocument(dimension: dim)["labels"] as! [[String: Any]]
            labels[0]["threshold"] = value
            doc["labels"] = labels
            let message = try refused(doc, name + ".json")
            XCTAssertTrue(message.hasPrefix("\(tmp)/\(name).json: labels[0] 'label 0': threshold ") && message.hasSuffix(" is not a cosine; give a value from -1 to 1, or null for none"), message)
        }
        labels = labelsDocument(dimension: dim)["labels"] as! [[String: Any]]
        labels[0]["embedding"] = [Double](repeating: 1e39, count: dim)   // a Float infinity
        doc["labels"] = labels
        XCTAssertEqual(try refused(doc, "inf.json"), "\(tmp)/inf.json: labels[0] 'label 0' has a non-finite embedding value")
        doc = labelsDocument(dimension: 1, count: 65537)
        XCTAssertEqual(try refused(doc, "many.json"), "\(tmp)/many.json: 65537 labels; a model file holds at most 65536, remove some")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), original, "a refused table leaves the model as it was")
    }

    func testLabelsSetReplacesTheModelAtomicallyInPlace() throws {
        let model = tmp + "/model.mujo", link = tmp + "/before.mujo"
        try FileManager.default.copyItem(atPath: defaultModel, toPath: model)
        chmod(model, 0o640)
        // A second name for the old file: an in-place rewrite would change it too; a rename leaves it whole.
        XCTAssertEqual(Foundation.link(model, link), 0)
        let original = try Data(contentsOf: URL(fileURLWithPath: model))
        let dim = try loadModel(model).labels.dimension
        let path = try write(labelsDocument(dimension: dim, count: 3), "three.json")
        let out = try LabelsCommand.parse([model, "--set", path]).apply()
        XCTAssertEqual(out, ["wrote \(model): 3 labels (label 0, label 1, label 2)"])
        XCTAssertEqual(try loadModel(model).labels.labels.map(\.name), ["label 0", "label 1", "label 2"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: link)), original, "the old inode was replaced, not rewritten")
        let mode = (try FileManager.default.attributesOfItem(atPath: model)[.posixPermissions] as? NSNumber)?.intValue
        XCTAssertEqual(mode, 0o640, "the model keeps its permissions")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp).filter { $0.contains(".tmp") }, [])
    }

    func testQuantizeChecksItsOutputsBeforeTheWork() throws {
        func message(_ output: String, _ extra: [String] = []) -> String {
            failure {
                // The calibration file does not exist: an error about it would mean the output was checked too late.
                try QuantizeCommand.parse(["\(self.fixtures)/cnn1d.onnx", "--labels", "\(self.fixtures)/labels16.json",
                                           "--calibration", "\(self.tmp)/no-such.npy", "-o", output, "--quiet"] + extra).quantize { _ in }
            }
        }
        XCTAssertEqual(message("/nonexistent-mujo-dir/m.mujo"),
                       "-o /nonexistent-mujo-dir/m.mujo: the directory '/nonexistent-mujo-dir' does not exist; create it or choose another path")
        XCTAssertEqual(message(tmp), "-o \(tmp): this is a directory; give a file name, e.g. \(tmp)/model.mujo")
        XCTAssertEqual(message(tmp + "/m.mujo", ["--report", "/nonexistent-mujo-dir/r.json"]),
                       "--report /nonexistent-mujo-dir/r.json: the directory '/nonexistent-mujo-dir' does not exist; create it or choose another path")
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp + "/m.mujo"))
    }
}
