import XCTest
@testable import MuJoTools

final class EvaluationTests: XCTestCase {
    func testMetricsAgainstHandCount() {
        // targets 0,0,0,1,1,2 ; predictions 0,0,1,1,2,2
        // class 0: tp 2 fp 0 fn 1 → P 1, R 2/3, F1 0.8
        // class 1: tp 1 fp 1 fn 1 → P ½, R ½, F1 ½
        // class 2: tp 1 fp 1 fn 0 → P ½, R 1, F1 2/3
        let m = Evaluation.metrics(targets: [0, 0, 0, 1, 1, 2], predictions: [0, 0, 1, 1, 2, 2])
        XCTAssertEqual(m.accuracy, 4.0 / 6.0, accuracy: 1e-12)
        XCTAssertEqual(m.macroF1, (0.8 + 0.5 + 2.0 / 3.0) / 3, accuracy: 1e-12)
        XCTAssertEqual(m.recall, [2.0 / 3.0, 0.5, 1.0])
        // A prediction outside the target classes lowers recall but adds no class to the average.
        let n = Evaluation.metrics(targets: [0, 1], predictions: [5, 1])
        XCTAssertEqual(n.classes, [0, 1])
        XCTAssertEqual(n.macroF1, 0.5, accuracy: 1e-12)
    }

    func testQuantileAndPrototypes() {
        XCTAssertEqual(Evaluation.quantile([4, 1, 3, 2], 0.5), 2.5)
        XCTAssertEqual(Evaluation.quantile([1, 2, 3, 4, 5], 0.01), 1.04, accuracy: 1e-12)
        var rng = SplitMix64(seed: 1)
        let e: [[Float]] = [[1, 0], [3, 0], [0, 2], [0, 4]]
        let p = Evaluation.prototypes(embeddings: e, targets: [0, 0, 1, 1], classes: [0, 1], k: 2, rng: &rng)!
        XCTAssertEqual(p, [[2, 0], [0, 3]])
        XCTAssertNil(Evaluation.prototypes(embeddings: e, targets: [0, 0, 1, 1], classes: [0, 1], k: 3, rng: &rng))
        XCTAssertEqual(Evaluation.nearest([0.1, 1], prototypes: p), 1)
    }
}
