import XCTest
import Foundation
@testable import MuJoTools
import MuJoCore

final class InspectCommandTests: XCTestCase {
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("MuJoCoreTests/Fixtures/small-graph-int8.mujo").path

    func testReportShowsHandCountedFigures() throws {
        let m = try loadModel(fixture)
        let text = InspectReport.render(m, fileBytes: 4028, path: "x.mujo", listTensors: true, formatVersion: "1.0")
        // Hand count: conv 32·8·5·3 = 3840, depthwise 32·8·3 = 768, LayerNorm 2·32·8 = 512, FC 6·8 = 48.
        XCTAssertTrue(text.contains("MACs       5168 per window"), text)
        // Parameters: conv 8·5·3+8 = 128, depthwise 8·3+8 = 32, γ/β 16, FC 6·8+6 = 54.
        XCTAssertTrue(text.contains("parameters 230"), text)
        XCTAssertTrue(text.contains("Conv1D+ReLU"), text)
        XCTAssertTrue(text.contains("input      32 samples × ax,ay,az at 20 Hz, hop 16"), text)
        XCTAssertTrue(text.contains("second axis (threshold 0.1)"), text)
        XCTAssertTrue(text.contains("arena      \(Interpreter(model: m).arenaBytes) bytes"), text)
    }

    func testErrorsNameTheFile() throws {
        XCTAssertThrowsError(try loadModel("/no/such/model.mujo")) { e in
            XCTAssertEqual("\(e)", "cannot read model /no/such/model.mujo: ENOENT (2); no such file; check the path (models ship in /usr/share/mujo or Models/ of the repository)")
        }
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(getpid()).mujo")
        try Data(Data(contentsOf: URL(fileURLWithPath: fixture)).prefix(100)).write(to: cut)
        defer { try? FileManager.default.removeItem(at: cut) }
        XCTAssertThrowsError(try loadModel(cut.path)) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(cut.path): invalid model file (section header at byte 100)"), "\(e)")
            XCTAssertTrue("\(e)".contains("copy it again"), "\(e)")
        }
    }
}
