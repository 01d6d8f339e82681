// HOST ONLY. `mujo labels MODEL [--set LABELS.json] [-o OUT]`: prints a model file's label table,
// or replaces it with the labels of a mujo-labels/1 JSON file without re-quantising. The new table
// is checked as the board's reader would (names, count, dimension, finite values, thresholds) and
// the model is written atomically (AtomicFile.swift), also in place: never half a model.
import ArgumentParser
import Foundation
import MuJoCore
import MuJoHostCore
import MuJoONNX

public struct LabelsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "labels",
        abstract: "Show or replace the label table of a model file.",
        discussion: "The new labels must have the model's embedding dimension. The encoder and its int8 parameters are untouched.")

    @Argument(help: "A .mujo model file.")
    public var model: String

    @Option(name: .long, help: "Label embeddings JSON (mujo-labels/1) to put into the model.")
    public var set: String?

    @Option(name: [.short, .customLong("output")], help: "Where to write the changed model (default: overwrite MODEL).")
    public var output: String?

    public init() {}

    public func validate() throws {
        if output != nil, set == nil { throw ValidationError("-o needs --set LABELS.json: there is nothing to change") }
    }

    public func run() throws {
        for line in try apply() { print(line) }
    }

    /// Does the work and returns the lines to print (tests call this).
    public func apply() throws -> [String] {
        var m = try loadModel(model)
        let shape = m.tensors[m.outputs[0]].shape
        let dim = shape[shape.count - 1]
        guard let path = set else {
            var lines = ["\(model): \(m.labels.labels.count) labels, dimension \(m.labels.dimension), text encoder \(m.labels.textEncoder)"]
            for l in m.labels.labels {
                lines.append("  \(l.name)\(l.threshold.map { " (threshold \($0))" } ?? ""): \(l.prompts.joined(separator: " | "))")
            }
            return lines
        }
        let file = try LabelsFile.load(path)   // LabelsFileChecks.swift: what the model file may carry
        guard file.labels.dimension == dim else {
            throw ImportError("\(path): \"dim\" is \(file.labels.dimension) but \(model) outputs \(dim)-dimensional embeddings")
        }
        let out = output ?? model
        try AtomicFile.checkWritable(out, option: output == nil ? "MODEL" : "-o", example: "model.mujo")
        m.labels = file.labels
        try AtomicFile.writeModel(m, to: out, option: output == nil ? "MODEL" : "-o")
        return ["wrote \(out): \(file.labels.labels.count) labels (\(file.labels.labels.map(\.name).joined(separator: ", ")))"]
    }
}
