import XCTest
import Foundation
import MuJoCore
import MuJoDaemon
import MuJoDevice
import MuJoSensors
@testable import MuJoTools

/// `mujo eval --recording … --html …`: the committed WISDM excerpt through the device loop with
/// the shipped model; the page's timeline must show the session's own activity events, and bad
/// inputs and outputs must be refused with a message before any work.
final class EvalRecordingTests: XCTestCase {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
    var modelPath: String { "\(root)/Models/default.mujo" }
    var recordingPath: String { "\(root)/Firmware-host/Recordings/wisdm2019-subject1604-excerpt.csv" }
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("mujo-eval-html-tests-\(getpid())").path

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    }

    /// What the session emits, recorded here independently of the command's own recorder.
    struct SpanLog: SessionOutput {
        var spans: [ActivitySpan] = []
        var windows = 0
        mutating func emit(_ event: SessionEvent, recognizer: Recognizer) {
            if case .activity(let span) = event { spans.append(span) }
            if case .window = event { windows += 1 }
        }
    }

    func sessionEvents(settings: ActivityTrackerSettings) throws -> (spans: [(String?, Int64, Int64)], windows: Int) {
        let model = try ModelLoader.load(modelPath, system: LinuxSystemCalls())
        let recognizer = try Recognizer(model: model)
        var session = try RecognitionSession(sensor: CSVReplay(system: LinuxSystemCalls(), configuration: CSVReplayConfiguration(path: recordingPath)),
                                             recognizer: recognizer, settings: SessionSettings(tracker: settings, statsEverySeconds: 0))
        var log = SpanLog()
        _ = session.run(model: "m", sensorDescription: "csv", output: &log, now: { 0 }, rss: { 0 }, shouldStop: { false })
        return (log.spans.map { ($0.label.map { recognizer.labelName($0) }, $0.startNanoseconds, $0.endNanoseconds) }, log.windows)
    }

    func testTimelineSpansMatchTheSessionsActivityEvents() throws {
        let html = "\(tmp)/recording.html", json = "\(tmp)/recording.json"
        try EvalCommand.parse([modelPath, "--recording", recordingPath, "--html", html, "--report", json, "--name", "excerpt"]).run()
        let doc = try XMLTreeBuilder.parse(String(contentsOfFile: html, encoding: .utf8))
        let timeline = try XCTUnwrap(doc.all("svg", class: "timeline").first)
        func lane(_ name: String) -> [(String?, Int64, Int64)] {
            timeline.all("rect", "data-lane", name).map {
                ($0.attributes["data-label"], Int64($0.attributes["data-start-ns"]!)!, Int64($0.attributes["data-end-ns"]!)!)
            }
        }
        // The tracker lane is the session's activity events, span for span (defaults 8/3).
        let expected = try sessionEvents(settings: ActivityTrackerSettings(DaemonOptions()))
        let activity = lane("activity")
        XCTAssertGreaterThan(activity.count, 3)
        XCTAssertEqual(activity.count, expected.spans.count)
        for (shown, emitted) in zip(activity, expected.spans) {
            XCTAssertEqual(shown.0, emitted.0)
            XCTAssertEqual(shown.1, emitted.1)
            XCTAssertEqual(shown.2, emitted.2)
        }
        // Unknown spans are marked as such, not given a label.
        let unknownShown = timeline.all("rect", "data-lane", "activity").filter { $0.attributes["data-unknown"] == "1" }.count
        XCTAssertEqual(unknownShown, expected.spans.filter { $0.0 == nil }.count)
        // One span per window in the windows lane.
        XCTAssertEqual(lane("windows").count, expected.windows)

        // Truth lane: the recording's eight activities, 30 s each, in order, from its first sample.
        let truth = lane("truth")
        XCTAssertEqual(truth.map { $0.0 }, ["walking", "jogging", "stairs", "sitting", "standing", "typing", "dribbling", "clapping"])
        XCTAssertEqual(truth.first!.1, 0)
        for (prev, next) in zip(truth, truth.dropFirst()) { XCTAssertEqual(prev.2, next.1, "truth runs are contiguous") }

        // Positions: x is linear in sensor time over the 1000 px plot that starts at 200 px.
        let rects = timeline.all("rect", "data-lane", "activity")
        let end = Double(truth.last!.2)
        for r in rects {
            let start = Double(r.attributes["data-start-ns"]!)!, stop = Double(r.attributes["data-end-ns"]!)!
            XCTAssertEqual(Double(r.attributes["x"]!)!, 200 + start / end * 1000, accuracy: 0.01)
            XCTAssertEqual(Double(r.attributes["width"]!)!, (stop - start) / end * 1000, accuracy: 0.02)
        }
        // The time axis is in minutes: 0, 0.5, …, 4.0 for four minutes.
        let ticks = timeline.all("text", class: "tick").map(\.fullText)
        XCTAssertEqual(ticks.first, "0.0")
        XCTAssertTrue(ticks.contains("4.0"), "\(ticks)")
        // A legend entry for every label on the page.
        let legend = Set(timeline.all("g", class: "legend-item").map { $0.all("text").first!.fullText })
        XCTAssertTrue(Set(truth.compactMap { $0.0 }).isSubset(of: legend))

        // Only a recording: matrix and recall come from its windows (majority truth per window).
        let matrix = try XCTUnwrap(doc.all("svg", class: "confusion").first)
        let total = matrix.all("g", class: "cell").map { Int($0.attributes["data-count"]!)! }.reduce(0, +)
        XCTAssertEqual(total, expected.windows)
        XCTAssertNotNil(doc.all("svg", class: "recall").first)

        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        XCTAssertEqual(Set(report.keys), ["chance_accuracy", "labels", "model", "name", "recording", "seconds"])
        let figures = report["recording"] as! [String: Any]
        XCTAssertEqual(figures["windows"] as? Int, expected.windows)
        XCTAssertEqual(figures["activities"] as? Int, expected.spans.count)
        XCTAssertEqual(figures["truth_activities"] as? Int, 8)

        // Written atomically: nothing but the two reports is left in the directory.
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp).filter { $0.contains(".tmp-") }
        XCTAssertEqual(left, [])
    }

    func testSmoothingOptionsReachTheTracker() throws {
        let html = "\(tmp)/raw.html"
        try EvalCommand.parse([modelPath, "--recording", recordingPath, "--html", html, "--smooth", "1", "--hold", "1"]).run()
        let doc = try XMLTreeBuilder.parse(String(contentsOfFile: html, encoding: .utf8))
        let shown = doc.all("rect", "data-lane", "activity").count
        XCTAssertEqual(shown, try sessionEvents(settings: ActivityTrackerSettings(smooth: 1, hold: 1)).spans.count)
    }

    func failure(_ arguments: [String]) -> String? {
        do {
            try EvalCommand.parse(arguments).run()
            return nil
        } catch let error as CommandFailure {
            return error.description
        } catch {
            return EvalCommand.message(for: error)
        }
    }

    func testUnwritableOutputIsRefusedBeforeAnyWork() throws {
        // The windows do not exist: the output check must come first, so its message is the one seen.
        let missing = ["\(tmp)/none.mujo", "--windows", "\(tmp)/none.npy", "--targets", "\(tmp)/none.txt"]
        XCTAssertEqual(failure(missing + ["--html", "/nonexistent-mujo-dir/r.html"]),
                       "--html /nonexistent-mujo-dir/r.html: the directory '/nonexistent-mujo-dir' does not exist; create it or choose another path")
        XCTAssertEqual(failure(missing + ["--html", tmp]),
                       "--html \(tmp): this is a directory; give a file name, e.g. \(tmp)/report.html")
        let file = "\(tmp)/plain.txt"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(failure(missing + ["--html", "\(file)/r.html"]),
                       "--html \(file)/r.html: '\(file)' is not a directory; choose a path inside a directory")
        XCTAssertEqual(failure(missing + ["--report", "/nonexistent-mujo-dir/r.json"]),
                       "--report /nonexistent-mujo-dir/r.json: the directory '/nonexistent-mujo-dir' does not exist; create it or choose another path")
        if getuid() != 0 {
            let locked = "\(tmp)/locked"
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
            chmod(locked, 0o500)
            defer { chmod(locked, 0o700) }
            XCTAssertEqual(failure(missing + ["--html", "\(locked)/r.html"]),
                           "--html \(locked)/r.html: cannot create files in '\(locked)' (Permission denied); choose a writable directory")
        }
    }

    func testRecordingWithoutTruthColumnIsRefused() throws {
        let csv = "\(tmp)/no-truth.csv"
        try "t[s],ax,ay,az\n0,0,0,9.8\n0.05,0,0,9.8\n".write(toFile: csv, atomically: true, encoding: .utf8)
        XCTAssertEqual(failure([modelPath, "--recording", csv, "--html", "\(tmp)/x.html"]),
                       "--recording \(csv): no truth column; the header must end in a column named activity (or label), e.g. t[ns],ax,ay,az,activity — found 't[s],ax,ay,az'")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(tmp)/x.html"))
        let empty = "\(tmp)/empty-label.csv"
        try "t[s],ax,ay,az,activity\n0,0,0,9.8,sitting\n0.05,0,0,9.8,\n".write(toFile: empty, atomically: true, encoding: .utf8)
        XCTAssertEqual(failure([modelPath, "--recording", empty]),
                       "--recording \(empty):3: the activity column is empty; every row needs its true activity")
    }

    func testSomethingToEvaluateIsRequired() {
        XCTAssertEqual(failure(["m.mujo", "--html", "r.html"]),
                       "nothing to evaluate: give --windows W.npy --targets W.txt, --recording REC.csv, or both")
        XCTAssertEqual(failure(["m.mujo", "--windows", "w.npy"]),
                       "--windows and --targets go together: the windows and one true label per window")
        XCTAssertEqual(failure(["m.mujo", "--recording", "r.csv", "--few-shot", "1", "--support-windows", "s.npy", "--support-targets", "s.txt"]),
                       "--few-shot and --float evaluate --windows; give --windows and --targets too")
    }
}
