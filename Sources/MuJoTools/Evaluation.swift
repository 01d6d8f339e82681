// HOST ONLY. Classification metrics and few-shot prototypes for `mujo eval`.

public struct ClassMetrics: Equatable {
    public var accuracy: Double
    /// Mean F1 over the classes present in the targets.
    public var macroF1: Double
    /// Recall of each class present in the targets, in `classes` order.
    public var recall: [Double]
    public var classes: [Int]
}

public enum Evaluation {
    /// `targets` and `predictions` are class indices; F1 is averaged over the classes that occur in
    /// `targets` (a prediction of any other class only costs recall/precision of the true class).
    public static func metrics(targets: [Int], predictions: [Int]) -> ClassMetrics {
        precondition(targets.count == predictions.count && !targets.isEmpty)
        let classes = Array(Set(targets)).sorted()
        var correct = 0
        var f1s: [Double] = [], recalls: [Double] = []
        for (t, p) in zip(targets, predictions) where t == p { correct += 1 }
        for c in classes {
            var tp = 0, fp = 0, fn = 0
            for (t, p) in zip(targets, predictions) {
                if p == c && t == c { tp += 1 } else if p == c { fp += 1 } else if t == c { fn += 1 }
            }
            let precision = tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp)
            let recall = tp + fn == 0 ? 0 : Double(tp) / Double(tp + fn)
            recalls.append(recall)
            f1s.append(precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall))
        }
        return ClassMetrics(accuracy: Double(correct) / Double(targets.count),
                            macroF1: f1s.reduce(0, +) / Double(f1s.count), recall: recalls, classes: classes)
    }

    /// Index of the row of `prototypes` (each `dim` long) with the highest cosine to `v`.
    public static func nearest(_ v: [Float], prototypes: [[Float]]) -> Int {
        var best = 0, bestScore = -Float.infinity
        for (i, p) in prototypes.enumerated() {
            let s = cosine(v, p)
            if s > bestScore { bestScore = s; best = i }
        }
        return best
    }

    public static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        var dot: Float = 0, na: Float = 0, nb: Float = 0
        for i in 0..<min(a.count, b.count) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i] }
        return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : 0
    }

    /// The q-quantile (0…1) of `values` by linear interpolation between order statistics.
    public static func quantile(_ values: [Double], _ q: Double) -> Double {
        let s = values.sorted()
        let pos = q * Double(s.count - 1)
        let lo = Int(pos), hi = min(lo + 1, s.count - 1)
        return s[lo] + (s[hi] - s[lo]) * (pos - Double(lo))
    }

    /// Class prototypes from `k` support embeddings per class, drawn with `rng`; nil when a class
    /// has fewer than `k` support windows. Prototype = mean of the chosen embeddings.
    public static func prototypes(embeddings: [[Float]], targets: [Int], classes: [Int], k: Int,
                                  rng: inout SplitMix64) -> [[Float]]? {
        var out: [[Float]] = []
        for c in classes {
            var pool = targets.indices.filter { targets[$0] == c }
            guard pool.count >= k else { return nil }
            // Partial Fisher–Yates: the first k of a seeded shuffle.
            for i in 0..<k {
                let j = i + Int(rng.next() % UInt64(pool.count - i))
                pool.swapAt(i, j)
            }
            var mean = [Float](repeating: 0, count: embeddings[0].count)
            for i in pool[0..<k] { for d in mean.indices { mean[d] += embeddings[i][d] / Float(k) } }
            out.append(mean)
        }
        return out
    }
}

/// A small seeded generator (SplitMix64) so few-shot draws are reproducible everywhere.
public struct SplitMix64 {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
