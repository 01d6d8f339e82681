import XCTest
import MuJoCore
import MuJoHostCore
@testable import MuJoONNX

/// int8 fidelity on the fixtures: cosine ≥ 0.99 on average, per-channel measured against per-tensor.
final class QuantizeTests: XCTestCase {
    func testInt8FidelityOnFixtures() throws {
        for name in fixtureNames {
            let g = try ONNXImporter.load(path: fixturePath("\(name).onnx"), inputSpec: fixtureSpec(), labels: emptyLabels())
            let cal = try Pipeline.loadWindows(fixturePath("calibration.npy"), channels: 3, window: 100)
            let val = try Pipeline.loadWindows(fixturePath("validation.npy"), channels: 3, window: 100)
            let calibrator = Pipeline.calibrate(g.model, windows: cal)
            var cosines: [String: Double] = [:]
            // Every method is measured by `mujo quantize --method`; the test keeps to the default (debug builds are slow).
            for method in [Pipeline.defaultMethod] {
                for perChannel in [true, false] {
                    let q = try Pipeline.quantize(g.model, calibrator: calibrator, method: method, perChannel: perChannel)
                    _ = try ModelWriter.serialize(q)
                    let r = FidelityReport.measure(float: g.model, int8: q, windows: val)
                    let key = "\(method.rawValue)/\(perChannel ? "per-channel" : "per-tensor")"
                    cosines[key] = r.cosineMean
                    print("\(name) \(key): cosine mean \(r.cosineMean) p1 \(r.cosineP1) min SQNR \(r.layers.map(\.sqnrDB).min()!)")
                }
            }
            XCTAssertGreaterThanOrEqual(cosines["\(Pipeline.defaultMethod.rawValue)/per-channel"]!, 0.99, name)
            XCTAssertGreaterThan(cosines["\(Pipeline.defaultMethod.rawValue)/per-channel"]!, cosines["\(Pipeline.defaultMethod.rawValue)/per-tensor"]!, name)
        }
    }
}
