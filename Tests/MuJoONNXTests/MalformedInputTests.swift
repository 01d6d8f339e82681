import XCTest
import Foundation
import MuJoCore
@testable import MuJoONNX

/// Each class of malformed input gives an error that names the file and the problem.
final class MalformedInputTests: XCTestCase {
    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    func assertMessage(_ m: String, contains parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        for p in parts { XCTAssertTrue(m.contains(p), "“\(m)” lacks “\(p)”", file: file, line: line) }
    }

    /// A tiny ONNX model: input [1, 3, 10] (or `inputDims`) → Conv(3→4, k3) → `op` (if given).
    func tinyModel(inputDims: [Int64] = [1, 3, 10], op: String? = nil) -> Data {
        var m = Onnx_ModelProto()
        m.irVersion = 8
        var opset = Onnx_OperatorSetIdProto(); opset.version = 17
        m.opsetImport = [opset]
        var g = Onnx_GraphProto()
        var input = Onnx_ValueInfoProto()
        input.name = "imu"
        var tt = Onnx_TypeProto.Tensor()
        tt.elemType = 1
        var shape = Onnx_TensorShapeProto()
        shape.dim = inputDims.map { var d = Onnx_TensorShapeProto.Dimension(); d.dimValue = $0; return d }
        tt.shape = shape
        input.type.tensorType = tt
        g.input = [input]
        var w = Onnx_TensorProto()
        w.name = "w"; w.dataType = 1; w.dims = [4, 3, 3]; w.floatData = (0..<36).map { Float($0) / 36 }
        g.initializer = [w]
        var conv = Onnx_NodeProto()
        conv.name = "conv0"; conv.opType = "Conv"; conv.input = ["imu", "w"]; conv.output = ["c"]
        g.node = [conv]
        var last = "c"
        if let op {
            var n = Onnx_NodeProto()
            n.name = "weird0"; n.opType = op; n.input = ["c"]; n.output = ["y"]
            g.node.append(n)
            last = "y"
        }
        var out = Onnx_ValueInfoProto(); out.name = last
        g.output = [out]
        m.graph = g
        return try! m.serializedData()
    }

    func importTiny(_ data: Data) throws {
        _ = try ONNXImporter.importModel(data: data, file: "tiny.onnx", inputSpec: fixtureSpec(), labels: emptyLabels())
    }

    func testTinyModelImports() throws {
        XCTAssertNoThrow(try importTiny(tinyModel()))
    }

    func testTruncatedProtobuf() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixturePath("cnn1d.onnx")))
        let m = message { _ = try ONNXImporter.importModel(data: data.prefix(data.count / 3), file: "cut.onnx", inputSpec: fixtureSpec(), labels: emptyLabels()) }
        assertMessage(m, contains: ["cut.onnx", "not a valid ONNX protobuf", "truncated"])
        let junk = message { _ = try ONNXImporter.importModel(data: Data("hello".utf8), file: "junk.onnx", inputSpec: fixtureSpec(), labels: emptyLabels()) }
        assertMessage(junk, contains: ["junk.onnx"])
    }

    func testMissingExternalData() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mujo-ext-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let lone = dir.appendingPathComponent("lonely.onnx")
        try? FileManager.default.removeItem(at: lone)
        try FileManager.default.copyItem(atPath: fixturePath("cnn_transformer_dynamo.onnx"), toPath: lone.path)
        let m = message { _ = try ONNXImporter.load(path: lone.path, inputSpec: fixtureSpec(), labels: emptyLabels()) }
        assertMessage(m, contains: ["lonely.onnx", "cnn_transformer_dynamo.onnx.data", "copy it next to the .onnx file"])
    }

    func testUnsupportedOp() {
        let m = message { try importTiny(tinyModel(op: "LSTM")) }
        assertMessage(m, contains: ["tiny.onnx", "node 'weird0'", "LSTM", "Supported ops:", "Conv", "LayerNormalization"])
    }

    func testUnsupportedAttribute() {
        var m = Onnx_ModelProto()
        m = try! Onnx_ModelProto(serializedBytes: tinyModel())
        var a = Onnx_AttributeProto(); a.name = "auto_pad"; a.s = Data("SAME_UPPER".utf8)
        m.graph.node[0].attribute = [a]
        let msg = message { try importTiny(try m.serializedData()) }
        assertMessage(msg, contains: ["node 'conv0' (Conv)", "auto_pad=SAME_UPPER is not supported"])
    }

    func testWrongInputRank() {
        let m = message { try importTiny(tinyModel(inputDims: [1, 3, 10, 1])) }
        assertMessage(m, contains: ["tiny.onnx", "input 'imu'", "rank 4", "expected [1, C, T]"])
        let batch = message { try importTiny(tinyModel(inputDims: [4, 3, 10])) }
        assertMessage(batch, contains: ["expected [1, C, T]"])
    }

    func testNPYWrongDtypeAndShape() throws {
        let dir = FileManager.default.temporaryDirectory
        let f64 = dir.appendingPathComponent("mujo-f64.npy")
        var header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 10), }\n".utf8)
        try Data(NPY.magic + [1, 0, UInt8(header.count), 0] + header + [UInt8](repeating: 0, count: 480)).write(to: f64)
        assertMessage(message { _ = try Pipeline.loadWindows(f64.path, channels: 3, window: 10) }, contains: ["mujo-f64.npy", "'<f8'", "float32"])
        let wrong = dir.appendingPathComponent("mujo-shape.npy")
        try Data(NPY.serializeFloat32(shape: [2, 10, 3], values: [Float](repeating: 0, count: 60))).write(to: wrong)
        assertMessage(message { _ = try Pipeline.loadWindows(wrong.path, channels: 3, window: 10) },
                      contains: ["mujo-shape.npy", "(2, 10, 3)", "[N, 3, 10]"])
        header = Array("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3, 10), }\n".utf8)
        let fortran = dir.appendingPathComponent("mujo-fortran.npy")
        try Data(NPY.magic + [1, 0, UInt8(header.count), 0] + header + [UInt8](repeating: 0, count: 120)).write(to: fortran)
        assertMessage(message { _ = try Pipeline.loadWindows(fortran.path, channels: 3, window: 10) }, contains: ["mujo-fortran.npy", "Fortran order"])
    }

    func labelsJSON(dropping key: String? = nil, dim: Int = 4, embeddingCount: Int = 4) -> Data {
        var doc: [String: Any] = [
            "format": "mujo-labels/1", "text_encoder": "test", "dim": dim,
            "labels": [["name": "walking", "prompts": ["a person walking"], "embedding": [Double](repeating: 0.5, count: embeddingCount), "threshold": NSNull()]],
        ]
        if let key { doc.removeValue(forKey: key) }
        return try! JSONSerialization.data(withJSONObject: doc)
    }

    func testJSONMissingField() {
        assertMessage(message { _ = try LabelsFile.parse(labelsJSON(dropping: "dim"), file: "l.json") }, contains: ["l.json", "missing field \"dim\""])
        assertMessage(message { _ = try LabelsFile.parse(labelsJSON(dropping: "labels"), file: "l.json") }, contains: ["missing field \"labels\""])
        assertMessage(message { _ = try LabelsFile.parse(Data("{\"format\": ".utf8), file: "bad.json") }, contains: ["bad.json", "not valid JSON"])
        assertMessage(message { _ = try LabelsFile.parse(labelsJSON(embeddingCount: 3), file: "l.json") }, contains: ["'walking' has 3 embedding values; \"dim\" is 4"])
    }

    func testLabelDimensionMismatch() throws {
        let g = try ONNXImporter.load(path: fixturePath("cnn1d.onnx"), inputSpec: fixtureSpec(), labels: emptyLabels())
        let labels = try LabelsFile.parse(labelsJSON(dim: 4), file: "l4.json")
        assertMessage(message { try Pipeline.checkLabels(labels.labels, file: "l4.json", model: g.model, encoder: "cnn1d.onnx") },
                      contains: ["l4.json", "\"dim\" is 4", "cnn1d.onnx outputs 16-dimensional"])
        let ok = try LabelsFile.load(fixturePath("labels16.json"))
        XCTAssertNoThrow(try Pipeline.checkLabels(ok.labels, file: "labels16.json", model: g.model, encoder: "cnn1d.onnx"))
        XCTAssertEqual(ok.inputSpec?.window, 100)
        XCTAssertEqual(ok.labels.labels.count, 6)
    }
}
