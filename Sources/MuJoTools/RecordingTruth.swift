// HOST ONLY. The truth column of a labelled recording for `mujo eval --recording`: the CSV the
// sensor replay reads (`t[ns],ax,ay,az,activity`, MuJoSensors/CSVReplay.swift), whose last header
// column `activity` or `label` the replay ignores. Here it is read, one name per sample row.
import Foundation

enum RecordingTruth {
    /// The truth name of every data row of `path`, in row order (the replay's samples, one to
    /// one: blank and `#` lines and the header are skipped the same way).
    static func labels(path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("--recording \(path): cannot read the file; check the path")
        }
        let text = String(decoding: data, as: UTF8.self)
        var names: [String] = []
        var header: [String]? = nil
        for (n, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if header == nil {
                header = fields
                let last = fields.last?.lowercased() ?? ""
                guard Double(fields[0]) == nil, fields.count > 1, last == "activity" || last == "label" else {
                    throw CommandFailure("--recording \(path): no truth column; the header must end in a column named activity (or label), e.g. t[ns],ax,ay,az,activity — found '\(line.prefix(80))'")
                }
                continue
            }
            guard fields.count == header!.count else {
                throw CommandFailure("--recording \(path):\(n + 1): \(fields.count) columns, the header names \(header!.count)")
            }
            let name = fields[fields.count - 1]
            guard !name.isEmpty else {
                throw CommandFailure("--recording \(path):\(n + 1): the \(header!.last!) column is empty; every row needs its true activity")
            }
            names.append(name)
        }
        guard header != nil else { throw CommandFailure("--recording \(path): the file is empty") }
        return names
    }

    /// Runs of one name over `times` (ns, ascending, one per name): each run lasts from its first
    /// sample to the next run's first sample; the last one to the last sample.
    static func runs(names: [String], times: [Int64]) -> [Timeline.Span] {
        precondition(names.count == times.count)
        var runs: [Timeline.Span] = []
        for (name, t) in zip(names, times) where runs.last?.label != name {
            if !runs.isEmpty { runs[runs.count - 1].endNanoseconds = t }
            runs.append(Timeline.Span(label: name, startNanoseconds: t, endNanoseconds: t))
        }
        if !runs.isEmpty, let last = times.last { runs[runs.count - 1].endNanoseconds = last }
        return runs
    }

    /// The most frequent name among the samples with start ≤ t ≤ end (a tie goes to the name
    /// that comes first in time); nil when no sample falls inside.
    static func majority(names: [String], times: [Int64], from start: Int64, to end: Int64) -> String? {
        var lo = 0, hi = times.count
        while lo < hi { let mid = (lo + hi) / 2; if times[mid] < start { lo = mid + 1 } else { hi = mid } }
        var counts: [String: Int] = [:]
        var order: [String] = []
        var i = lo
        while i < times.count && times[i] <= end {
            if counts[names[i]] == nil { order.append(names[i]) }
            counts[names[i], default: 0] += 1
            i += 1
        }
        var best: String? = nil
        for name in order where best == nil || counts[name]! > counts[best!]! { best = name }
        return best
    }
}
