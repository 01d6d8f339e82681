// libFuzzer target `onnx`: untrusted .onnx bytes through the importer `mujo quantize` runs
// (MuJoONNX.ONNXImporter.importModel: the swift-protobuf decode, the opset check, the graph
// lowering with its constant folding and pattern rewrites, GraphValidator on the lowered float
// graph), then, for a graph it accepts, the cheap steps quantize takes next: its checks on the
// output (Pipeline.checkLabels, the L2-normalised last op), one float invoke (ModelRunner), a
// one-window calibration and Int8Builder.build, and the int8 model through ModelWriter and back
// through ModelReader. What the importer accepts must never trap later in the pipeline.
// The model "lives" in a scratch directory holding `fuzz.onnx.data`, so tensors with
// external_data (torch's dynamo exporter) reach that reader too; nothing outside it is read.
import Foundation
import MuJoCore
import MuJoHostCore
import MuJoONNX

let scratchDirectory: String = {
    let dir = NSTemporaryDirectory() + "mujo-fuzz-onnx"   // the same 4 KiB every run
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let data = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 37) })
    _ = FileManager.default.createFile(atPath: dir + "/fuzz.onnx.data", contents: data)
    return dir
}()

let spec = InputSpec(sampleRateHz: 20, window: 100, hop: 50, channels: [.accelX, .accelY, .accelZ])
let labels = LabelTable(textEncoder: "fuzz", dimension: 4, labels: [
    Label(name: "still", prompts: ["not moving"], embedding: [1, 0, 0, 0]),
])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let graph: ImportedGraph
    do {
        graph = try ONNXImporter.importModel(data: bytes, file: scratchDirectory + "/fuzz.onnx", inputSpec: spec, labels: labels)
    } catch {
        _ = "\(error)"   // every refusal renders
        return 0
    }
    let model = graph.model
    precondition(graph.inputChannels >= 1 && graph.inputWindow >= 1, "accepted an input without channels or samples")
    precondition(model.inputSpec.window == graph.inputWindow && model.inputSpec.hop >= 1 && model.inputSpec.hop <= graph.inputWindow)
    // quantize's checks: the output's last dimension against the labels, the last op.
    _ = try? Pipeline.checkLabels(labels, file: "labels.json", model: model, encoder: "fuzz.onnx")
    _ = model.ops.last?.code == .l2Normalize
    // Run it only when it is small: the importer bounds what it accepts, this bounds the fuzzer's time.
    var activationBytes = 0
    for t in model.tensors where !t.isConstant { activationBytes += t.byteCount }
    guard activationBytes < 32 << 20, ModelStatistics.totals(model).macs < 20_000_000 else { return 0 }
    let count = graph.inputChannels * graph.inputWindow
    var window = [Float](repeating: 0, count: count)
    for i in 0..<count { window[i] = Float(Int(data[i % max(size, 1)]) - 128) / 32 }
    let calibrator = Calibrator(model: model)
    calibrator.observe(NPYArray(shape: [1, graph.inputChannels, graph.inputWindow], values: window), window: 0)
    let int8: ModelDescription
    do { int8 = try Int8Builder.build(float: model, ranges: calibrator.ranges(.minmax)) } catch {
        _ = "\(error)"
        return 0
    }
    let file: [UInt8]
    do { file = try ModelWriter.serialize(int8) } catch {
        _ = error.description   // the writer validates; an int8 graph it refuses is reported, not written
        return 0
    }
    do { _ = try ModelReader.parse(file) } catch {
        preconditionFailure("the reader refuses what the writer wrote: \(error.description)")
    }
    return 0
}
