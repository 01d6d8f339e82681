// numpy `.npy` files (format versions 1.0, 2.0, 3.0) holding float32 arrays: calibration and
// validation windows on the host, recorded windows on the device. Embedded-Swift compatible
// (bytes in, typed errors out, no Foundation).
//
//   "\x93NUMPY" | u8 major | u8 minor | u16 (v1) or u32 (v2, v3) header length | header | data
//   header: a Python dict literal, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (64, 3, 100), }
//
// Only little-endian float32 ('<f4'), C order is accepted; anything else is a clear error.

public struct NPYError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A float32 array read from a `.npy` file, row-major.
public struct NPYArray: Equatable {
    public var shape: [Int]
    public var values: [Float]
    public init(shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }
}

public enum NPY {
    public static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] // "\x93NUMPY"

    /// Parses a `.npy` file's bytes; the array must be little-endian float32 in C order.
    public static func parseFloat32(_ bytes: [UInt8]) throws(NPYError) -> NPYArray {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw NPYError("not a .npy file (missing the \\x93NUMPY magic)") }
        let major = bytes[6]
        var headerStart = 10
        var headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        if major == 2 || major == 3 {
            guard bytes.count >= 12 else { throw NPYError("truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        } else if major != 1 {
            throw NPYError(".npy format version \(major) is not supported (1, 2 or 3)")
        }
        guard headerStart + headerLength <= bytes.count else { throw NPYError("truncated .npy header") }
        let header = Array(bytes[headerStart..<(headerStart + headerLength)])
        guard let descr = quotedValue(header, key: "descr") else { throw NPYError(".npy header has no 'descr'") }
        guard descr == Array("<f4".utf8) || descr == Array("float32".utf8) else {
            throw NPYError("dtype is '\(String(decoding: descr, as: UTF8.self))'; expected float32 ('<f4'): save with np.asarray(x, dtype=np.float32)")
        }
        guard let fortran = rawValue(header, key: "fortran_order") else { throw NPYError(".npy header has no 'fortran_order'") }
        if fortran.starts(with: Array("True".utf8)) {
            throw NPYError("array is in Fortran order; save with np.ascontiguousarray(x)")
        }
        guard let shape = tupleValue(header, key: "shape") else { throw NPYError(".npy header has no readable 'shape'") }
        var count = 1
        for d in shape {
            guard d >= 0, d <= 1 << 30 else { throw NPYError("shape dimension \(d) is out of range") }
            count *= d
            guard count <= 1 << 30 else { throw NPYError("array is too large") }
        }
        let dataStart = headerStart + headerLength
        guard bytes.count - dataStart >= count * 4 else {
            throw NPYError("file holds \(bytes.count - dataStart) data bytes; shape \(shapeText(shape)) needs \(count * 4) (truncated file?)")
        }
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let p = dataStart + 4 * i
            let bits = UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24
            values[i] = Float(bitPattern: bits)
        }
        return NPYArray(shape: shape, values: values)
    }

    /// The bytes of a version-1.0 `.npy` file holding `values` (float32, C order) with `shape`.
    public static func serializeFloat32(shape: [Int], values: [Float]) -> [UInt8] {
        var dims = ""
        for d in shape { dims += "\(d), " }
        if shape.count > 1 { dims.removeLast(2) } else if shape.isEmpty { dims = "" } else { dims.removeLast(1) }
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var out = magic + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        out.reserveCapacity(out.count + values.count * 4)
        for v in values {
            let b = v.bitPattern
            out += [UInt8(truncatingIfNeeded: b), UInt8(truncatingIfNeeded: b >> 8), UInt8(truncatingIfNeeded: b >> 16), UInt8(truncatingIfNeeded: b >> 24)]
        }
        return out
    }

    public static func shapeText(_ shape: [Int]) -> String {
        var s = "("
        for (i, d) in shape.enumerated() { s += i == 0 ? "\(d)" : ", \(d)" }
        return s + (shape.count == 1 ? ",)" : ")")
    }

    // MARK: - Header dict parsing (bytes, no Foundation)

    /// The bytes right after `'key':` (spaces skipped).
    static func rawValue(_ h: [UInt8], key: String) -> ArraySlice<UInt8>? {
        let pattern = Array("'\(key)'".utf8)
        guard h.count >= pattern.count else { return nil }
        for i in 0...(h.count - pattern.count) where Array(h[i..<(i + pattern.count)]) == pattern {
            var j = i + pattern.count
            while j < h.count, h[j] == 0x20 { j += 1 }
            guard j < h.count, h[j] == 0x3A else { return nil } // ':'
            j += 1
            while j < h.count, h[j] == 0x20 { j += 1 }
            return h[j...]
        }
        return nil
    }

    static func quotedValue(_ h: [UInt8], key: String) -> [UInt8]? {
        guard let v = rawValue(h, key: key), let q = v.first, q == 0x27 || q == 0x22 else { return nil }
        var out: [UInt8] = []
        for c in v.dropFirst() {
            if c == q { return out }
            out.append(c)
        }
        return nil
    }

    static func tupleValue(_ h: [UInt8], key: String) -> [Int]? {
        guard let v = rawValue(h, key: key), v.first == 0x28 else { return nil } // '('
        var dims: [Int] = []
        var current = -1
        for c in v.dropFirst() {
            switch c {
            case 0x30...0x39:
                current = (current < 0 ? 0 : current) * 10 + Int(c - 0x30)
                if current > 1 << 40 { return nil }
            case 0x2C, 0x29: // ',' or ')'
                if current >= 0 { dims.append(current) }
                current = -1
                if c == 0x29 { return dims }
            case 0x20, 0x4C: break // space, the 'L' of Python 2 longs
            default: return nil
            }
        }
        return nil
    }
}
