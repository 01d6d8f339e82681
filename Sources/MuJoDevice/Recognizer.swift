// One model, ready to classify windows: input preparation (normalisation), invoke, embedding,
// label scores. Prepared once; `classify` allocates nothing.
import MuJoCore
import MuJoSystem

public struct RecognizerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: ErrorText) { self.description = description.string }   // MuJoSystem/ErrorText.swift
}

public final class Recognizer {
    public let model: ModelDescription
    public let interpreter: Interpreter
    public let scorer: LabelScorer
    public let spec: InputSpec
    private let embedding: UnsafeMutablePointer<Float>
    private let scores: UnsafeMutablePointer<LabelScore>
    private let allCosines: UnsafeMutablePointer<Float>
    private let input: UnsafeMutablePointer<Float>
    private let inputCount: Int
    public private(set) var scoreCount = 0

    /// `kernels`: the kernel variants to run (default: the best this build and CPU have).
    public init(model: ModelDescription, kernels: KernelSet = .best) throws(RecognizerError) {
        let spec = model.inputSpec
        guard model.inputs.count == 1, model.outputs.count == 1 else {
            throw RecognizerError("the model has \(model.inputs.count) inputs and \(model.outputs.count) outputs; a recognizer needs one window in and one embedding out")
        }
        let inTensor = model.tensors[model.inputs[0]], outTensor = model.tensors[model.outputs[0]]
        guard inTensor.elementCount == spec.window * spec.channels.count, inTensor.dataType != .int32 else {
            throw RecognizerError("the model input \(inTensor.shape) does not hold a window of \(spec.window) samples × \(spec.channels.count) channels")
        }
        guard !model.labels.labels.isEmpty, outTensor.elementCount == model.labels.dimension else {
            throw RecognizerError("the embedding has \(outTensor.elementCount) values but the label table holds \(model.labels.labels.count) labels of dimension \(model.labels.dimension); set labels with `mujo labels MODEL --set LABELS.json`")
        }
        guard spec.gravity == .included else {
            throw RecognizerError("the model expects gravity removed; this runtime feeds raw accelerometer data (gravity included)")
        }
        self.model = model
        self.spec = spec
        interpreter = Interpreter(model: model, kernels: kernels)
        scorer = LabelScorer(table: model.labels)
        inputCount = inTensor.elementCount
        input = .allocate(capacity: inputCount)
        embedding = .allocate(capacity: outTensor.elementCount)
        scores = .allocate(capacity: model.labels.labels.count)
        allCosines = .allocate(capacity: model.labels.labels.count)
    }

    deinit {
        input.deallocate()
        embedding.deallocate()
        scores.deallocate()
        allCosines.deallocate()
    }

    /// Classifies one window `[window × channels]` (time-major, in the spec's units) and returns
    /// how many labels passed their thresholds; read them with `score(_:)`, best first.
    public func classify(_ window: UnsafePointer<Float>) -> Int {
        let c = spec.channels.count
        if spec.mean.isEmpty {
            input.update(from: window, count: inputCount)
        } else {
            spec.mean.withUnsafeBufferPointer { mean in
                spec.std.withUnsafeBufferPointer { std in
                    for i in 0..<inputCount { input[i] = (window[i] - mean[i % c]) / std[i % c] }
                }
            }
        }
        let t = model.tensors[model.inputs[0]]
        if t.dataType == .float32 {
            interpreter.inputPointer().copyMemory(from: input, byteCount: inputCount * 4)
        } else {
            let q = t.quantization!
            quantizeF32ToS8(input, count: inputCount, scale: q.scale, zeroPoint: q.zeroPoint,
                            output: interpreter.inputPointer().assumingMemoryBound(to: Int8.self))
        }
        interpreter.invoke()
        interpreter.readOutput(into: embedding)
        scorer.cosines(embedding, into: allCosines)
        scoreCount = scorer.rank(allCosines, into: scores)
        return scoreCount
    }

    /// The i-th best score of the last `classify`.
    public func score(_ i: Int) -> LabelScore { scores[i] }

    public func labelName(_ index: Int) -> String { model.labels.labels[index].name }

    /// Every label's cosine in the last `classify`, in label order, thresholds not applied.
    public var cosines: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: allCosines, count: model.labels.labels.count) }

    /// The embedding of the last `classify`.
    public var lastEmbedding: UnsafePointer<Float> { UnsafePointer(embedding) }
}
