import XCTest
import MuJoCore
@testable import MuJoONNX

/// The float import path against onnxruntime outputs committed with the fixtures.
final class ImporterTests: XCTestCase {
    func testFloatPathMatchesOnnxRuntime() throws {
        for name in fixtureNames {
            let g = try ONNXImporter.load(path: fixturePath("\(name).onnx"), inputSpec: fixtureSpec(), labels: emptyLabels())
            let inputs = try loadNPY("\(name).inputs.npy"), expected = try loadNPY("\(name).ort.npy")
            let runner = g.runner()
            let n = inputs.shape[0], d = expected.shape[1]
            var maxAbs: Float = 0
            for i in 0..<n {
                let out = runner.run(window: Array(inputs.values[(i * 300)..<((i + 1) * 300)]))
                XCTAssertEqual(out.count, d)
                for j in 0..<d { maxAbs = max(maxAbs, abs(out[j] - expected.values[i * d + j])) }
            }
            print("\(name): float vs onnxruntime max-abs \(maxAbs) over \(n) windows, ops \(g.model.ops.map(\.code.name))")
            XCTAssertLessThanOrEqual(maxAbs, 1e-4, name)
        }
    }
}
