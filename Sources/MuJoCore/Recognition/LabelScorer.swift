// Scores an embedding against the label table: cosine similarity, best first.
// The label embeddings are normalised once at init, so scoring is one dot product per label.

public struct LabelScore: Equatable {
    public var label: Int
    public var cosine: Float
    public init(label: Int, cosine: Float) {
        self.label = label
        self.cosine = cosine
    }
}

public struct LabelScorer {
    public let table: LabelTable
    private let unit: [Float]   // [labels × dim], each row of norm 1
    private let thresholds: [Float] // per label; −∞ when the label has none

    public init(table: LabelTable) {
        self.table = table
        var unit = [Float](repeating: 0, count: table.labels.count * table.dimension)
        for (i, label) in table.labels.enumerated() {
            var ss: Float = 0
            for v in label.embedding { ss += v * v }
            let inv = ss > 0 ? 1 / ss.squareRoot() : 0
            for (j, v) in label.embedding.enumerated() { unit[i * table.dimension + j] = v * inv }
        }
        self.unit = unit
        thresholds = table.labels.map { $0.threshold ?? -Float.infinity }
    }

    /// Label `i`'s threshold (−∞ when it has none).
    public func threshold(_ i: Int) -> Float { thresholds[i] }

    /// Cosine of `embedding` with every label, in label order, thresholds not applied, into
    /// `cosines` (capacity ≥ label count). Allocates nothing.
    public func cosines(_ embedding: UnsafePointer<Float>, into cosines: UnsafeMutablePointer<Float>) {
        let d = table.dimension
        var ss: Float = 0
        for j in 0..<d { ss += embedding[j] * embedding[j] }
        let inv = ss > 0 ? 1 / ss.squareRoot() : 0
        unit.withUnsafeBufferPointer { u in
            for i in 0..<thresholds.count {
                var dot: Float = 0
                for j in 0..<d { dot += u[i * d + j] * embedding[j] }
                cosines[i] = dot * inv
            }
        }
    }

    /// Cosine of `embedding` (dimension `table.dimension`) with every label, into `scores`
    /// (capacity ≥ label count), sorted best first. Labels under their threshold are left out.
    /// Returns how many scores were written. Allocates nothing.
    public func score(_ embedding: UnsafePointer<Float>, into scores: UnsafeMutablePointer<LabelScore>) -> Int {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: thresholds.count) { c in
            cosines(embedding, into: c.baseAddress!)
            return rank(UnsafePointer(c.baseAddress!), into: scores)
        }
    }

    /// The labels whose cosine (`cosines`, in label order) reaches their threshold, into `scores`
    /// sorted best first (ties keep label order). Returns how many were written. Allocates nothing.
    public func rank(_ cosines: UnsafePointer<Float>, into scores: UnsafeMutablePointer<LabelScore>) -> Int {
        var n = 0
        thresholds.withUnsafeBufferPointer { thr in
            for i in 0..<thr.count {
                let cosine = cosines[i]
                if cosine < thr[i] { continue }
                // Insertion into the sorted prefix: label counts are small.
                var k = n
                while k > 0 && scores[k - 1].cosine < cosine {
                    scores[k] = scores[k - 1]
                    k -= 1
                }
                scores[k] = LabelScore(label: i, cosine: cosine)
                n += 1
            }
        }
        return n
    }
}
