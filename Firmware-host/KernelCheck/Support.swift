// Helpers of the kernel check: PASS/FAIL reporting, the environment init.sh passes (Embedded Swift
// has no CommandLine), value comparison and sample collection from any MotionSensor.
import CMuJoSystem
import MuJoSensors

/// Counts and prints one "PASS: " / "FAIL: " line per check (run-kernel-test.sh counts them).
struct Report {
    var passed = 0
    var failed = 0

    mutating func check(_ ok: Bool, _ what: String) {
        if ok { passed += 1; print("PASS: " + what) } else { failed += 1; print("FAIL: " + what) }
    }

    mutating func fail(_ what: String) { check(false, what) }

    /// Prints the tally and exits: status 0 when nothing failed, 1 otherwise.
    func finish(_ phase: String) -> Never {
        print("mujo-kernel-check \(phase): \(passed) passed, \(failed) failed")
        exit(failed == 0 ? 0 : 1)
    }
}

/// An environment variable, or nil when unset or empty.
func environment(_ name: String) -> String? {
    guard let value = name.withCString({ getenv($0) }) else { return nil }
    let text = String(cString: value)
    return text.isEmpty ? nil : text
}

/// "250,-500,1000" → (250, -500, 1000).
func parseTriple(_ text: String) -> SIMD3<Int32>? {
    var values: [Int32] = []
    for part in text.split(separator: ",") {
        guard let v = Int32(part) else { return nil }
        values.append(v)
    }
    return values.count == 3 ? SIMD3(values[0], values[1], values[2]) : nil
}

/// A required triple from the environment; reports a failure and returns nil when missing.
func requiredTriple(_ name: String, _ report: inout Report) -> SIMD3<Int32>? {
    guard let text = environment(name), let v = parseTriple(text) else {
        report.fail("environment \(name) holds three comma-separated integers")
        return nil
    }
    return v
}

/// Formats a value with three decimals (Embedded Swift prints Float with many digits).
func fixed3(_ v: Float) -> String {
    let negative = v < 0
    let milli = Int64(((negative ? -v : v) * 1000).rounded())
    let frac = milli % 1000
    let fracText = frac < 10 ? "00\(frac)" : (frac < 100 ? "0\(frac)" : "\(frac)")
    return (negative ? "-" : "") + "\(milli / 1000).\(fracText)"
}

func vectorText(_ v: SIMD3<Float>) -> String { "(\(fixed3(v.x)), \(fixed3(v.y)), \(fixed3(v.z)))" }

/// True when every axis of `a` is within `tolerance` m/s² of `b`.
func close(_ a: SIMD3<Float>, _ b: SIMD3<Float>, tolerance: Float) -> Bool {
    let d = a - b
    return abs(d.x) <= tolerance && abs(d.y) <= tolerance && abs(d.z) <= tolerance
}

/// Milli-g per axis → m/s².
func metersPerSecondSquared(milliG v: SIMD3<Int32>) -> SIMD3<Float> {
    SIMD3(Float(v.x), Float(v.y), Float(v.z)) * Float(standardGravity / 1000)
}

/// What a sensor delivered in one collection run.
struct Collected {
    var samples: [MotionSample] = []
    var gaps: [SensorGap] = []
    var error: SensorError? = nil
}

/// Reads events from `sensor` until `enough` says so or `timeoutNanoseconds` pass. Errors end the
/// run and are returned in `error`; `enough` sees everything collected so far.
func collect<M: MotionSensor>(
    _ sensor: inout M, timeoutNanoseconds: Int64, enough: (Collected) -> Bool
) -> Collected {
    var result = Collected()
    var events: [SensorEvent] = []
    events.reserveCapacity(64)
    let end = mujo_monotonic_ns() + timeoutNanoseconds
    while mujo_monotonic_ns() < end && !enough(result) {
        do {
            _ = try sensor.waitForData()
            events.removeAll(keepingCapacity: true)
            try sensor.read(into: &events)
        } catch {
            result.error = error
            return result
        }
        for event in events {
            switch event {
            case .sample(let s): result.samples.append(s)
            case .gap(let g): result.gaps.append(g)
            }
        }
    }
    return result
}

/// Creates an empty file (the handshake with init.sh).
func touch(_ path: String) -> Bool {
    let fd = path.withCString { creat($0, 0o644) }
    if fd < 0 { return false }
    _ = CMuJoSystem.close(fd)
    return true
}

func exists(_ path: String) -> Bool { path.withCString { access($0, F_OK) } == 0 }
