// Small text formatting shared by every module, Embedded-compatible (no String(format:)):
// hexadecimal, fixed-point decimals, padding to a column.

public enum TextFormat {
    // Built from ASCII bytes, not Characters (MuJoSystem/ByteText.swift says why).
    /// "0x…" with at least `digits` hexadecimal digits, e.g. hex(0x68, digits: 2) = "0x68".
    public static func hex<T: BinaryInteger>(_ value: T, digits minimum: Int = 1) -> String {
        var v = UInt64(truncatingIfNeeded: value)
        var bytes: [UInt8] = []   // least significant digit first, then reversed
        repeat { let d = UInt8(v & 15); bytes.append(d < 10 ? 48 + d : 87 + d); v >>= 4 } while v != 0
        while bytes.count < minimum { bytes.append(48) }
        bytes.append(UInt8(ascii: "x")); bytes.append(48)
        bytes.reverse()
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `value` with `digits` decimals, rounded half away from zero; "inf"/"-inf" beyond 9e15.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard !value.isNaN else { return "nan" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return value < 0 ? "-inf" : "inf" }
        let n = Int64(scaled)
        let p = Int64(scale)
        var s = value < 0 && n != 0 ? "-" : ""
        s += String(n / p)
        if digits > 0 {
            var frac = String(n % p)
            while frac.utf8.count < digits { frac = "0" + frac }
            s += "." + frac
        }
        return s
    }

    /// `s` padded with spaces to `width` columns; a string already as wide gets one space.
    public static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    /// `s` right-aligned in `width` columns.
    public static func padLeft(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}

/// "0x…" with every digit of the type: hex(UInt8(0x68)) = "0x68", hex(UInt32(1)) = "0x00000001".
public func hex<T: FixedWidthInteger>(_ value: T) -> String {
    TextFormat.hex(value, digits: MemoryLayout<T>.size * 2)
}
