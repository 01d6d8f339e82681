// Little-endian byte cursors used by the model file reader and writer (and the .npy reader).

/// Appends little-endian values to a growing byte array.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public var count: Int { bytes.count }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func i8(_ v: Int8) { bytes.append(UInt8(bitPattern: v)) }
    public mutating func u16(_ v: UInt16) { for i in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt16(i)))) } }
    public mutating func u32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
    public mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    public mutating func u64(_ v: UInt64) { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
    public mutating func f32(_ v: Float) { u32(v.bitPattern) }
    public mutating func append(_ other: [UInt8]) { bytes.append(contentsOf: other) }
    public mutating func zeros(_ n: Int) { if n > 0 { bytes.append(contentsOf: repeatElement(0, count: n)) } }

    /// Pads with zeros to a multiple of `alignment`.
    public mutating func align(_ alignment: Int) { zeros((alignment - bytes.count % alignment) % alignment) }

    /// Overwrites a u32 at `offset` (used to patch sizes and offsets after the fact).
    public mutating func patchU32(at offset: Int, _ v: UInt32) {
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
    }
}

/// Reads little-endian values from a byte array, bounds-checked. A read past `end` returns nil.
public struct ByteReader {
    public let bytes: [UInt8]
    public var position: Int
    public let end: Int

    public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.position = start
        self.end = min(end ?? bytes.count, bytes.count)
    }

    public var remaining: Int { end - position }

    public mutating func u8() -> UInt8? {
        guard position + 1 <= end else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func i8() -> Int8? { u8().map { Int8(bitPattern: $0) } }

    public mutating func u16() -> UInt16? {
        guard position + 2 <= end else { return nil }
        defer { position += 2 }
        return UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
    }

    public mutating func u32() -> UInt32? {
        guard position + 4 <= end else { return nil }
        defer { position += 4 }
        return ByteReader.u32(bytes, at: position)
    }

    public mutating func i32() -> Int32? { u32().map { Int32(bitPattern: $0) } }

    public mutating func u64() -> UInt64? {
        guard let lo = u32(), let hi = u32() else { return nil }
        return UInt64(lo) | UInt64(hi) << 32
    }

    public mutating func f32() -> Float? { u32().map { Float(bitPattern: $0) } }

    public mutating func skip(_ n: Int) -> Bool {
        guard n >= 0, position + n <= end else { return false }
        position += n
        return true
    }

    public static func u32(_ bytes: [UInt8], at i: Int) -> UInt32 {
        UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
    }
}
