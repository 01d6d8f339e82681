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

    /// Every permutation of ranks 1–4 on odd shapes, int8 and 4-byte elements, against the index
    /// arithmetic written out here (y at output index (i₀…) = x at the input index the perm names).
    func testTransposeEveryPermutationAgainstIndexArithmetic() {
        func permutations(_ n: Int) -> [[Int]] {
            n == 1 ? [[0]] : permutations(n - 1).flatMap { p in (0...p.count).map { var q = p; q.insert(n - 1, at: $0); return q } }
        }
        for shape in [[5], [3, 7], [2, 3, 5], [3, 1, 4, 6], [4, 2, 3, 5]] {
            let count = shape.reduce(1, *)
            var inStrides = [Int](repeating: 1, count: shape.count)
            for i in stride(from: shape.count - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
            for perm in permutations(shape.count) {
                let outShape = perm.map { shape[$0] }
                var expected = [Int](repeating: 0, count: count)
                for o in 0..<count {
                    var rest = o, source = 0
                    for axis in stride(from: outShape.count - 1, through: 0, by: -1) {
                        source += (rest % outShape[axis]) * inStrides[perm[axis]]
                        rest /= outShape[axis]
                    }
                    expected[o] = source
                }
                let plan = TransposePlan(shape: shape, perm: perm)
                let x8 = (0..<count).map { Int8(truncatingIfNeeded: $0 * 7 + 3) }
                var y8 = [Int8](repeating: 0, count: count)
                transposeElements(x8, plan: plan, output: &y8)
                XCTAssertEqual(y8, expected.map { x8[$0] }, "int8 shape \(shape) perm \(perm)")
                let x32 = (0..<count).map { UInt32($0) &* 2_654_435_761 }
                var y32 = [UInt32](repeating: 0, count: count)
                transposeElements(x32, plan: plan, output: &y32)
                XCTAssertEqual(y32, expected.map { x32[$0] }, "4-byte shape \(shape) perm \(perm)")
            }
        }
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
