import XCTest
import Foundation
import MuJoCore
@testable import MuJoDaemon
import MuJoDevice
import MuJoHostCore
import MuJoSensors

/// Issue 9, acceptance 3: every line mujod writes parses as JSON (Foundation's parser) and
/// matches docs/events.md, label names with quotes, backslashes, control characters and
/// non-ASCII included.
final class MujodEventsTests: XCTestCase {
    func runDaemon(model: String = defaultModel, csv: String = demoRecording, name: String) throws -> [[String: Any]] {
        var options = DaemonOptions()
        options.model = model
        options.sensor = .csv(path: csv)
        let path = temporaryPath(name)
        unlink(path)
        defer { unlink(path) }
        options.events = .file(path)
        options.verbose = true
        options.embeddings = true
        options.statsEvery = 60
        XCTAssertEqual(try Daemon.run(options, system: LinuxSystemCalls()), .ok)
        return try parseJSONLines(path)
    }

    func testEveryLineParsesAndMatchesTheSchema() throws {
        let events = try runDaemon(name: "schema.jsonl")
        XCTAssertGreaterThan(events.count, 100)
        for e in events { assertMatchesSchema(e) }
        XCTAssertEqual(events.first?["event"] as? String, "start")
        XCTAssertEqual(events.last?["event"] as? String, "stop")
        XCTAssertEqual(events.last?["reason"] as? String, "end-of-input")
        let windows = events.filter { $0["event"] as? String == "window" }
        let stats = events.filter { $0["event"] as? String == "stats" }
        XCTAssertEqual(stats.last?["windows"] as? Int, windows.count)
        XCTAssertEqual(stats.last?["samples"] as? Int, 4811, "every row of the recording")
        let model = try ModelLoader.load(defaultModel, system: LinuxSystemCalls())
        XCTAssertEqual(windows.first.flatMap { ($0["embedding"] as? String)?.count }, 2 * model.labels.dimension, "the int8 embedding as hex")
        // Spans are contiguous between interruptions, and cover the windows they count.
        var previousEnd: Double? = nil
        var spanWindows = 0
        for e in events {
            switch e["event"] as? String {
            case "activity", "unknown":
                let start = e["start_s"] as! Double, end = e["end_s"] as! Double
                if let previousEnd { XCTAssertEqual(start, previousEnd, accuracy: 1e-9, "\(e)") }
                XCTAssertGreaterThan(end, start)
                previousEnd = end
                spanWindows += e["windows"] as! Int
            case "gap": previousEnd = nil
            default: break
            }
        }
        XCTAssertEqual(spanWindows, windows.count, "every window belongs to one span")
    }

    func testLabelNamesAreEscapedForARealParser() throws {
        var model = try ModelLoader.load(defaultModel, system: LinuxSystemCalls())
        let names = ["walking \"fast\"", "back\\slash", "tab\there", "new\nline", "Kaffee trinken ☕", "日本語で歩く", "bell\u{7}", "é"]
        for (i, name) in names.enumerated() { model.labels.labels[i].name = name }
        let path = temporaryPath("labels.mujo")
        try Data(ModelWriter.serialize(model)).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let events = try runDaemon(model: path, name: "labels.jsonl")
        for e in events { assertMatchesSchema(e) }
        let labels = events.first?["labels"] as? [String] ?? []
        XCTAssertEqual(Array(labels.prefix(names.count)), names)
        let used = Set(events.compactMap { $0["label"] as? String } + events.flatMap { ($0["top"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String } })
        XCTAssertTrue(used.isSubset(of: Set(labels)), "every label written is one of the table's, byte for byte")
        XCTAssertTrue(used.contains("walking \"fast\""), "the quoted name was written and read back")
    }

    func testEncoderEscapesEveryControlCharacter() throws {
        var line = JSONLine()
        var text = ""
        for c in 0..<32 { text.unicodeScalars.append(Unicode.Scalar(UInt8(c))) }
        text += "\"\\/\u{7f}€𝄞"
        line.begin(event: "stop")
        line.key("reason"); line.string(text)
        line.key("n"); line.integer(-9_223_372_036_854_775_807)
        line.key("x"); line.decimal(-0.00005)
        line.key("t"); line.seconds(-1_500_000)
        line.end()
        let object = try JSONSerialization.jsonObject(with: Data(line.bytes.dropLast())) as! [String: Any]
        XCTAssertEqual(object["reason"] as? String, text)
        XCTAssertEqual((object["n"] as? NSNumber)?.int64Value, -9_223_372_036_854_775_807)
        XCTAssertEqual(object["x"] as? Double, -0.0001)
        XCTAssertEqual(object["t"] as? Double, -0.001)
    }
}
