// HOST ONLY. `mujo inspect MODEL`: what is inside a model file.
import ArgumentParser
import Foundation
import MuJoCore
import MuJoSensors
import MuJoHostCore

public struct InspectCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model file's ops, tensors, parameters, MACs, arena bytes, input spec, labels and provenance."
    )

    @Argument(help: "A .mujo model file.")
    var model: String

    @Flag(help: "Also list every tensor.")
    var tensors = false

    public init() {}

    public func run() throws {
        print(try report())
    }

    /// The text `run` prints (tests call this).
    public func report() throws -> String {
        let m = try loadModel(model)
        let bytes = FileManager.default.contents(atPath: model) ?? Data()
        return InspectReport.render(m, fileBytes: bytes.count, path: model, listTensors: tensors,
                                    formatVersion: InspectReport.formatVersion(ofFile: [UInt8](bytes.prefix(8))))
    }
}

/// Reads and validates a model file, turning failures into messages that name the file.
/// Through the board's own loader (MuJoCore.ModelLoader), so host and board accept the same files.
func loadModel(_ path: String) throws -> ModelDescription {
    do {
        return try ModelLoader.load(path, system: LinuxSystemCalls())
    } catch {
        throw CommandFailure(error.description)
    }
}

/// A failure of a command's work (not of its arguments): printed as "Error: …", exit status 1, no usage text.
public struct CommandFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

public enum InspectReport {
    /// The format version the file's header states ("major.minor", bytes 4–7, little-endian), which
    /// may be a newer minor version than this runtime writes (ModelFormat.versionMinor).
    public static func formatVersion(ofFile header: [UInt8]) -> String {
        guard header.count >= 8 else { return "?" }
        let major = UInt16(header[4]) | UInt16(header[5]) << 8, minor = UInt16(header[6]) | UInt16(header[7]) << 8
        return "\(major).\(minor)"
    }

    public static func render(_ m: ModelDescription, fileBytes: Int, path: String, listTensors: Bool, formatVersion: String) -> String {
        var out: [String] = []
        let interpreter = Interpreter(model: m)
        let totals = ModelStatistics.totals(m)
        let int8 = m.tensors.contains { $0.dataType == .int8 && !$0.isConstant }
        out.append("model      \(path) (\(fileBytes) bytes, format \(formatVersion), \(int8 ? "int8" : "float32"))")
        out.append("parameters \(totals.parameters)")
        out.append("MACs       \(totals.macs) per window")
        out.append("arena      \(interpreter.arenaBytes) bytes (activations, planned by lifetime)")
        out.append("constants  \(interpreter.constantBytes) bytes")
        let s = m.inputSpec
        var spec = "input      \(s.window) samples × \(s.channels.map(\.name).joined(separator: ",")) at \(fmt(s.sampleRateHz)) Hz, hop \(s.hop)"
        spec += ", \(s.units.name), gravity \(s.gravity.name), \(s.sign.name) sign"
        if !s.mean.isEmpty { spec += ", normalised (mean \(s.mean.map(fmt)), std \(s.std.map(fmt)))" }
        out.append(spec)
        out.append("")
        out.append("ops")
        out.append(TextFormat.pad("#", 4) + TextFormat.pad("op", 16) + TextFormat.pad("inputs", 34) + TextFormat.pad("output", 22) + TextFormat.pad("MACs", 10) + "params")
        for (k, op) in m.ops.enumerated() {
            let st = ModelStatistics.of(m, op)
            let ins = op.inputs.filter { $0 >= 0 && !m.tensors[$0].isConstant }.map { shape(m.tensors[$0]) }.joined(separator: " ")
            var name = op.code.name
            if op.activation != .none { name += op.activation == .relu ? "+ReLU" : "+ReLU6" }
            out.append(TextFormat.pad("\(k)", 4) + TextFormat.pad(name, 16) + TextFormat.pad(ins, 34) + TextFormat.pad(shape(m.tensors[op.outputs[0]]), 22) + TextFormat.pad("\(st.macs)", 10) + "\(st.parameters)")
        }
        if listTensors {
            out.append("")
            out.append("tensors")
            for (i, t) in m.tensors.enumerated() {
                var q = ""
                if let qq = t.quantization {
                    q = qq.axis == nil ? "scale \(fmt(qq.scale)) zp \(qq.zeroPoint)" : "\(qq.scales.count) scales on axis \(qq.axis!)"
                }
                out.append(TextFormat.pad("\(i)", 5) + TextFormat.pad(t.name, 36) + TextFormat.pad(shape(t), 22) + TextFormat.pad(t.isConstant ? "const" : "", 7) + q)
            }
        }
        out.append("")
        out.append("labels     \(m.labels.labels.count) × \(m.labels.dimension)-d, text encoder: \(m.labels.textEncoder)")
        for l in m.labels.labels {
            let thr = l.threshold.map { " (threshold \(fmt($0)))" } ?? ""
            let prompt = l.prompts.first.map { " — \"\($0)\"" + (l.prompts.count > 1 ? " +\(l.prompts.count - 1)" : "") } ?? ""
            out.append("  \(l.name)\(thr)\(prompt)")
        }
        out.append("")
        out.append("provenance")
        for e in m.provenance { out.append("  \(e.key): \(e.value)") }
        return out.joined(separator: "\n")
    }

    static func shape(_ t: TensorDescription) -> String {
        let dt = t.dataType == .int8 ? "s8" : t.dataType == .int32 ? "s32" : "f32"
        return "\(dt)[\(t.shape.map(String.init).joined(separator: ","))]"
    }

    static func fmt(_ v: Float) -> String { String(format: "%g", Double(v)) }
}
