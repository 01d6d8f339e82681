import XCTest
import Foundation
@testable import MuJoDevice
import MuJoCore
import MuJoSensors
import CMallocCounter

/// A sensor that replays a fixed list of events, a few at a time.
struct ScriptedSensor: MotionSensor {
    var events: [SensorEvent]
    var position = 0
    var outputDataRate: Double
    var hasGyroscope = false
    var statistics = SensorStatistics()
    var started = false

    init(_ events: [SensorEvent], rate: Double) { self.events = events; outputDataRate = rate }
    mutating func start() throws(SensorError) { started = true }
    mutating func read(into out: inout [SensorEvent]) throws(SensorError) {
        let end = min(position + 7, events.count)
        out.append(contentsOf: events[position..<end])
        position = end
    }
    mutating func waitForData() throws(SensorError) -> Bool { position < events.count }
    mutating func stop() {}
}

func sample(_ t: Int64, _ x: Float, _ y: Float = 0, _ z: Float = 9.8) -> SensorEvent {
    .sample(MotionSample(timestampNanoseconds: t, acceleration: SIMD3(x, y, z)))
}

final class ResamplerTests: XCTestCase {
    func testDecimationAveragesEachBin() {
        // 100 Hz ramp x = i → 20 Hz: the bin around sample 5k holds samples 5k−2 … 5k+2 → mean 5k
        // (the first bin holds only samples 0, 1, 2 → mean 1). A bin closes when a later sample
        // arrives, so the last 50 ms bin (samples 48, 49) is still open.
        var r = Resampler(rateHz: 20)
        var out: [(Int64, Float)] = []
        for i in 0..<50 { r.push(Int64(i) * 10_000_000, Frame(Float(i), 0, 0, 0, 0, 0, 0, 0)) { out.append(($0, $1[0])) } }
        XCTAssertEqual(out.map(\.1), [1, 5, 10, 15, 20, 25, 30, 35, 40, 45])
        XCTAssertEqual(out.map(\.0), (0..<10).map { Int64($0) * 50_000_000 })
    }

    func testSlowInputIsInterpolated() {
        // 10 Hz input at x = 0, 10, 20 … → 20 Hz: every other frame lies halfway between inputs.
        var r = Resampler(rateHz: 20, maxHoleNanoseconds: 200_000_000)
        var out: [Float] = []
        for i in 0..<5 { r.push(Int64(i) * 100_000_000, Frame(Float(10 * i), 0, 0, 0, 0, 0, 0, 0)) { out.append($1[0]) } }
        XCTAssertEqual(out, [0, 5, 10, 15, 20, 25, 30, 35])
    }

    func testLongHoleRestartsTheGrid() {
        var r = Resampler(rateHz: 20)
        var frames = 0
        XCTAssertTrue(r.push(0, Frame()) { _, _ in frames += 1 })
        XCTAssertTrue(r.push(50_000_000, Frame()) { _, _ in frames += 1 })
        XCTAssertFalse(r.push(500_000_000, Frame()) { _, _ in frames += 1 }, "a 450 ms hole at 20 Hz must not be bridged")
        XCTAssertEqual(frames, 1)
    }
}

final class DeviceLoopTests: XCTestCase {
    let smallGraph = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("MuJoCoreTests/Fixtures/small-graph-int8.mujo")

    func recognizer() throws -> Recognizer {
        try Recognizer(model: ModelReader.parse([UInt8](Data(contentsOf: smallGraph))))
    }

    /// 20 Hz samples with a slow sine, so windows differ.
    func stream(seconds: Int, from t0: Int64 = 1_000_000_000) -> [SensorEvent] {
        (0..<(seconds * 20)).map { i in
            let v = Float(sin(Double(i) / 7))
            return sample(t0 + Int64(i) * 50_000_000, v, -v, 9.8 - v)
        }
    }

    func testWindowsEveryHopAndSameResultAsDirectClassification() throws {
        // The small graph: 32-sample windows, hop 16, at 20 Hz. 400 samples give 399 closed frames
        // (the last bin waits for a later sample) → ⌊(399 − 32)/16⌋ + 1 = 23 windows.
        let events = stream(seconds: 20)
        var loop = try DeviceLoop(sensor: ScriptedSensor(events, rate: 20), recognizer: try recognizer())
        var recognitions: [Recognition] = []
        try loop.run(now: { 0 }) { e in
            if case .recognition(let r) = e { recognitions.append(r) }
            return true
        }
        XCTAssertEqual(recognitions.count, 23)
        XCTAssertEqual(recognitions[1].startNanoseconds - recognitions[0].startNanoseconds, 16 * 50_000_000)
        // Window 3 starts at frame 48: classify those samples directly and compare.
        let direct = try recognizer()
        var window: [Float] = []
        for e in events[48..<80] { let a = e.sample!.acceleration; window += [a.x, a.y, a.z] }
        let n = window.withUnsafeBufferPointer { direct.classify($0.baseAddress!) }
        XCTAssertGreaterThan(n, 0)
        XCTAssertEqual(recognitions[3].top.0, direct.score(0))
    }

    func testGapDiscardsThePartialWindow() throws {
        // 1 s, a gap, then 2 s: the first second cannot fill a 32-sample window; after the gap a
        // new window needs 32 fresh samples: (40 − 32)/16 + 1 = 1 window, none spanning the gap.
        var events = stream(seconds: 1)
        events.append(.gap(SensorGap(reason: .fifoOverflow, startNanoseconds: 1_950_000_000, endNanoseconds: 3_000_000_000, estimatedLostSamples: 20)))
        events += stream(seconds: 2, from: 3_000_000_000)
        var loop = try DeviceLoop(sensor: ScriptedSensor(events, rate: 20), recognizer: try recognizer())
        var log: [String] = []
        try loop.run(now: { 0 }) { e in
            switch e {
            case .recognition(let r): log.append("window \(r.startNanoseconds)")
            case .gap(let g): log.append("gap \(g.reason.name)")
            case .restarted: log.append("restart")
            case .started: log.append("start")
            case .signal(let w): log.append("signal \(w.problem.name)")
            }
            return true
        }
        XCTAssertEqual(log, ["start", "gap fifo-overflow", "window 3000000000"])
    }

    /// Optimized builds only: at -Onone unspecialized generic code (SIMD lanes, closures) allocates.
    /// scripts/test.sh runs it with `swift test -c release`.
    func testSteadyStateAllocatesNothingPerSampleOrWindow() throws {
        #if DEBUG
        throw XCTSkip("allocation-free only in optimized builds; run: swift test -c release --filter testSteadyStateAllocatesNothing")
        #endif
        XCTAssertEqual(malloc_counter_is_active(), 1)
        var loop = try DeviceLoop(sensor: ScriptedSensor([], rate: 20), recognizer: try recognizer())
        let events = stream(seconds: 60)
        var windows = 0
        let handle: (DeviceEvent) -> Bool = { e in
            if case .recognition = e { windows += 1 }
            return true
        }
        for e in events[0..<100] { _ = loop.process(e, now: { 0 }, handle: handle) } // warm-up
        malloc_counter_start()
        for e in events[100...] { _ = loop.process(e, now: { 0 }, handle: handle) }
        let allocations = malloc_counter_stop()
        XCTAssertGreaterThan(windows, 60)
        XCTAssertEqual(allocations, 0, "the device loop allocated while resampling, windowing and classifying")
    }

    func testModelNeedingGyroscopeIsRefusedWithoutOne() throws {
        var model = try ModelReader.parse([UInt8](Data(contentsOf: smallGraph)))
        model.inputSpec.channels = [.accelX, .accelY, .gyroZ]
        let r = try Recognizer(model: model)
        XCTAssertThrowsError(try DeviceLoop(sensor: ScriptedSensor([], rate: 20), recognizer: r)) { e in
            XCTAssertTrue("\(e)".contains("reads a gyroscope"), "\(e)")
        }
    }
}
