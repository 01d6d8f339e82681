// HOST ONLY. Runs a float32 or int8 MuJo model on windows given in the ONNX layout `[C, T]`
// (as `.npy` calibration files hold them) and reads any tensor back as floats.
import MuJoCore
import MuJoHostCore

public final class ModelRunner {
    public let model: ModelDescription
    public let interpreter: Interpreter
    public let channels: Int
    public let window: Int

    /// `preserveIntermediates` keeps every tensor readable after `run` (calibration, per-layer SQNR).
    public init(model: ModelDescription, preserveIntermediates: Bool = false) {
        self.model = model
        interpreter = Interpreter(model: model, kernels: .host, preserveIntermediates: preserveIntermediates)
        let shape = model.tensors[model.inputs[0]].shape
        window = shape[0]
        channels = shape[1]
    }

    /// Runs one window `[C, T]` (row-major) and returns the output as floats.
    @discardableResult
    public func run(window w: ArraySlice<Float>) -> [Float] {
        let p = interpreter.inputPointer().assumingMemoryBound(to: Float.self)
        let base = w.startIndex
        for t in 0..<window { for c in 0..<channels { p[t * channels + c] = w[base + c * window + t] } }
        interpreter.invoke()
        return tensor(model.outputs[0])
    }

    public func run(window w: [Float]) -> [Float] { run(window: w[...]) }

    /// Tensor `id` as floats (int8 dequantized with its scale and zero point).
    public func tensor(_ id: Int) -> [Float] {
        var out = [Float](repeating: 0, count: model.tensors[id].elementCount)
        out.withUnsafeMutableBufferPointer { interpreter.readTensor(id, into: $0.baseAddress!) }
        return out
    }
}

extension ImportedGraph {
    public func runner(preserveIntermediates: Bool = false) -> ModelRunner { ModelRunner(model: model, preserveIntermediates: preserveIntermediates) }
}
