// The one recognition loop: sensor → device loop → activity tracker → events. mujod, `mujo run`
// and the demo all run this, each with its own output (JSON lines, a table); what a newcomer sees
// on a host is what the board runs. Nothing is allocated per window once it runs.
import MuJoCore
import MuJoDevice
import MuJoSensors

/// What happened, in the order it happened. Times are on the sensor's clock, in nanoseconds.
public enum SessionEvent {
    case start(model: String, sensor: String, rateHz: Double)
    /// Every window (outputs that want only activities ignore it).
    case window(Recognition)
    /// A closed span of one smoothed label; `label` nil is an "unknown" span.
    case activity(ActivitySpan)
    case gap(SensorGap)
    /// A closed span of windows whose signal failed the sanity check (not classified).
    case signal(SignalSpan)
    case sensorError(String)
    case stats(SessionStatistics)
    case stop(reason: String)
}

/// Consecutive windows with the same signal problem; times as activity spans (window middles).
public struct SignalSpan {
    public var problem: SignalProblem
    public var startNanoseconds: Int64
    public var endNanoseconds: Int64
    public var windows: Int
}

/// Counters for `stats` events.
public struct SessionStatistics {
    public var windows = 0
    public var latencyP50Microseconds = 0
    public var latencyP99Microseconds = 0
    public var samples = 0
    public var gaps = 0
    public var samplesLost = 0
    public var rssBytes = 0
    /// Sensor-clock span covered so far (first to last sample seen), seconds.
    public var sensorSeconds: Double = 0
}

/// Receives the session's events (a JSON-line writer, a table printer, a test's recorder).
public protocol SessionOutput {
    mutating func emit(_ event: SessionEvent, recognizer: Recognizer)
}

public struct SessionSettings {
    public var tracker: ActivityTrackerSettings
    /// Seconds of sensor time between `stats` events (0: only at the end).
    public var statsEverySeconds: Double
    /// Stop once this much sensor time has passed since the first sample (Int64.max: never).
    public var limitNanoseconds: Int64
    public init(tracker: ActivityTrackerSettings, statsEverySeconds: Double, limitNanoseconds: Int64 = .max) {
        self.tracker = tracker
        self.statsEverySeconds = statsEverySeconds
        self.limitNanoseconds = limitNanoseconds
    }
}

/// How a session ended.
public enum SessionEnd {
    /// The source ran out (end of a recording).
    case sourceEnded
    /// `shouldStop` said so (a signal), or the time limit passed.
    case stopped
    /// The sensor failed for good (it vanished, cannot be opened, a malformed recording).
    case sensorFailed(SensorError)
}

public struct RecognitionSession<Sensor: MotionSensor> {
    public var loop: DeviceLoop<Sensor>
    public let recognizer: Recognizer
    public let settings: SessionSettings
    private var tracker: ActivityTracker
    private var latencies = LatencyHistogram()
    private var statistics = SessionStatistics()
    private var firstTime: Int64? = nil
    private var lastTime: Int64 = 0
    private var nextStatsAt: Int64 = .max
    private var samples = 0
    private var sensorEvents: [SensorEvent] = []
    private var signalSpan: SignalSpan? = nil

    public init(sensor: Sensor, recognizer: Recognizer, settings: SessionSettings) throws(RecognizerError) {
        loop = try DeviceLoop(sensor: sensor, recognizer: recognizer)
        self.recognizer = recognizer
        self.settings = settings
        sensorEvents.reserveCapacity(1024)
        tracker = ActivityTracker(thresholds: (0..<recognizer.model.labels.labels.count).map { recognizer.scorer.threshold($0) },
                                  settings: settings.tracker)
    }

    /// Runs until the source ends, the sensor fails or `shouldStop()` is true (asked before every
    /// event). `rss` measures resident memory for `stats` (bytes), `now` is a monotonic clock (ns).
    public mutating func run<Output: SessionOutput>(model: String, sensorDescription: String, output: inout Output,
                                                   now: () -> Int64, rss: () -> Int, shouldStop: () -> Bool) -> SessionEnd {
        var stopped = false
        var started = false
        let statsEvery = Int64(settings.statsEverySeconds * 1e9)
        // The loop runs on a local copy (the handler below mutates the rest of self); written back after.
        var loop = self.loop
        defer { self.loop = loop }
        do {
            try loop.sensor.start()
            started = true
            output.emit(.start(model: model, sensor: sensorDescription, rateHz: loop.sensor.outputDataRate), recognizer: recognizer)
            reading: while true {
                sensorEvents.removeAll(keepingCapacity: true)
                try loop.sensor.read(into: &sensorEvents)
                for i in sensorEvents.indices {
                    if shouldStop() { stopped = true; break reading }
                    if case .sample = sensorEvents[i] { samples += 1 }
                    let keepGoing = loop.process(sensorEvents[i], now: now) { event in
                        handle(event, statsEvery: statsEvery, output: &output, rss: rss)
                    }
                    if !keepGoing { stopped = true; break reading }
                }
                if try !loop.sensor.waitForData() { break }
            }
            loop.sensor.stop()
        } catch {
            loop.sensor.stop()
            if started { finish(output: &output, rss: rss) }
            output.emit(.sensorError(error.message), recognizer: recognizer)
            return .sensorFailed(error)
        }
        finish(output: &output, rss: rss)
        return stopped ? .stopped : .sourceEnded
    }

    /// One device-loop event: statistics, the tracker, the output. False stops the session.
    private mutating func handle<Output: SessionOutput>(_ event: DeviceEvent, statsEvery: Int64, output: inout Output, rss: () -> Int) -> Bool {
        switch event {
        case .started:
            break
        case .gap(let gap):
            statistics.gaps += 1
            statistics.samplesLost += gap.estimatedLostSamples
            see(gap.startNanoseconds)
            see(gap.endNanoseconds)
            closeSignalSpan(at: gap.startNanoseconds, output: &output)
            if let span = tracker.finish(atNanoseconds: gap.startNanoseconds) { output.emit(.activity(span), recognizer: recognizer) }
            output.emit(.gap(gap), recognizer: recognizer)
        case .restarted(let t):
            // Samples too far apart to bridge: a gap of unknown size on the sensor's clock.
            let gap = SensorGap(reason: .timestampJump, startNanoseconds: lastTime, endNanoseconds: t, estimatedLostSamples: 0)
            statistics.gaps += 1
            closeSignalSpan(at: lastTime, output: &output)
            if let span = tracker.finish(atNanoseconds: lastTime) { output.emit(.activity(span), recognizer: recognizer) }
            see(t)
            output.emit(.gap(gap), recognizer: recognizer)
        case .recognition(let r):
            if let first = firstTime, r.endNanoseconds - first > settings.limitNanoseconds { return false }
            see(r.startNanoseconds)
            see(r.endNanoseconds)
            statistics.windows += 1
            latencies.add(nanoseconds: r.latencyNanoseconds)
            closeSignalSpan(at: middle(r.startNanoseconds, r.endNanoseconds), output: &output)
            output.emit(.window(r), recognizer: recognizer)
            if let span = tracker.add(cosines: recognizer.cosines, startNanoseconds: r.startNanoseconds, endNanoseconds: r.endNanoseconds) {
                output.emit(.activity(span), recognizer: recognizer)
            }
            emitStatsIfDue(r.endNanoseconds, statsEvery: statsEvery, output: &output, rss: rss)
        case .signal(let w):
            if let first = firstTime, w.endNanoseconds - first > settings.limitNanoseconds { return false }
            see(w.startNanoseconds)
            see(w.endNanoseconds)
            let m = middle(w.startNanoseconds, w.endNanoseconds)
            if signalSpan?.problem == w.problem {
                signalSpan!.windows += 1   // its end is set when it closes
            } else {
                closeSignalSpan(at: m, output: &output)
                if let span = tracker.finish(atNanoseconds: m) { output.emit(.activity(span), recognizer: recognizer) }
                signalSpan = SignalSpan(problem: w.problem, startNanoseconds: m, endNanoseconds: m, windows: 1)
            }
            emitStatsIfDue(w.endNanoseconds, statsEvery: statsEvery, output: &output, rss: rss)
        }
        return true
    }

    private func middle(_ start: Int64, _ end: Int64) -> Int64 { start + (end - start) / 2 }

    /// Writes the open signal span, ending at `end` (the next span's start, a gap, the end).
    private mutating func closeSignalSpan<Output: SessionOutput>(at end: Int64, output: inout Output) {
        guard var span = signalSpan else { return }
        span.endNanoseconds = max(span.startNanoseconds, end)
        signalSpan = nil
        output.emit(.signal(span), recognizer: recognizer)
    }

    private mutating func emitStatsIfDue<Output: SessionOutput>(_ t: Int64, statsEvery: Int64, output: inout Output, rss: () -> Int) {
        guard statsEvery > 0 else { return }
        if nextStatsAt == .max { nextStatsAt = t + statsEvery }
        if t >= nextStatsAt {
            nextStatsAt += statsEvery
            output.emit(.stats(currentStatistics(rss: rss())), recognizer: recognizer)
        }
    }

    /// Closes the open activity and writes the last `stats`.
    private mutating func finish<Output: SessionOutput>(output: inout Output, rss: () -> Int) {
        closeSignalSpan(at: lastTime, output: &output)
        if let span = tracker.finish(atNanoseconds: lastTime) { output.emit(.activity(span), recognizer: recognizer) }
        output.emit(.stats(currentStatistics(rss: rss())), recognizer: recognizer)
    }

    private mutating func see(_ t: Int64) {
        if firstTime == nil { firstTime = t }
        if t > lastTime { lastTime = t }
    }

    private mutating func currentStatistics(rss: Int) -> SessionStatistics {
        statistics.latencyP50Microseconds = latencies.percentile(0.5)
        statistics.latencyP99Microseconds = latencies.percentile(0.99)
        statistics.samples = samples
        statistics.rssBytes = rss
        statistics.sensorSeconds = Double(lastTime - (firstTime ?? lastTime)) / 1e9
        return statistics
    }
}
