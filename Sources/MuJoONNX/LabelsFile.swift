// HOST ONLY. The label embeddings JSON (`mujo-labels/1`, docs/labels-format.md): label names,
// prompts, D-dimensional text embeddings, thresholds, and optionally the input spec the encoder
// was trained with. Every error names the file and the field.
import Foundation
import MuJoCore

public struct LabelsFile {
    public var labels: LabelTable
    /// nil when the file has no "input_spec" (then flags must give it).
    public var inputSpec: InputSpec?

    public static let format = "mujo-labels/1"

    public static func load(_ path: String) throws -> LabelsFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw ImportError("\(path): cannot read the file") }
        return try parse(data, file: path)
    }

    public static func parse(_ data: Data, file: String) throws -> LabelsFile {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw ImportError("\(file): not valid JSON (\((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error))")
        }
        guard let doc = root as? [String: Any] else { throw ImportError("\(file): the top level must be a JSON object") }
        func fail(_ what: String) -> ImportError { ImportError("\(file): \(what)") }
        func field<T>(_ d: [String: Any], _ key: String, _ path: String, _: T.Type) throws -> T {
            guard let v = d[key] else { throw fail("missing field \"\(path)\"") }
            guard let t = v as? T else { throw fail("field \"\(path)\" has the wrong type (\(type(of: v)))") }
            return t
        }
        let format = try field(doc, "format", "format", String.self)
        guard format == LabelsFile.format else { throw fail("format is \"\(format)\"; this mujo reads \"\(LabelsFile.format)\"") }
        let encoder = try field(doc, "text_encoder", "text_encoder", String.self)
        let dim = try field(doc, "dim", "dim", NSNumber.self).intValue
        guard dim >= 1 else { throw fail("\"dim\" is \(dim); it must be at least 1") }
        let items = try field(doc, "labels", "labels", [Any].self)
        guard items.count <= maxLabels else {   // before building them: the count alone is refused
            throw fail("\(items.count) labels; a model file holds at most \(maxLabels), remove some")
        }
        var labels: [Label] = []
        for (i, item) in items.enumerated() {
            guard let l = item as? [String: Any] else { throw fail("labels[\(i)] is not an object") }
            let name = try field(l, "name", "labels[\(i)].name", String.self)
            guard !name.isEmpty else { throw fail("labels[\(i)].name is empty") }
            let prompts = try field(l, "prompts", "labels[\(i)].prompts", [String].self)
            let emb = try field(l, "embedding", "labels[\(i)].embedding", [NSNumber].self).map { $0.floatValue }
            guard emb.count == dim else { throw fail("labels[\(i)] '\(name)' has \(emb.count) embedding values; \"dim\" is \(dim)") }
            guard emb.allSatisfy({ $0.isFinite }) else { throw fail("labels[\(i)] '\(name)' has a non-finite embedding value") }
            var threshold: Float? = nil
            if let t = l["threshold"], !(t is NSNull) {
                guard let n = t as? NSNumber else { throw fail("labels[\(i)].threshold must be a number or null") }
                threshold = n.floatValue
            }
            labels.append(Label(name: name, prompts: prompts.filter { !$0.isEmpty }, embedding: emb, threshold: threshold))
        }
        try check(labels, file: file)   // LabelsFileChecks.swift
        var spec: InputSpec? = nil
        if let s = doc["input_spec"], !(s is NSNull) {
            guard let d = s as? [String: Any] else { throw fail("\"input_spec\" must be an object") }
            let rate = try field(d, "sample_rate_hz", "input_spec.sample_rate_hz", NSNumber.self).floatValue
            let window = try field(d, "window", "input_spec.window", NSNumber.self).intValue
            let hop = (d["hop"] as? NSNumber)?.intValue ?? window
            let names = try field(d, "channels", "input_spec.channels", [String].self)
            var channels: [SensorChannel] = []
            for n in names {
                guard let c = SensorChannel(name: n) else { throw fail("input_spec.channels: unknown channel \"\(n)\" (ax, ay, az, gx, gy, gz)") }
                channels.append(c)
            }
            let units = try parseUnits((d["units"] as? String) ?? "m/s2", file: file)
            let gravity = try parseGravity((d["gravity"] as? String) ?? "included", file: file)
            let sign = try parseSign((d["sign"] as? String) ?? "android", file: file)
            var mean: [Float] = [], std: [Float] = []
            if let n = d["normalization"], !(n is NSNull) {
                guard let nd = n as? [String: Any] else { throw fail("input_spec.normalization must be an object or null") }
                mean = try field(nd, "mean", "input_spec.normalization.mean", [NSNumber].self).map { $0.floatValue }
                std = try field(nd, "std", "input_spec.normalization.std", [NSNumber].self).map { $0.floatValue }
                guard mean.count == channels.count, std.count == channels.count else {
                    throw fail("input_spec.normalization has \(mean.count) means and \(std.count) stds for \(channels.count) channels")
                }
            }
            let read = InputSpec(sampleRateHz: rate, window: window, hop: hop, channels: channels, units: units, gravity: gravity,
                                 sign: sign, mean: mean, std: std)
            try checkSpec(read, file: file)   // LabelsFileChecks.swift
            spec = read
        }
        return LabelsFile(labels: LabelTable(textEncoder: encoder, dimension: dim, labels: labels), inputSpec: spec)
    }

    public static func parseUnits(_ s: String, file: String = "--units") throws -> AccelUnits {
        switch s {
        case "m/s2", "m/s^2", "m/s²": return .metersPerSecondSquared
        case "g": return .standardGravity
        default: throw ImportError("\(file): units \"\(s)\" is not one of m/s2, g")
        }
    }

    public static func parseGravity(_ s: String, file: String = "--gravity") throws -> GravityHandling {
        switch s {
        case "included": return .included
        case "removed": return .removed
        default: throw ImportError("\(file): gravity \"\(s)\" is not one of included, removed")
        }
    }

    public static func parseSign(_ s: String, file: String = "--sign") throws -> AxisSign {
        switch s {
        case "android": return .android
        case "ios": return .ios
        default: throw ImportError("\(file): sign \"\(s)\" is not one of android, ios")
        }
    }
}
