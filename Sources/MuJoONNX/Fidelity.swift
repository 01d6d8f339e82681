// HOST ONLY. How far the int8 model is from the float one, measured on windows:
//   per-layer SQNR   10·log10(Σ f² / Σ (f − dequant(q))²) over every op output, tensors paired by id
//   embedding cosine cos(float embedding, int8 embedding) per window: mean, 1st percentile, minimum
//   label flips      the fraction of windows whose best label (highest cosine) differs
import Foundation
import MuJoCore
import MuJoSystem

public struct LayerFidelity: Equatable {
    public var tensor: String
    public var op: String
    public var sqnrDB: Double
}

public struct FidelityReport {
    public var windows: Int
    public var layers: [LayerFidelity]
    public var cosineMean: Double
    public var cosineP1: Double
    public var cosineMin: Double
    /// nil when the model has no labels.
    public var labelFlipFraction: Double?

    public static func measure(float: ModelDescription, int8: ModelDescription, windows batch: NPYArray,
                               progress: ((Int, Int) -> Void)? = nil) -> FidelityReport {
        let fr = ModelRunner(model: float, preserveIntermediates: true)
        let qr = ModelRunner(model: int8, preserveIntermediates: true)
        let layerOps = float.ops.filter { $0.code != .reshape && $0.code != .transpose }
        var signal = [Double](repeating: 0, count: layerOps.count), noise = signal
        var cosines: [Double] = []
        var flips = 0
        let n = batch.shape[0], size = fr.channels * fr.window
        let labels = float.labels.labels
        for k in 0..<n {
            let w = batch.values[(k * size)..<((k + 1) * size)]
            let ef = fr.run(window: w), eq = qr.run(window: w)
            for (i, op) in layerOps.enumerated() {
                let a = fr.tensor(op.outputs[0]), b = qr.tensor(op.outputs[0])
                for j in 0..<a.count { signal[i] += Double(a[j]) * Double(a[j]); noise[i] += Double(a[j] - b[j]) * Double(a[j] - b[j]) }
            }
            cosines.append(cosine(ef, eq))
            if !labels.isEmpty, best(ef, labels) != best(eq, labels) { flips += 1 }
            progress?(k + 1, n)
        }
        let layers = layerOps.enumerated().map { i, op in
            LayerFidelity(tensor: float.tensors[op.outputs[0]].name, op: op.code.name,
                          sqnrDB: noise[i] == 0 ? .infinity : 10 * log10(signal[i] / noise[i]))
        }
        let sorted = cosines.sorted()
        return FidelityReport(windows: n, layers: layers,
                              cosineMean: cosines.reduce(0, +) / Double(max(n, 1)),
                              cosineP1: sorted.isEmpty ? 0 : sorted[Int(Double(sorted.count - 1) * 0.01)],
                              cosineMin: sorted.first ?? 0,
                              labelFlipFraction: labels.isEmpty ? nil : Double(flips) / Double(max(n, 1)))
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var ab = 0.0, aa = 0.0, bb = 0.0
        for i in 0..<min(a.count, b.count) { ab += Double(a[i]) * Double(b[i]); aa += Double(a[i]) * Double(a[i]); bb += Double(b[i]) * Double(b[i]) }
        return aa == 0 || bb == 0 ? 0 : ab / (aa.squareRoot() * bb.squareRoot())
    }

    static func best(_ e: [Float], _ labels: [Label]) -> Int {
        var bestIndex = 0, bestScore = -Double.infinity
        for (i, l) in labels.enumerated() {
            let s = cosine(e, l.embedding)
            if s > bestScore { bestScore = s; bestIndex = i }
        }
        return bestIndex
    }

    /// A plain-text table: one line per layer, then the embedding summary.
    public func table(title: String) -> String {
        var lines = [title, "  " + TextFormat.pad("#", 4) + TextFormat.pad("op", 16) + TextFormat.padLeft("SQNR dB", 9) + "  tensor"]
        for (i, l) in layers.enumerated() {
            lines.append("  " + TextFormat.pad("\(i)", 4) + TextFormat.pad(l.op, 16) + TextFormat.padLeft(TextFormat.fixed(Double(l.sqnrDB), 2), 9) + "  " + l.tensor)
        }
        lines.append(String(format: "  embedding cosine float vs int8 over %d windows: mean %.5f, 1st percentile %.5f, min %.5f",
                            windows, cosineMean, cosineP1, cosineMin))
        if let f = labelFlipFraction { lines.append(String(format: "  label changes: %.2f %% of windows", 100 * f)) }
        else { lines.append("  label changes: n/a (the labels file has no labels)") }
        return lines.joined(separator: "\n")
    }

    public var json: [String: Any] {
        var d: [String: Any] = [
            "windows": windows,
            "cosine_mean": cosineMean, "cosine_p1": cosineP1, "cosine_min": cosineMin,
            "layers": layers.map { ["tensor": $0.tensor, "op": $0.op, "sqnr_db": $0.sqnrDB.isFinite ? $0.sqnrDB : 999.0] as [String: Any] },
        ]
        d["label_flip_fraction"] = labelFlipFraction ?? NSNull()
        return d
    }
}
