import XCTest
import CMallocCounter
@testable import MuJoCore
import MuJoSystem

/// The shipped model, Models/default.mujo, gives the same output bytes with the best kernels as
/// with the reference kernels on real windows: the 504 calibration windows
/// (Models/default/calibration.npy) and every window at hop 6 of the committed WISDM recording
/// (Firmware-host/Recordings/wisdm2019-subject1604-excerpt.csv) — 1,289 in all.
final class DefaultModelKernelEquivalenceTests: XCTestCase {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Windows as the model's input tensor wants them: [T, C] floats, one array per window.
    func realWindows(time: Int, channels: Int) throws -> [[Float]] {
        var windows: [[Float]] = []
        let calibration = try NPY.parseFloat32([UInt8](Data(contentsOf: URL(fileURLWithPath: "\(root)/Models/default/calibration.npy"))))
        XCTAssertEqual(Array(calibration.shape.dropFirst()), [channels, time])
        for k in 0..<calibration.shape[0] {
            let base = k * channels * time
            windows.append((0..<(time * channels)).map { i in calibration.values[base + (i % channels) * time + i / channels] })
        }
        let csv = try String(contentsOfFile: "\(root)/Firmware-host/Recordings/wisdm2019-subject1604-excerpt.csv", encoding: .utf8)
        let samples: [[Float]] = csv.split(separator: "\n").dropFirst().map { line in
            line.split(separator: ",").dropFirst().prefix(channels).map { Float($0)! }
        }
        for start in stride(from: 0, through: samples.count - time, by: 6) {
            windows.append(samples[start..<(start + time)].flatMap { $0 })
        }
        return windows
    }

    func testBestKernelsGiveTheReferenceBytesOnRealWindows() throws {
        let model = try ModelLoader.load("\(root)/Models/default.mujo", system: LinuxSystemCalls())
        let reference = Interpreter(model: model, kernels: .reference), best = Interpreter(model: model, kernels: .best)
        let conv = model.ops.firstIndex { $0.code == .conv1d }!
        XCTAssertNotEqual("\(best.kernelVariant(op: conv))", "reference", "the best set runs an optimized convolution")
        let input = model.tensors[model.inputs[0]]
        let windows = try realWindows(time: input.shape[0], channels: input.shape[1])
        XCTAssertGreaterThanOrEqual(windows.count, 1_000)
        let bytes = model.tensors[model.outputs[0]].byteCount
        var differing = 0
        for (k, w) in windows.enumerated() {
            for run in [reference, best] {
                w.withUnsafeBytes { run.inputPointer().copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                run.invoke()
            }
            if memcmp(reference.outputPointer(), best.outputPointer(), bytes) != 0 {
                differing += 1
                if differing <= 3 { XCTFail("window \(k): best and reference outputs differ") }
            }
        }
        XCTAssertEqual(differing, 0, "of \(windows.count) windows")
    }

    /// The optimized kernels allocate nothing per invoke either (meaningful in a release build).
    func testInvokeWithTheBestKernelsAllocatesNothing() throws {
        XCTAssertEqual(malloc_counter_is_active(), 1, "the malloc interposer is not linked in")
        let model = try ModelLoader.load("\(root)/Models/default.mujo", system: LinuxSystemCalls())
        let interpreter = Interpreter(model: model, kernels: .best)
        interpreter.invoke()
        malloc_counter_start()
        for _ in 0..<10 { interpreter.invoke() }
        XCTAssertEqual(malloc_counter_stop(), 0)
    }
}
