import XCTest
import Foundation
@testable import MuJoTools
import MuJoCore
import MuJoDevice

/// How Enrollment.sdFactor was chosen (docs/enrollment.md); opt-in, about 5 min in a debug build:
///   ENROLL_EXPLORE=1 swift test --skip-build --filter EnrollThresholdSelectionTests
/// For every held-out WISDM subject and eating activity: enroll from the first 45 s, then, for
/// threshold = leave-out mean − k·sd, print the recall on the windows from 50 s on and the share of
/// the subject's other activities the new label takes (D sitting, A walking, nonEat: all
/// non-eating activities, eat: the other eating activities and drinking). Subject 1609 (the
/// EnrollCommandTests subject) was left out of the choice.
final class EnrollThresholdSelectionTests: XCTestCase {
    func testPrintThresholdRuleCandidates() throws {
        guard ProcessInfo.processInfo.environment["ENROLL_EXPLORE"] != nil else {
            throw XCTSkip("prints the threshold-rule measurements; set ENROLL_EXPLORE=1 to run it")
        }
        let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Models/default.mujo").path
        let rec = try Recognizer(model: try loadModel(model))
        let names = ["H": "eating soup", "I": "eating chips", "J": "eating pasta", "L": "eating sandwich"]
        let ks: [Float] = [1, 2, 3, 4, 6]
        for subject in [1604, 1609, 1614, 1619, 1624, 1630, 1635, 1644, 1649] {
            let data = try loadWISDMWatchAccel(subject: subject)
            var others: [String: [EnrollmentWindow]] = [:]
            for (c, s) in data {
                let p = temporaryPath("x-\(c).csv"); try writeCSV(s, from: 0, to: .infinity, path: p)
                others[c] = try Enrollment.windows(of: p, recognizer: rec)
            }
            for code in ["H", "I", "J", "L"] {
                guard let act = data[code] else { continue }
                let idx = rec.model.labels.labels.firstIndex { $0.name == names[code]! }!
                let e = temporaryPath("e.csv"), v = temporaryPath("v.csv")
                try writeCSV(act, from: 0, to: 45, path: e); try writeCSV(act, from: 50, to: .infinity, path: v)
                let ew = try Enrollment.windows(of: e, recognizer: rec), vw = try Enrollment.windows(of: v, recognizer: rec)
                let before = Double(vw.filter { $0.best == idx }.count) / Double(vw.count)
                let p = Enrollment.prototype(ew.map(\.embedding))
                let st = try Enrollment.statistics(ew, prototype: p)
                var line = "S\(subject) \(code) n=\(ew.count)/\(vw.count) before \(Int(before*100))% loo mean \(st.meanLeaveOut) sd \(st.sdLeaveOut) min \(st.minLeaveOut) |"
                for k in ks {
                    let thr = st.meanLeaveOut - k * st.sdLeaveOut
                    func wins(_ w: EnrollmentWindow) -> Bool { let c = Enrollment.dot(w.embedding, p); return c >= thr && c > (w.bestCosine ?? -2) }
                    let recall = Double(vw.filter(wins).count) / Double(vw.count)
                    var takes: [String] = []
                    var worst = 0.0
                    for (c, ws) in others where c != code {
                        let f = Double(ws.filter(wins).count) / Double(max(ws.count, 1)); worst = max(worst, f)
                        if ["A", "D"].contains(c) { takes.append("\(c) \(Int(f*100))") }
                    }
                    let eatOther = others.filter { $0.key != code && ["H","I","J","L","K"].contains($0.key) }.map { ws in Double(ws.value.filter(wins).count) / Double(max(ws.value.count,1)) }
                    let nonEat = others.filter { !["H","I","J","L","K", code].contains($0.key) }.flatMap { $0.value }
                    let nonEatF = Double(nonEat.filter(wins).count) / Double(nonEat.count)
                    line += " k\(Int(k)): rec \(Int(recall*100)) \(takes.joined(separator: " ")) nonEat \(Int(nonEatF*100)) eat \(eatOther.map { Int($0*100) })"
                }
                print(line)
            }
        }
    }
}
