// HOST ONLY. Window counts by true label (rows) and recognised label (columns), and the per-class
// recall the report draws from them.

struct ConfusionMatrix: Equatable {
    /// Row and column names: the labels that occur as truth or as recognition, in the order given
    /// at construction (the model's label order), names not in it after them in first-seen order.
    var labels: [String]
    /// counts[truth][recognised], both indices into `labels`.
    var counts: [[Int]]

    /// Counts each (truth, recognised) pair; `order` fixes the order of known names.
    init(truth: [String], recognised: [String], order: [String]) {
        precondition(truth.count == recognised.count)
        let seen = Set(truth).union(recognised)
        var labels = order.filter { seen.contains($0) }
        var known = Set(labels)
        for name in truth + recognised where !known.contains(name) {
            labels.append(name)
            known.insert(name)
        }
        var index: [String: Int] = [:]
        for (i, name) in labels.enumerated() { index[name] = i }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
        for (t, r) in zip(truth, recognised) { counts[index[t]!][index[r]!] += 1 }
        self.labels = labels
        self.counts = counts
    }

    init(labels: [String], counts: [[Int]]) {
        self.labels = labels
        self.counts = counts
    }

    /// Windows whose truth is label `row`.
    func rowTotal(_ row: Int) -> Int { counts[row].reduce(0, +) }

    var total: Int { counts.indices.map(rowTotal).reduce(0, +) }

    /// The rows that occur as truth (a label only ever recognised has an empty row).
    var truthRows: [Int] { counts.indices.filter { rowTotal($0) > 0 } }

    /// Recall of every label that occurs as truth, in row order: correct / windows of that truth.
    var recall: [(label: String, recall: Double, windows: Int)] {
        truthRows.map { r in (labels[r], Double(counts[r][r]) / Double(rowTotal(r)), rowTotal(r)) }
    }

    /// Windows on the diagonal over all windows.
    var accuracy: Double {
        let total = self.total
        return total == 0 ? 0 : Double(counts.indices.map { counts[$0][$0] }.reduce(0, +)) / Double(total)
    }
}
