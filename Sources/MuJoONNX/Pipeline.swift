// HOST ONLY. The steps of `mujo quantize` as functions (the CLI adds files, flags and printing).
import Foundation
import MuJoCore

public enum Pipeline {
    /// The calibration method `mujo quantize` uses unless told otherwise (measured: docs/quantize.md).
    public static let defaultMethod = CalibrationMethod.percentile

    /// Reads a `.npy` of windows for a model with input `[C, T]`: `[N, C, T]` or one window `[C, T]`.
    public static func loadWindows(_ path: String, channels: Int, window: Int) throws -> NPYArray {
        guard let data = FileManager.default.contents(atPath: path) else { throw ImportError("\(path): cannot read the file") }
        return try parseWindows([UInt8](data), file: path, channels: channels, window: window)
    }

    /// `loadWindows` on a file's bytes (`file` names it in errors; the `npy` fuzz target calls this).
    public static func parseWindows(_ bytes: [UInt8], file path: String, channels: Int, window: Int) throws -> NPYArray {
        var a: NPYArray
        do { a = try NPY.parseFloat32(bytes) } catch { throw ImportError("\(path): \(error.message)") }
        if a.shape.count == 2 { a.shape = [1] + a.shape }
        guard a.shape.count == 3, a.shape[1] == channels, a.shape[2] == window, a.shape[0] >= 1 else {
            throw ImportError("\(path): windows have shape \(NPY.shapeText(a.shape)); the model takes [N, \(channels), \(window)] (N windows, \(channels) channels, \(window) samples, the ONNX input layout)")
        }
        for v in a.values where !v.isFinite { throw ImportError("\(path): contains NaN or infinite values") }
        return a
    }

    /// Runs the float model over every calibration window.
    public static func calibrate(_ model: ModelDescription, windows: NPYArray, progress: ((Int, Int) -> Void)? = nil) -> Calibrator {
        let c = Calibrator(model: model)
        for k in 0..<windows.shape[0] {
            c.observe(windows, window: k)
            progress?(k + 1, windows.shape[0])
        }
        return c
    }

    public static func quantize(_ model: ModelDescription, calibrator: Calibrator, method: CalibrationMethod, perChannel: Bool) throws -> ModelDescription {
        var m = try Int8Builder.build(float: model, ranges: calibrator.ranges(method), options: Int8BuildOptions(perChannel: perChannel))
        m.provenance.append(ProvenanceEntry("calibration", "\(method.rawValue), \(calibrator.windows) windows"))
        return m
    }

    /// The labels' dimension must be the encoder's embedding dimension.
    public static func checkLabels(_ labels: LabelTable, file: String, model: ModelDescription, encoder: String) throws {
        let shape = model.tensors[model.outputs[0]].shape
        let dim = shape[shape.count - 1]
        guard labels.dimension == dim else {
            throw ImportError("\(file): \"dim\" is \(labels.dimension) but \(encoder) outputs \(dim)-dimensional embeddings; export the labels with the projection that belongs to this encoder")
        }
    }
}
