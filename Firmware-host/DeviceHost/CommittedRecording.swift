// HOST ONLY. The demo's default input: the committed excerpt of a real WISDM 2019 recording
// (Firmware-host/Recordings/, CSV `t[ns],ax,ay,az,activity`), with the true activity of every row.
import Foundation
import MuJoEmulators

let committedRecording = "Firmware-host/Recordings/wisdm2019-subject1604-excerpt.csv"

/// Reads the committed CSV: samples for the emulated chip and one truth segment per activity run.
func committedScript(path: String) throws -> ScriptedRecording {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw ScriptError.message("cannot read the demo recording '\(path)'; run from the repository root or pass --recording")
    }
    var times: [Int64] = [], values: [SIMD3<Double>] = [], truth: [TruthSegment] = []
    for (n, line) in text.split(separator: "\n").enumerated() where n > 0 {
        let f = line.split(separator: ",", omittingEmptySubsequences: false)
        guard f.count == 5, let t = Int64(f[0]), let x = Double(f[1]), let y = Double(f[2]), let z = Double(f[3]) else {
            throw ScriptError.message("\(path):\(n + 1): expected t[ns],ax,ay,az,activity")
        }
        let name = String(f[4])
        if truth.last?.name != name {
            if !truth.isEmpty { truth[truth.count - 1].end = t }
            truth.append(TruthSegment(start: t, end: t, name: name))
        }
        times.append(t)
        values.append(SIMD3(x, y, z))
    }
    guard times.count > 2 else { throw ScriptError.message("\(path): no samples") }
    truth[truth.count - 1].end = times[times.count - 1] + 50_000_000
    return ScriptedRecording(recording: Recording(timesNanoseconds: times, values: values), truth: truth)
}
