// The device loop: sensor → model-rate frames → windows → recognizer → events.
//
//   sensor.read ─▶ sample (m/s², chip axes) ─▶ units/sign of the model ─▶ Resampler ─▶ WindowBuffer
//                 └▶ gap ─────────────────────────────────────────────────▶ reset both, report it
//   every hop: Recognizer.classify(window) ─▶ .recognition(top labels, latency)
//
// Nothing is allocated per sample or per window once running (the event array keeps its capacity).
import MuJoCore
import MuJoSensors

public struct Recognition {
    /// Sensor-clock times of the window's first and last frames.
    public var startNanoseconds: Int64
    public var endNanoseconds: Int64
    /// Labels that passed their thresholds (≤ 3 kept here), best first.
    public var top: (LabelScore?, LabelScore?, LabelScore?)
    /// Wall time of input preparation + invoke + scoring.
    public var latencyNanoseconds: Int64
}

public enum DeviceEvent {
    case started(outputDataRate: Double)
    case recognition(Recognition)
    case gap(SensorGap)
    /// The samples around a hole the sensor did not report were too far apart to bridge.
    case restarted(atNanoseconds: Int64)
    /// A window whose signal failed the sanity check (SignalCheck.swift); it was not classified.
    case signal(SignalWindow)
}

/// A window that was not classified because its signal is implausible.
public struct SignalWindow {
    public var startNanoseconds: Int64
    public var endNanoseconds: Int64
    public var problem: SignalProblem
}

/// Frame lanes: 0…2 acceleration, 3…5 rotation rate.
func lane(_ c: SensorChannel) -> Int { Int(c.rawValue) - 1 }

public struct DeviceLoop<Sensor: MotionSensor> {
    public var sensor: Sensor
    public let recognizer: Recognizer
    private var resampler: Resampler
    private var windows: WindowBuffer
    private var events: [SensorEvent] = []
    private let accelScale: Float
    private let signalCheck: SignalCheck

    public init(sensor: Sensor, recognizer: Recognizer) throws(RecognizerError) {
        let spec = recognizer.spec
        let needsGyro = spec.channels.contains { lane($0) >= 3 }
        if needsGyro && !sensor.hasGyroscope {
            throw RecognizerError("the model reads a gyroscope (\(spec.channels.map { $0.name }.joined(separator: ", "))) but the sensor has none enabled")
        }
        self.sensor = sensor
        self.recognizer = recognizer
        resampler = Resampler(rateHz: Double(spec.sampleRateHz))
        windows = WindowBuffer(window: spec.window, hop: spec.hop, channels: spec.channels.map(lane))
        events.reserveCapacity(1024)
        var scale: Float = spec.units == .standardGravity ? Float(1 / standardGravity) : 1
        if spec.sign == .ios { scale = -scale }
        accelScale = scale
        signalCheck = SignalCheck(lanes: spec.channels.map(lane), toG: spec.units == .standardGravity ? 1 : Float(1 / standardGravity))
    }

    /// Runs until the sensor is exhausted or `handle` returns false. `now` is a monotonic clock in
    /// nanoseconds used for latency.
    public mutating func run(now: () -> Int64, handle: (DeviceEvent) -> Bool) throws(SensorError) {
        try sensor.start()
        guard handle(.started(outputDataRate: sensor.outputDataRate)) else { return }
        while true {
            events.removeAll(keepingCapacity: true)
            try sensor.read(into: &events)
            for i in events.indices {
                if !process(events[i], now: now, handle: handle) { sensor.stop(); return }
            }
            if try !sensor.waitForData() { break }
        }
        sensor.stop()
    }

    /// Feeds one event; returns false when the handler asked to stop.
    public mutating func process(_ event: SensorEvent, now: () -> Int64, handle: (DeviceEvent) -> Bool) -> Bool {
        switch event {
        case .gap(let gap):
            resampler.reset()
            windows.reset()
            return handle(.gap(gap))
        case .sample(let s):
            var f = Frame()
            f[0] = s.acceleration.x * accelScale
            f[1] = s.acceleration.y * accelScale
            f[2] = s.acceleration.z * accelScale
            if let g = s.rotationRate { f[3] = g.x; f[4] = g.y; f[5] = g.z }
            var keepGoing = true
            var resampler = self.resampler // a copy (no storage): the closure below mutates `windows`
            defer { self.resampler = resampler }
            let bridged = resampler.push(s.timestampNanoseconds, f) { t, frame in
                guard keepGoing, windows.append(t, frame) else { return }
                if let problem = windows.withWindow({ signalCheck.check($0, frames: windows.window) }) {
                    let w = SignalWindow(startNanoseconds: windows.firstTime, endNanoseconds: windows.lastTime, problem: problem)
                    windows.advance()
                    keepGoing = handle(.signal(w))
                    return
                }
                let started = now()
                let n = windows.withWindow { recognizer.classify($0) }
                let r = Recognition(startNanoseconds: windows.firstTime, endNanoseconds: windows.lastTime,
                                    top: (n > 0 ? recognizer.score(0) : nil, n > 1 ? recognizer.score(1) : nil, n > 2 ? recognizer.score(2) : nil),
                                    latencyNanoseconds: now() - started)
                windows.advance()
                keepGoing = handle(.recognition(r))
            }
            if !bridged {
                windows.reset()
                if !handle(.restarted(atNanoseconds: s.timestampNanoseconds)) { return false }
            }
            return keepGoing
        }
    }
}
