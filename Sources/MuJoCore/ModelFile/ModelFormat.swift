// The `.mujo` model file format, defined here and only here (drawn in docs/model-format.md).
// All integers are little-endian. Sections start on 16-byte boundaries; gaps are zero.
//
//   offset 0   Header (32 bytes)
//              magic "MUJO" | u16 major | u16 minor | u32 headerSize=32 | u32 sectionCount
//              u32 fileSize | u32 flags=0 | u64 reserved=0
//   offset 32  Section table: sectionCount × 16 bytes
//              u32 tag | u32 offset | u32 length | u32 reserved=0
//   ...        Sections (any order in the table; the writer uses the order of `SectionTag.allInWriteOrder`)
//   fileSize-4 u32 CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320) of bytes [0, fileSize − 4)

import MuJoSystem

public enum ModelFormat {
    public static let magic: [UInt8] = [0x4D, 0x55, 0x4A, 0x4F] // "MUJO"
    public static let versionMajor: UInt16 = 1
    public static let versionMinor: UInt16 = 0
    public static let headerSize = 32
    public static let sectionEntrySize = 16
    public static let tensorEntrySize = 64
    public static let labelEntrySize = 24
    public static let provenanceEntrySize = 16
    public static let inputSpecSize = 96
    public static let alignment = 16
    public static let maxRank = 4
    public static let maxInputChannels = 8
    /// Upper bound on counts read from a file, so a corrupt count cannot ask for absurd memory.
    public static let maxCount = 1 << 20
}

/// Four-character section tags, stored as the little-endian u32 of their ASCII bytes.
public enum SectionTag: UInt32, CaseIterable {
    case strings = 0x5352_5453     // "STRS": UTF-8 string pool; strings are (offset, length) pairs into it
    case tensors = 0x534E_4554     // "TENS": tensor table
    case graph = 0x4850_5247       // "GRPH": model inputs/outputs and op records
    case data = 0x4154_4144        // "DATA": constant tensor bytes and quantization parameters, 16-aligned
    case inputSpec = 0x5350_4E49   // "INPS": what the sensor window must look like
    case labels = 0x4C42_414C      // "LABL": label names, prompts, embeddings, thresholds
    case provenance = 0x564F_5250  // "PROV": key/value strings: exporter, source model, calibration, fidelity

    public static let allInWriteOrder: [SectionTag] = [.inputSpec, .tensors, .graph, .labels, .provenance, .strings, .data]

    public var name: String {
        switch self {
        case .strings: return "STRS"
        case .tensors: return "TENS"
        case .graph: return "GRPH"
        case .data: return "DATA"
        case .inputSpec: return "INPS"
        case .labels: return "LABL"
        case .provenance: return "PROV"
        }
    }
}

/// Element types of tensors.
public enum DataType: UInt8 {
    case int8 = 1
    case int32 = 2
    case float32 = 3

    public var byteSize: Int {
        switch self {
        case .int8: return 1
        case .int32, .float32: return 4
        }
    }

    public var name: String {
        switch self {
        case .int8: return "int8"
        case .int32: return "int32"
        case .float32: return "float32"
        }
    }
}

/// Operators. Inputs, attributes and semantics per op are listed in docs/model-format.md and
/// docs/int8-spec.md; `OpSignature` (OpSignature.swift) encodes what the validator checks.
public enum OpCode: UInt16, CaseIterable {
    case conv1d = 1
    case fullyConnected = 2
    case add = 3
    case mul = 4
    case gelu = 5
    case softmax = 6
    case layerNorm = 7
    case meanPool = 8
    case transpose = 9
    case reshape = 10
    case concat = 11
    case batchMatMul = 12
    case l2Normalize = 13
    case quantize = 14
    case dequantize = 15
    case relu = 16

    public var name: String {
        switch self {
        case .conv1d: return "Conv1D"
        case .fullyConnected: return "FullyConnected"
        case .add: return "Add"
        case .mul: return "Mul"
        case .gelu: return "GELU"
        case .softmax: return "Softmax"
        case .layerNorm: return "LayerNorm"
        case .meanPool: return "MeanPool"
        case .transpose: return "Transpose"
        case .reshape: return "Reshape"
        case .concat: return "Concat"
        case .batchMatMul: return "BatchMatMul"
        case .l2Normalize: return "L2Normalize"
        case .quantize: return "Quantize"
        case .dequantize: return "Dequantize"
        case .relu: return "ReLU"
        }
    }
}

/// Channel codes of the input spec.
public enum SensorChannel: UInt8 {
    case accelX = 1, accelY, accelZ, gyroX, gyroY, gyroZ

    public var name: String {
        switch self {
        case .accelX: return "ax"
        case .accelY: return "ay"
        case .accelZ: return "az"
        case .gyroX: return "gx"
        case .gyroY: return "gy"
        case .gyroZ: return "gz"
        }
    }

    public init?(name: String) {
        switch ByteKey(name) {
        case "ax": self = .accelX
        case "ay": self = .accelY
        case "az": self = .accelZ
        case "gx": self = .gyroX
        case "gy": self = .gyroY
        case "gz": self = .gyroZ
        default: return nil
        }
    }
}

public enum AccelUnits: UInt8 {
    case metersPerSecondSquared = 1
    case standardGravity = 2
    public var name: String { self == .metersPerSecondSquared ? "m/s2" : "g" }
}

public enum GravityHandling: UInt8 {
    case included = 1
    case removed = 2
    public var name: String { self == .included ? "included" : "removed" }
}

public enum AxisSign: UInt8 {
    /// +1 g on the axis pointing up at rest (Android, most I²C chips).
    case android = 1
    /// −1 g on the axis pointing up at rest (iOS Core Motion).
    case ios = 2
    public var name: String { self == .android ? "android" : "ios" }
}
