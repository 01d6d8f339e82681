// HOST ONLY. Label top-k as an array, for tools (the board scores into a caller-owned buffer).
import MuJoCore

extension LabelScorer {
    /// The `k` best labels (those that pass their thresholds).
    public func top(_ k: Int, of embedding: [Float]) -> [LabelScore] {
        var out = [LabelScore](repeating: LabelScore(label: 0, cosine: 0), count: table.labels.count)
        let n = embedding.withUnsafeBufferPointer { e in
            out.withUnsafeMutableBufferPointer { score(e.baseAddress!, into: $0.baseAddress!) }
        }
        return Array(out[0..<min(k, n)])
    }
}
