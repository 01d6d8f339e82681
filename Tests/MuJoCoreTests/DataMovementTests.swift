import XCTest
@testable import MuJoCore
import MuJoHostCore

/// Transpose, Reshape, Concat and ReLU through the interpreter, against hand-written results.
final class DataMovementTests: XCTestCase {
    let spec = InputSpec(sampleRateHz: 20, window: 4, hop: 4, channels: [.accelX])
    let noLabels = LabelTable(textEncoder: "", dimension: 0, labels: [])

    func f32(_ name: String, _ shape: [Int]) -> TensorDescription { TensorDescription(name: name, dataType: .float32, shape: shape) }

    func run(_ m: ModelDescription, inputs: [[Float]]) throws -> [Float] {
        let interpreter = Interpreter(model: try ModelReader.parse(try ModelWriter.serialize(m)))
        for (k, values) in inputs.enumerated() {
            values.withUnsafeBufferPointer { interpreter.inputPointer(k).copyMemory(from: $0.baseAddress!, byteCount: $0.count * 4) }
        }
        interpreter.invoke()
        var out = [Float](repeating: 0, count: m.tensors[m.outputs[0]].elementCount)
        interpreter.readOutput(into: &out)
        return out
    }

    func testTranspose2DAnd3D() throws {
        // [[0 1 2] [3 4 5]]ᵀ = [[0 3] [1 4] [2 5]]
        let m2 = ModelDescription(tensors: [f32("x", [2, 3]), f32("y", [3, 2])],
                                  ops: [OpDescription(code: .transpose, inputs: [0], outputs: [1], attributes: [1, 0])],
                                  inputs: [0], outputs: [1], inputSpec: spec, labels: noLabels)
        XCTAssertEqual(try run(m2, inputs: [[0, 1, 2, 3, 4, 5]]), [0, 3, 1, 4, 2, 5])
        // x[a,b,c] with shape [2,3,2], perm (1,0,2): y[b,a,c] = x[a,b,c].
        let x = (0..<12).map(Float.init)
        let m3 = ModelDescription(tensors: [f32("x", [2, 3, 2]), f32("y", [3, 2, 2])],
                                  ops: [OpDescription(code: .transpose, inputs: [0], outputs: [1], attributes: [1, 0, 2])],
                                  inputs: [0], outputs: [1], inputSpec: spec, labels: noLabels)
        XCTAssertEqual(try run(m3, inputs: [x]), [0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11])
    }

    func testConcatAlongEachAxisAndReshape() throws {
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6]
        // a [2,2] ++ b [2,1] along axis 1 → [[1 2 5] [3 4 6]]; then reshape to [6].
        let m = ModelDescription(tensors: [f32("a", [2, 2]), f32("b", [2, 1]), f32("c", [2, 3]), f32("r", [6])],
                                 ops: [OpDescription(code: .concat, inputs: [0, 1], outputs: [2], attributes: [1]),
                                       OpDescription(code: .reshape, inputs: [2], outputs: [3])],
                                 inputs: [0, 1], outputs: [3], inputSpec: spec, labels: noLabels)
        XCTAssertEqual(try run(m, inputs: [a, b]), [1, 2, 5, 3, 4, 6])
        // Along axis 0: [2,2] ++ [1,2] → rows appended.
        let m0 = ModelDescription(tensors: [f32("a", [2, 2]), f32("b", [1, 2]), f32("c", [3, 2])],
                                  ops: [OpDescription(code: .concat, inputs: [0, 1], outputs: [2], attributes: [0])],
                                  inputs: [0, 1], outputs: [2], inputSpec: spec, labels: noLabels)
        XCTAssertEqual(try run(m0, inputs: [a, b]), [1, 2, 3, 4, 5, 6])
    }

    func testInt8ReluClampsAtZeroPoint() throws {
        let q = TensorQuantization(scale: 0.5, zeroPoint: -3)
        let m = ModelDescription(
            tensors: [f32("x", [4]), TensorDescription(name: "q", dataType: .int8, shape: [4], quantization: q),
                      TensorDescription(name: "r", dataType: .int8, shape: [4], quantization: q), f32("y", [4])],
            ops: [OpDescription(code: .quantize, inputs: [0], outputs: [1]), OpDescription(code: .relu, inputs: [1], outputs: [2]),
                  OpDescription(code: .dequantize, inputs: [2], outputs: [3])],
            inputs: [0], outputs: [3], inputSpec: spec, labels: noLabels)
        // -2 → q −7 → relu q −3 → 0.0;  1.25 → 2.5 → 3 (ties away) − 3 = 0 → 1.5;  0.2 → 0.4 → 0 − 3 → 0.0.
        XCTAssertEqual(try run(m, inputs: [[-2, 1.25, 0.2, 3]]), [0, 1.5, 0, 3])
    }
}
