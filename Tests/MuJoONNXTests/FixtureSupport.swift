import Foundation
import MuJoCore
@testable import MuJoONNX

let onnxFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../Fixtures/onnx").standardized

func fixturePath(_ name: String) -> String { onnxFixtures.appendingPathComponent(name).path }

func loadNPY(_ name: String) throws -> NPYArray {
    let data = try Data(contentsOf: URL(fileURLWithPath: fixturePath(name)))
    return try NPY.parseFloat32([UInt8](data))
}

let fixtureNames = ["cnn1d", "cnn_transformer", "cnn_transformer_dynamo", "patterns", "handmade"]

func fixtureSpec() -> InputSpec {
    InputSpec(sampleRateHz: 20, window: 100, hop: 50, channels: [.accelX, .accelY, .accelZ])
}

func emptyLabels() -> LabelTable { LabelTable(textEncoder: "none", dimension: 16, labels: []) }
