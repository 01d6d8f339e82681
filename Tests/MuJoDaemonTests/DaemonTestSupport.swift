import XCTest
import Foundation
import MuJoCore
import MuJoDaemon
import MuJoDevice
import MuJoSensors

/// The repository root (three levels above this file).
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()
let defaultModel = repositoryRoot + "/Models/default.mujo"
let demoRecording = repositoryRoot + "/Firmware-host/Recordings/wisdm2019-subject1604-excerpt.csv"

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("mujod-\(getpid())-\(name)").path
}

/// Every line of a file parsed with Foundation's JSON parser; a line that does not parse fails.
func parseJSONLines(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var out: [[String: Any]] = []
    for (i, l) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !l.isEmpty {
        guard let object = try? JSONSerialization.jsonObject(with: Data(l.utf8)) as? [String: Any] else {
            XCTFail("line \(i + 1) is not a JSON object: \(l)", file: file, line: line)
            continue
        }
        out.append(object)
    }
    XCTAssertTrue(text.isEmpty || text.hasSuffix("\n"), "every line ends with a newline", file: file, line: line)
    return out
}

/// The fields docs/events.md gives each event type, with their JSON types.
enum FieldType { case string, number, integer, strings, top }
let eventSchema: [String: [String: FieldType]] = [
    "start": ["model": .string, "labels": .strings, "sensor": .string, "rate_hz": .number, "model_rate_hz": .number,
              "window_samples": .integer, "hop_samples": .integer],
    "window": ["start_s": .number, "end_s": .number, "top": .top, "latency_us": .integer],
    "activity": ["label": .string, "start_s": .number, "end_s": .number, "mean_score": .number, "windows": .integer],
    "unknown": ["start_s": .number, "end_s": .number, "best_score": .number, "windows": .integer],
    "gap": ["reason": .string, "start_s": .number, "end_s": .number, "samples_lost": .integer],
    "signal": ["problem": .string, "start_s": .number, "end_s": .number, "windows": .integer],
    "sensor_error": ["message": .string],
    "stats": ["windows": .integer, "latency_p50_us": .integer, "latency_p99_us": .integer, "samples": .integer, "gaps": .integer,
              "samples_lost": .integer, "sensor_s": .number, "rss_bytes": .integer, "event_readers_dropped": .integer],
    "stop": ["reason": .string],
]
let optionalFields: [String: [String: FieldType]] = ["window": ["embedding": .string]]

/// Checks one event against the schema: version 1, a known type, exactly the documented fields.
func assertMatchesSchema(_ e: [String: Any], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(e["v"] as? Int, 1, "\(e)", file: file, line: line)
    guard let type = e["event"] as? String, let fields = eventSchema[type] else {
        XCTFail("unknown event \(e)", file: file, line: line); return
    }
    let allowed = fields.merging(optionalFields[type] ?? [:]) { a, _ in a }
    for key in e.keys where key != "v" && key != "event" {
        XCTAssertNotNil(allowed[key], "\(type) has an undocumented field \(key)", file: file, line: line)
    }
    for (key, kind) in fields {
        guard let value = e[key] else { XCTFail("\(type) lacks \(key)", file: file, line: line); continue }
        switch kind {
        case .string: XCTAssertTrue(value is String, "\(type).\(key)", file: file, line: line)
        case .number: XCTAssertTrue(value is NSNumber, "\(type).\(key)", file: file, line: line)
        case .integer: XCTAssertTrue((value as? NSNumber).map { $0.doubleValue == $0.doubleValue.rounded() } ?? false, "\(type).\(key)", file: file, line: line)
        case .strings: XCTAssertTrue(value is [String], "\(type).\(key)", file: file, line: line)
        case .top:
            let top = value as? [[String: Any]] ?? []
            XCTAssertTrue(top.count <= 3 && top.allSatisfy { $0["label"] is String && $0["score"] is NSNumber }, "\(type).\(key)", file: file, line: line)
        }
    }
}

/// A session over any sensor, its events written as JSON lines to a file; returns the parsed lines.
func runSession<Sensor: MotionSensor>(_ sensor: Sensor, model: ModelDescription, name: String, verbose: Bool = true,
                                      settings: SessionSettings = SessionSettings(tracker: ActivityTrackerSettings(), statsEverySeconds: 60),
                                      clock: @escaping () -> Int64 = { 0 }) throws -> [[String: Any]] {
    let path = temporaryPath(name + ".jsonl")
    unlink(path)
    defer { unlink(path) }
    let recognizer = try Recognizer(model: model)
    var session = try RecognitionSession(sensor: sensor, recognizer: recognizer, settings: settings)
    var output = JSONLinesOutput(sink: try EventSink(.file(path)), verbose: verbose, embeddings: false)
    let end = session.run(model: "model", sensorDescription: "a sensor", output: &output, now: clock, rss: { 0 }, shouldStop: { false })
    if case .sensorFailed = end { output.emit(.stop(reason: "sensor-error"), recognizer: recognizer) } else {
        output.emit(.stop(reason: "end-of-input"), recognizer: recognizer)
    }
    return try parseJSONLines(path)
}
