// Inputs the onnx and labels fuzz targets found (Fuzz/regressions/TARGET/, Fuzz/README.md),
// replayed through the same calls as the targets, and the bugs behind them as plain tests, so each
// fixed crash stays fixed in the ordinary test run too.
import XCTest
import Foundation
import MuJoCore
import MuJoHostCore
@testable import MuJoONNX

final class FuzzRegressionTests: XCTestCase {
    let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func regressionInputs(_ target: String) throws -> [(name: String, data: Data)] {
        let dir = repositoryRoot.appendingPathComponent("Fuzz/regressions/\(target)").path
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        return try names.sorted().map { ($0, try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0))) }
    }

    /// The onnx target's steps: import, then one-window calibration and the int8 build. The first
    /// refusal's text, or nil when every step accepts.
    func quantizeSteps(_ data: Data) -> String? {
        do {
            let g = try ONNXImporter.importModel(data: data, file: "fuzz.onnx", inputSpec: fixtureSpec(), labels: emptyLabels())
            let count = g.inputChannels * g.inputWindow
            let window = (0..<count).map { Float($0 % 7) - 3 }
            let c = Calibrator(model: g.model)
            c.observe(NPYArray(shape: [1, g.inputChannels, g.inputWindow], values: window), window: 0)
            _ = try Int8Builder.build(float: g.model, ranges: c.ranges(.minmax))
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// A Conv weight of NaN went through the importer and trapped in Int8Builder (Int8(NaN)).
    func testNaNWeightIsRefusedNotTrapped() throws {
        let inputs = try regressionInputs("onnx").filter { $0.name.hasPrefix("nan-weight") }
        XCTAssertEqual(inputs.count, 1, "Fuzz/regressions/onnx holds the input the fuzzer found")
        for input in inputs {
            let m = quantizeSteps(input.data)
            XCTAssertTrue(m?.contains("NaN or infinite") ?? false, "\(input.name): \(m ?? "accepted")")
        }
        // The same bug made by hand: a fixture's first float constant gets one NaN.
        let g = try ONNXImporter.load(path: fixturePath("handmade.onnx"), inputSpec: fixtureSpec(), labels: emptyLabels())
        var model = g.model
        let k = try XCTUnwrap(model.tensors.firstIndex { $0.isConstant && $0.dataType == .float32 && ($0.data?.count ?? 0) >= 4 })
        let nan = Float.nan.bitPattern
        for b in 0..<4 { model.tensors[k].data![b] = UInt8(truncatingIfNeeded: nan >> (8 * UInt32(b))) }
        XCTAssertThrowsError(try Int8Builder.build(float: model, ranges: [:])) { error in
            XCTAssertTrue("\(error)".contains("NaN or infinite"), "\(error)")
        }
    }

    /// Every committed onnx input is refused with a message, none traps: a Gather index past the
    /// data's end indexed out of range in the shape folding.
    func testONNXRegressionInputsAreRefused() throws {
        let inputs = try regressionInputs("onnx")
        XCTAssertFalse(inputs.isEmpty)
        for input in inputs {
            let m = quantizeSteps(input.data)
            XCTAssertNotNil(m, "\(input.name) was accepted")
            XCTAssertTrue(m?.contains("fuzz.onnx") ?? false, "\(input.name): \(m ?? "")")
        }
        let gather = try XCTUnwrap(inputs.first { $0.name.hasPrefix("gather") })
        XCTAssertTrue(quantizeSteps(gather.data)?.contains("Gather") ?? false, quantizeSteps(gather.data) ?? "accepted")
    }

    /// A labels input_spec with std 0 was accepted, written by ModelWriter, and refused by the
    /// board's ModelReader: `mujo quantize` could write a model mujod would not load.
    func testZeroStdIsRefusedByTheLabelsReaderAndTheWriter() throws {
        let inputs = try regressionInputs("labels")
        XCTAssertEqual(inputs.count, 1, "Fuzz/regressions/labels holds the input the fuzzer found")
        for input in inputs {
            XCTAssertThrowsError(try LabelsFile.parse(input.data, file: "fuzz.json")) { error in
                XCTAssertEqual("\(error)", "fuzz.json: input_spec.normalization.std[0] is 0.0; a standard deviation must be positive (the window is divided by it)")
            }
        }
        let spec = InputSpec(sampleRateHz: 20, window: 4, hop: 2, channels: [.accelX, .accelY, .accelZ], mean: [0, 0, 9.8], std: [0, 1, 1])
        let input = TensorDescription(name: "window", dataType: .float32, shape: [4, 3])
        let table = LabelTable(textEncoder: "t", dimension: 1, labels: [Label(name: "a", prompts: [], embedding: [1])])
        let model = ModelDescription(tensors: [input], ops: [], inputs: [0], outputs: [0], inputSpec: spec, labels: table, provenance: [])
        XCTAssertThrowsError(try ModelWriter.serialize(model)) { error in
            XCTAssertTrue("\(error)".contains("stds positive"), "\(error)")
        }
        var good = model
        good.inputSpec.std = [1, 1, 1]
        XCTAssertEqual(try ModelReader.parse(try ModelWriter.serialize(good)).inputSpec, good.inputSpec)
    }
}
