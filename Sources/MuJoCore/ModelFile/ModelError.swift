// Typed errors of model loading. Each says where (section, byte offset) and what to do.
import MuJoSystem

public enum ModelErrorKind: Equatable {
    case badMagic
    case unsupportedVersion
    case truncated
    case badSectionTable
    case sectionOutOfRange
    case sectionsOverlap
    case missingSection
    case duplicateSection
    case unknownSection
    case checksumMismatch
    case badString
    case badTensor
    case unknownOp
    case badTensorId
    case shapeMismatch
    case dataTypeMismatch
    case badAttribute
    case badGraph
    case badInputSpec
    case badLabels
}

public struct ModelError: Error, Equatable, CustomStringConvertible {
    public var kind: ModelErrorKind
    /// The section the problem is in ("header", "TENS", "GRPH", …).
    public var section: String
    /// Absolute byte offset in the file, when known.
    public var offset: Int?
    public var detail: String

    /// `detail` is usually a literal with interpolations: `ErrorText` builds it with calls
    /// (MuJoSystem/ErrorText.swift), the same text in less code.
    public init(_ kind: ModelErrorKind, section: String, offset: Int? = nil, _ detail: ErrorText) {
        self.kind = kind
        self.section = section
        self.offset = offset
        self.detail = detail.string
    }

    /// What a user should do about it.
    public var advice: String {
        switch kind {
        case .badMagic:
            return "this is not a MuJo model file; produce one with `mujo quantize`"
        case .unsupportedVersion:
            return "re-export the model with this runtime's `mujo quantize`, or update the runtime"
        case .checksumMismatch, .truncated:
            return "the file is damaged or was cut short; copy it again from the original"
        default:
            return "the file is corrupt or was written by an incompatible tool; re-create it with `mujo quantize`"
        }
    }

    public var description: String {
        var where_ = "section \(section)"
        if let offset { where_ += " at byte \(offset)" }
        return "invalid model file (\(where_)): \(detail); \(advice)"
    }
}
