// HOST ONLY. The option values of the `mujo` commands that come from a fixed set, as enums the
// argument parser reads (so `--help` lists them and a wrong value is refused before any work).
import ArgumentParser
import MuJoCore
import MuJoONNX

/// `--method minmax|percentile|mse`.
extension CalibrationMethod: ExpressibleByArgument {
    /// Parses `--method`; the error names the choices.
    static func parseOption(_ argument: String) throws -> CalibrationMethod {
        guard let method = CalibrationMethod(rawValue: argument) else {
            throw ValidationError("--method \(argument): choose \(allValueStrings.dropLast().joined(separator: ", ")) or \(allValueStrings.last!)")
        }
        return method
    }
}

/// `--units m/s2|g` (also m/s^2, m/s²), as in the labels file's input_spec.
extension AccelUnits: ExpressibleByArgument {
    public init?(argument: String) {
        guard let units = try? LabelsFile.parseUnits(argument) else { return nil }
        self = units
    }
    public static var allValueStrings: [String] { ["m/s2", "g"] }
}

/// `--gravity included|removed`.
extension GravityHandling: ExpressibleByArgument {
    public init?(argument: String) {
        guard let gravity = try? LabelsFile.parseGravity(argument) else { return nil }
        self = gravity
    }
    public static var allValueStrings: [String] { ["included", "removed"] }
}

/// `--sign android|ios`.
extension AxisSign: ExpressibleByArgument {
    public init?(argument: String) {
        guard let sign = try? LabelsFile.parseSign(argument) else { return nil }
        self = sign
    }
    public static var allValueStrings: [String] { ["android", "ios"] }
}
