// The in-memory form of a `.mujo` file: what the writer takes and the reader returns.
// It is plain data; the interpreter (Interpreter.swift) turns it into something runnable.
import MuJoSystem

/// Scale and zero point of a quantized tensor: one pair per tensor, or one per channel along `axis`.
public struct TensorQuantization: Equatable {
    public var scales: [Float]
    public var zeroPoints: [Int32]
    /// The channel axis for per-channel parameters; nil for per-tensor.
    public var axis: Int?

    public init(scales: [Float], zeroPoints: [Int32], axis: Int? = nil) {
        self.scales = scales
        self.zeroPoints = zeroPoints
        self.axis = axis
    }

    public init(scale: Float, zeroPoint: Int32) {
        self.init(scales: [scale], zeroPoints: [zeroPoint], axis: nil)
    }

    public var scale: Float { scales[0] }
    public var zeroPoint: Int32 { zeroPoints[0] }
}

public struct TensorDescription: Equatable {
    public var name: String
    public var dataType: DataType
    public var shape: [Int]
    public var quantization: TensorQuantization?
    /// Raw little-endian bytes for constants; nil for activations (planned into the arena).
    public var data: [UInt8]?

    public init(name: String, dataType: DataType, shape: [Int], quantization: TensorQuantization? = nil, data: [UInt8]? = nil) {
        self.name = name
        self.dataType = dataType
        self.shape = shape
        self.quantization = quantization
        self.data = data
    }

    public var elementCount: Int { shape.reduce(1, *) }
    public var byteCount: Int { elementCount * dataType.byteSize }
    public var isConstant: Bool { data != nil }
}

public struct OpDescription: Equatable {
    public var code: OpCode
    /// Tensor ids; −1 marks an absent optional input (e.g. a bias).
    public var inputs: [Int]
    public var outputs: [Int]
    /// Integer attributes whose meaning depends on `code` (docs/model-format.md).
    public var attributes: [Int32]
    public var activation: FusedActivation

    public init(code: OpCode, inputs: [Int], outputs: [Int], attributes: [Int32] = [], activation: FusedActivation = .none) {
        self.code = code
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.activation = activation
    }
}

/// What one input window must look like: the contract between the sensor side and the encoder.
public struct InputSpec: Equatable {
    public var sampleRateHz: Float
    /// Samples per window.
    public var window: Int
    /// Samples between the starts of consecutive windows.
    public var hop: Int
    public var channels: [SensorChannel]
    public var units: AccelUnits
    public var gravity: GravityHandling
    public var sign: AxisSign
    /// Per-channel normalisation applied before the model input: (x − mean) / std. Empty = none.
    public var mean: [Float]
    public var std: [Float]

    public init(sampleRateHz: Float, window: Int, hop: Int, channels: [SensorChannel],
                units: AccelUnits = .metersPerSecondSquared, gravity: GravityHandling = .included,
                sign: AxisSign = .android, mean: [Float] = [], std: [Float] = []) {
        self.sampleRateHz = sampleRateHz
        self.window = window
        self.hop = hop
        self.channels = channels
        self.units = units
        self.gravity = gravity
        self.sign = sign
        self.mean = mean
        self.std = std
    }
}

public struct Label: Equatable {
    public var name: String
    /// The text prompts whose (projected, averaged, normalised) embedding is `embedding`.
    public var prompts: [String]
    public var embedding: [Float]
    /// Minimum cosine for this label to be reported; nil = always eligible.
    public var threshold: Float?

    public init(name: String, prompts: [String], embedding: [Float], threshold: Float? = nil) {
        self.name = name
        self.prompts = prompts
        self.embedding = embedding
        self.threshold = threshold
    }
}

public struct LabelTable: Equatable {
    /// Which text encoder (and projection) produced the embeddings.
    public var textEncoder: String
    public var dimension: Int
    public var labels: [Label]

    public init(textEncoder: String, dimension: Int, labels: [Label]) {
        self.textEncoder = textEncoder
        self.dimension = dimension
        self.labels = labels
    }
}

public struct ProvenanceEntry: Equatable {
    public var key: String
    public var value: String
    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

public struct ModelDescription: Equatable {
    public var tensors: [TensorDescription]
    public var ops: [OpDescription]
    public var inputs: [Int]
    public var outputs: [Int]
    public var inputSpec: InputSpec
    public var labels: LabelTable
    public var provenance: [ProvenanceEntry]

    public init(tensors: [TensorDescription], ops: [OpDescription], inputs: [Int], outputs: [Int],
                inputSpec: InputSpec, labels: LabelTable, provenance: [ProvenanceEntry] = []) {
        self.tensors = tensors
        self.ops = ops
        self.inputs = inputs
        self.outputs = outputs
        self.inputSpec = inputSpec
        self.labels = labels
        self.provenance = provenance
    }

    public func provenanceValue(_ key: String) -> String? {
        for entry in provenance where entry.key.bytesEqual(key) { return entry.value }
        return nil
    }
}
