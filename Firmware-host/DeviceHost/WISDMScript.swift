// HOST ONLY. Builds the demo's recording from a real WISDM 2019 watch file: a few activities of one
// held-out subject, played back to back, with the true activity of every instant.
import Foundation
import MuJoEmulators

/// WISDM activity codes and the label names the default model uses for them.
let wisdmActivities: [Character: String] = [
    "A": "walking", "B": "jogging", "C": "stairs", "D": "sitting", "E": "standing", "F": "typing",
    "G": "brushing teeth", "H": "eating soup", "I": "eating chips", "J": "eating pasta", "K": "drinking",
    "L": "eating sandwich", "M": "kicking", "O": "playing catch", "P": "dribbling", "Q": "writing",
    "R": "clapping", "S": "folding clothes",
]

struct TruthSegment {
    var start: Int64
    var end: Int64
    var name: String
}

struct ScriptedRecording {
    var recording: Recording
    var truth: [TruthSegment]

    func truth(at t: Int64) -> String? { truth.first { t >= $0.start && t < $0.end }?.name }
    /// The activity a window [a, b] lies entirely inside, if any.
    func truth(from a: Int64, to b: Int64) -> String? {
        truth.first { a >= $0.start && b < $0.end }?.name
    }
}

enum ScriptError: Error, CustomStringConvertible {
    case message(String)
    var description: String { if case .message(let m) = self { return m }; return "" }
}

/// Reads `path` (plain or .xz), keeps `codes` in that order, `seconds` of each after skipping `skip` s.
func scriptedRecording(path: String, codes: [Character], seconds: Double, skip: Double) throws -> ScriptedRecording {
    guard FileManager.default.fileExists(atPath: path) else {
        throw ScriptError.message("recording '\(path)' not found. The demo reads WISDM 2019 from ../shared/datasets (set MUJO_DATASETS or --recording)")
    }
    let text: String
    if path.hasSuffix(".xz") {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["xz", "-dc", path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw ScriptError.message("xz could not decompress '\(path)' (install xz-utils)") }
        text = String(decoding: data, as: UTF8.self)
    } else {
        text = try String(contentsOfFile: path, encoding: .utf8)
    }
    // Group rows by activity, in file order.
    var rows: [Character: [(Int64, SIMD3<Double>)]] = [:]
    for line in text.split(separator: "\n") {
        let f = line.split(separator: ",")
        guard f.count == 6, let code = f[1].first, let t = Int64(f[2]), let x = Double(f[3]), let y = Double(f[4]),
              let z = Double(f[5].trimmingCharacters(in: CharacterSet(charactersIn: "; \r"))) else { continue }
        rows[code, default: []].append((t, SIMD3(x, y, z)))
    }
    var times: [Int64] = [], values: [SIMD3<Double>] = [], truth: [TruthSegment] = []
    var clock: Int64 = 0
    for code in codes {
        guard let name = wisdmActivities[code] else { throw ScriptError.message("unknown WISDM activity code '\(code)'") }
        guard let all = rows[code], all.count > 40 else { throw ScriptError.message("'\(path)' has no '\(name)' (\(code)) rows") }
        let t0 = all[0].0
        let part = all.filter { Double($0.0 - t0) >= skip * 1e9 && Double($0.0 - t0) < (skip + seconds) * 1e9 }
        guard part.count > 40 else { throw ScriptError.message("'\(name)' is shorter than \(skip + seconds) s in '\(path)'") }
        let start = clock
        var last = part[0].0
        for (t, v) in part {
            let dt = t - last
            clock += (dt <= 0 || dt > 1_000_000_000) ? (times.isEmpty ? 0 : 50_000_000) : dt
            last = t
            times.append(clock)
            values.append(v)
        }
        clock += 50_000_000
        truth.append(TruthSegment(start: start, end: clock, name: name))
    }
    return ScriptedRecording(recording: Recording(timesNanoseconds: times, values: values), truth: truth)
}
