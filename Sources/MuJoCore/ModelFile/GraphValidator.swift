// Semantic checks of a model graph, run by the reader on every untrusted file (and by the writer,
// so that no tool can produce a file the runtime would refuse). After these checks pass, the
// interpreter runs the graph without further checks.
import MuJoSystem
//
// Per op (docs/model-format.md has the table): which inputs, their dtypes and shapes, attributes.
// "requant" inputs are constant int32 [channels, 2] tensors of (multiplier, shift) pairs.

public enum GraphValidator {
    /// The longest reduction (e.g. K·C_in of a convolution) for which int32 accumulation of int8
    /// products cannot overflow: 65536 · 255 · 127 < 2³¹.
    public static let maxReduction = 65536

    public static func validate(_ m: ModelDescription) throws(ModelError) {
        try validateLabels(m.labels)
        try validateSpec(m.inputSpec)
        var produced = [Bool](repeating: false, count: m.tensors.count)
        for (i, t) in m.tensors.enumerated() {
            if t.isConstant { produced[i] = true }
            if t.dataType == .int8, !t.isConstant {
                guard let q = t.quantization, q.axis == nil else {
                    throw ModelError(.badTensor, section: "TENS", "int8 activation tensor \(i) '\(t.name)' needs one scale and zero point")
                }
            }
            if let q = t.quantization {
                guard q.scales.count == q.zeroPoints.count, q.scales.count == (q.axis.map { $0 < t.shape.count ? t.shape[$0] : -1 } ?? 1) else {
                    throw ModelError(.badTensor, section: "TENS", "tensor \(i) '\(t.name)' has \(q.scales.count) scales for shape \(t.shape)")
                }
            }
            if let d = t.data, d.count != t.byteCount {
                throw ModelError(.badTensor, section: "TENS", "tensor \(i) '\(t.name)' holds \(d.count) bytes, its shape needs \(t.byteCount)")
            }
        }
        guard !m.inputs.isEmpty, !m.outputs.isEmpty else {
            throw ModelError(.badGraph, section: "GRPH", "the graph needs at least one input and one output")
        }
        for i in m.inputs {
            guard i >= 0, i < m.tensors.count, !m.tensors[i].isConstant, !produced[i] else {
                throw ModelError(.badTensorId, section: "GRPH", "model input \(i) is not a distinct non-constant tensor id below \(m.tensors.count)")
            }
            produced[i] = true
        }
        for (index, op) in m.ops.enumerated() {
            let ctx = OpContext(model: m, index: index, op: op)
            for id in op.inputs where id != -1 {
                guard id >= 0, id < m.tensors.count else { throw ctx.fail(.badTensorId, "input tensor id \(id) is out of range 0..<\(m.tensors.count)") }
                guard produced[id] else { throw ctx.fail(.badGraph, "input tensor \(id) is used before any op produces it") }
            }
            guard !op.outputs.isEmpty else { throw ctx.fail(.badGraph, "has no output") }
            for id in op.outputs {
                guard id >= 0, id < m.tensors.count else { throw ctx.fail(.badTensorId, "output tensor id \(id) is out of range 0..<\(m.tensors.count)") }
                guard !produced[id] else { throw ctx.fail(.badGraph, "output tensor \(id) is a constant, a model input or produced twice") }
                produced[id] = true
            }
            try OpSignature.check(ctx)
        }
        for o in m.outputs {
            guard o >= 0, o < m.tensors.count, produced[o], !m.tensors[o].isConstant else {
                throw ModelError(.badTensorId, section: "GRPH", "model output \(o) is not a tensor the graph produces")
            }
        }
    }

    static func validateLabels(_ l: LabelTable) throws(ModelError) {
        guard l.dimension >= 1 || l.labels.isEmpty else {
            throw ModelError(.badLabels, section: "LABL", "embedding dimension \(l.dimension)")
        }
        for (i, label) in l.labels.enumerated() {
            guard label.embedding.count == l.dimension else {
                throw ModelError(.badLabels, section: "LABL", "label \(i) '\(label.name)' has \(label.embedding.count) values, the table's dimension is \(l.dimension)")
            }
            for v in label.embedding where !v.isFinite {
                throw ModelError(.badLabels, section: "LABL", "label \(i) '\(label.name)' has a non-finite embedding value")
            }
            for p in label.prompts where p.isEmpty {
                throw ModelError(.badLabels, section: "LABL", "label \(i) '\(label.name)' has an empty prompt")
            }
        }
    }

    /// What ModelReader.readInputSpec accepts, so the writer cannot write a spec the board refuses
    /// (the labels fuzz target found a zero std written and then refused), plus finite means.
    static func validateSpec(_ s: InputSpec) throws(ModelError) {
        guard s.window >= 1, s.window <= 1 << 16, s.hop >= 1, s.hop <= s.window, s.sampleRateHz.isFinite, s.sampleRateHz > 0,
              !s.channels.isEmpty, s.channels.count <= ModelFormat.maxInputChannels,
              s.mean.isEmpty || (s.mean.count == s.channels.count && s.std.count == s.channels.count) else {
            throw ModelError(.badInputSpec, section: "INPS", "window \(s.window), hop \(s.hop), \(s.channels.count) channels, \(s.mean.count) means is inconsistent")
        }
        for (m, d) in zip(s.mean, s.std) where !(m.isFinite && d.isFinite && d > 0) {
            throw ModelError(.badInputSpec, section: "INPS", "normalisation mean \(m), std \(d): the means must be finite and the stds positive")
        }
    }
}

/// One op under validation, with helpers that name the op in every message.
struct OpContext {
    let model: ModelDescription
    let index: Int
    let op: OpDescription

    func fail(_ kind: ModelErrorKind, _ what: ErrorText) -> ModelError {   // MuJoSystem/ErrorText.swift
        ModelError(kind, section: "GRPH", "op \(index) (\(op.code.name)) \(what.string)")
    }

    func tensor(_ id: Int) -> TensorDescription { model.tensors[id] }
    func input(_ k: Int) -> TensorDescription { model.tensors[op.inputs[k]] }
    func output(_ k: Int = 0) -> TensorDescription { model.tensors[op.outputs[k]] }
    func has(_ k: Int) -> Bool { k < op.inputs.count && op.inputs[k] != -1 }

    func counts(inputs: ClosedRange<Int>, outputs: Int = 1, attributes: ClosedRange<Int>) throws(ModelError) {
        guard inputs.contains(op.inputs.count), op.outputs.count == outputs, attributes.contains(op.attributes.count) else {
            throw fail(.badGraph, "has \(op.inputs.count) inputs, \(op.outputs.count) outputs, \(op.attributes.count) attributes; expected \(inputs.lowerBound)…\(inputs.upperBound), \(outputs), \(attributes.lowerBound)…\(attributes.upperBound)")
        }
        for k in 0..<op.inputs.count where op.inputs[k] == -1 && k < inputs.lowerBound {
            throw fail(.badGraph, "input \(k) is required but absent")
        }
    }

    func dtype(_ t: TensorDescription, _ expected: DataType, _ role: String) throws(ModelError) {
        guard t.dataType == expected else {
            throw fail(.dataTypeMismatch, "\(role) '\(t.name)' is \(t.dataType.name), expected \(expected.name)")
        }
    }

    func shape(_ t: TensorDescription, _ expected: [Int], _ role: String) throws(ModelError) {
        guard t.shape == expected else {
            throw fail(.shapeMismatch, "\(role) '\(t.name)' has shape \(t.shape), expected \(expected)")
        }
    }

    func rank(_ t: TensorDescription, _ r: Int, _ role: String) throws(ModelError) {
        guard t.shape.count == r else { throw fail(.shapeMismatch, "\(role) '\(t.name)' has rank \(t.shape.count), expected \(r)") }
    }

    func constant(_ t: TensorDescription, _ role: String) throws(ModelError) {
        guard t.isConstant else { throw fail(.badGraph, "\(role) '\(t.name)' must be a constant") }
    }

    /// A constant int32 [channels, 2] tensor of (multiplier, shift) with every shift in range.
    func requant(_ k: Int, channels: Int) throws(ModelError) {
        let t = input(k)
        try constant(t, "requantization table")
        try dtype(t, .int32, "requantization table")
        try shape(t, [channels, 2], "requantization table")
        let values = Int32Values(t.data!)
        for c in 0..<channels {
            let shift = values[2 * c + 1]
            guard QuantizedMultiplier.shiftRange.contains(shift) else {
                throw fail(.badAttribute, "requantization shift \(shift) of channel \(c) is outside −31…30")
            }
        }
    }

    func sameQuantization(_ a: TensorDescription, _ b: TensorDescription) throws(ModelError) {
        guard a.quantization == b.quantization else {
            throw fail(.dataTypeMismatch, "'\(a.name)' and '\(b.name)' must share scale and zero point")
        }
    }
}

/// Little-endian int32 view of constant bytes.
struct Int32Values {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    subscript(i: Int) -> Int32 { Int32(bitPattern: ByteReader.u32(bytes, at: 4 * i)) }
}
