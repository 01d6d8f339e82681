// libFuzzer target `labels`: untrusted label-embedding JSON (`mujo-labels/1`) through the reader
// `mujo labels --set` and `mujo quantize` use (MuJoONNX.LabelsFile.parse: JSONSerialization, the
// fields, and LabelsFileChecks: at least one and at most 65,536 labels, no empty, blank or
// duplicate name, no control character in a name or prompt, thresholds in [-1, 1]). Whatever it
// accepts must also be what the model file can carry: the target re-checks those rules, writes the
// table into a model (ModelWriter.serialize, which validates), reads that back with the board's
// ModelReader.parse and requires the same labels, byte for byte. An accepted input_spec must be
// written and read back the same too.
import Foundation
import MuJoCore
import MuJoHostCore
import MuJoONNX

let fixedSpec = InputSpec(sampleRateHz: 20, window: 4, hop: 2, channels: [.accelX, .accelY, .accelZ])

/// The smallest model the writer takes: one float input `[window, channels]`, which is its output.
func carrier(_ table: LabelTable, _ spec: InputSpec) -> ModelDescription {
    let input = TensorDescription(name: "window", dataType: .float32, shape: [spec.window, spec.channels.count])
    return ModelDescription(tensors: [input], ops: [], inputs: [0], outputs: [0], inputSpec: spec, labels: table, provenance: [])
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLabels(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file: LabelsFile
    do { file = try LabelsFile.parse(Data(bytes: data, count: size), file: "fuzz.json") } catch {
        _ = "\(error)"   // every refusal renders
        return 0
    }
    let table = file.labels
    // The writer's rules, as LabelsFileChecks promises them.
    precondition(!table.labels.isEmpty && table.labels.count <= LabelsFile.maxLabels, "accepted \(table.labels.count) labels")
    precondition(table.dimension >= 1)
    var names = Set<[UInt8]>()
    for l in table.labels {
        precondition(!l.name.unicodeScalars.allSatisfy { $0 == " " || $0 == "\t" }, "accepted a blank name")
        precondition(names.insert(bytes(l.name)).inserted, "accepted a duplicate name")
        for s in [l.name] + l.prompts {
            precondition(!s.unicodeScalars.contains { $0.properties.generalCategory == .control }, "accepted a control character")
        }
        precondition(l.prompts.allSatisfy { !$0.isEmpty })
        precondition(l.embedding.count == table.dimension && l.embedding.allSatisfy { $0.isFinite })
        if let t = l.threshold { precondition(t.isFinite && t >= -1 && t <= 1, "accepted threshold \(t)") }
    }
    // What was accepted, the model file carries: written, read back the same.
    let back = roundTrip(carrier(table, fixedSpec), "label table").labels
    precondition(bytes(back.textEncoder) == bytes(table.textEncoder) && back.dimension == table.dimension && back.labels.count == table.labels.count)
    for (a, b) in zip(table.labels, back.labels) {
        precondition(bytes(a.name) == bytes(b.name), "name '\(a.name)' read back as '\(b.name)'")
        precondition(a.prompts.map(bytes) == b.prompts.map(bytes), "prompts of '\(a.name)' read back as \(b.prompts)")
        precondition(a.embedding.map(\.bitPattern) == b.embedding.map(\.bitPattern))
        precondition(a.threshold?.bitPattern == b.threshold?.bitPattern, "threshold of '\(a.name)' changed")
    }
    if let spec = file.inputSpec {
        precondition(roundTrip(carrier(table, spec), "input_spec").inputSpec == spec, "input_spec changed on the way through the file")
    }
    return 0
}

/// The model written and read back; either side refusing what was accepted is a finding.
private func roundTrip(_ model: ModelDescription, _ what: String) -> ModelDescription {
    let written: [UInt8]
    do { written = try ModelWriter.serialize(model) } catch {
        preconditionFailure("the writer refuses an accepted \(what): \(error.description)")
    }
    do { return try ModelReader.parse(written) } catch {
        preconditionFailure("the reader refuses the written \(what): \(error.description)")
    }
}
