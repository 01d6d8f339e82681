import XCTest
import Foundation
import CMallocCounter
import MuJoCore
import MuJoDaemon
import MuJoDevice
import MuJoSensors

/// Issue 9, acceptance 6: mujod's loop — sensor events, resampling, windows, classification,
/// the activity tracker, JSON encoding of every event and the write to the sink — allocates
/// nothing per window in steady state. Optimized builds only (scripts/test.sh runs it).
final class SessionAllocationTests: XCTestCase {
    /// Replays recorded samples a few at a time; starts the malloc counter after the warm-up
    /// reads and stops it when the stream ends.
    struct CountingSensor: MotionSensor {
        var events: [SensorEvent]
        var position = 0
        var reads = 0
        let warmUpReads: Int
        var outputDataRate: Double { 20 }
        var hasGyroscope: Bool { false }
        var statistics = SensorStatistics()
        var allocations: Int64 = -1
        mutating func start() throws(SensorError) {}
        mutating func read(into out: inout [SensorEvent]) throws(SensorError) {
            reads += 1
            if reads == warmUpReads { malloc_counter_start() }
            let end = min(position + 5, events.count)
            for i in position..<end { out.append(events[i]) }
            position = end
        }
        mutating func waitForData() throws(SensorError) -> Bool {
            if position < events.count { return true }
            if allocations < 0 { allocations = malloc_counter_stop() }
            return false
        }
        mutating func stop() {}
    }

    func testSessionSteadyStateAllocatesNothing() throws {
        #if DEBUG
        throw XCTSkip("allocation-free only in optimized builds; run: swift test -c release --filter testSessionSteadyStateAllocatesNothing")
        #endif
        XCTAssertEqual(malloc_counter_is_active(), 1)
        let recording = try parseMotionCSV(Array(Data(contentsOf: URL(fileURLWithPath: demoRecording))), path: demoRecording,
                                           configuration: CSVReplayConfiguration(path: demoRecording))
        let events = recording.samples.map { SensorEvent.sample($0) }
        let model = try ModelLoader.load(defaultModel, system: LinuxSystemCalls())
        let recognizer = try Recognizer(model: model)
        let settings = SessionSettings(tracker: ActivityTrackerSettings(smooth: 3, hold: 2), statsEverySeconds: 30)
        var session = try RecognitionSession(sensor: CountingSensor(events: events, warmUpReads: 200), recognizer: recognizer, settings: settings)
        let sink = try EventSink(.file("/dev/null"))
        var output = JSONLinesOutput(sink: sink, verbose: true, embeddings: true)
        _ = session.run(model: "m", sensorDescription: "s", output: &output, now: { 0 }, rss: { 0 }, shouldStop: { false })
        XCTAssertGreaterThan(events.count / 50, 90, "about 95 windows")
        XCTAssertEqual(session.loop.sensor.allocations, 0, "the session allocated per window (tracker, JSON, sink)")
    }
}
