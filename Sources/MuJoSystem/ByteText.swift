// Text compared and cut as UTF-8 bytes, for the code the board links.
//
// String's own `==`, `<`, hashing, `hasPrefix`, `contains`, `lowercased()`, `split`, `first`,
// `dropFirst` and every `Character` step follow Unicode (canonical equivalence, grapheme
// clusters, case mappings). In Embedded Swift that links the stdlib's Unicode data tables and
// their normalisation and grapheme-breaking code, about a sixth of mujod. Everything the board
// compares or cuts is ASCII at the places it looks (flags, config keys, units, sysfs names,
// separators such as `=`, `:`, `@`, `\n`), where bytes and Unicode agree, so these helpers
// give the same answers without any of that. Non-ASCII text passes through unchanged; it is
// only compared byte for byte (a precomposed and a decomposed "é" are different here).
//
// `switch` over text: switch on `ByteKey(text)` and write the cases as string literals.

public extension String {
    /// Byte-for-byte equality (String's `==` is canonical equivalence).
    func bytesEqual(_ other: String) -> Bool { utf8.elementsEqual(other.utf8) }

    /// True when the first bytes are `prefix`'s.
    func hasBytePrefix(_ prefix: String) -> Bool { utf8.starts(with: prefix.utf8) }

    /// True when the last bytes are `suffix`'s.
    func hasByteSuffix(_ suffix: String) -> Bool {
        let n = utf8.count, m = suffix.utf8.count
        return n >= m && utf8.dropFirst(n - m).elementsEqual(suffix.utf8)
    }

    /// True when `byte` occurs.
    func containsByte(_ byte: UInt8) -> Bool { utf8.contains(byte) }

    /// The offset of the first (or last) `byte`, or nil.
    func firstByteOffset(of byte: UInt8) -> Int? {
        var i = 0
        for b in utf8 { if b == byte { return i }; i += 1 }
        return nil
    }

    func lastByteOffset(of byte: UInt8) -> Int? {
        var i = 0, found: Int? = nil
        for b in utf8 { if b == byte { found = i }; i += 1 }
        return found
    }

    /// Bytes `from ..< to` as text (the cuts are at ASCII bytes the caller found).
    func byteSlice(_ from: Int, _ to: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(max(to - from, 0))
        var i = 0
        for b in utf8 { if i >= from && i < to { out.append(b) }; i += 1 }
        return String(decoding: out, as: UTF8.self)
    }

    /// Everything after the first `count` bytes.
    func droppingBytes(_ count: Int) -> String { byteSlice(count, utf8.count) }

    /// A–Z lowered to a–z; every other byte unchanged.
    var asciiLowercased: String {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        for b in utf8 { out.append(b >= 65 && b <= 90 ? b + 32 : b) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The pieces between `separator` bytes, empty ones included ("a\n\nb" → "a", "", "b").
    func splitBytes(_ separator: UInt8) -> [String] {
        var pieces: [String] = []
        var current: [UInt8] = []
        for b in utf8 {
            if b == separator { pieces.append(String(decoding: current, as: UTF8.self)); current.removeAll(keepingCapacity: true) }
            else { current.append(b) }
        }
        pieces.append(String(decoding: current, as: UTF8.self))
        return pieces
    }

    /// Without leading and trailing spaces, tabs and carriage returns.
    var trimmingBlanks: String {
        let bytes = Array(utf8)
        var a = 0, b = bytes.count
        func blank(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 }
        while a < b && blank(bytes[a]) { a += 1 }
        while b > a && blank(bytes[b - 1]) { b -= 1 }
        return String(decoding: bytes[a..<b], as: UTF8.self)
    }
}

/// Byte order (the order of Unicode scalar values, which is String's `<` for NFC text).
public func bytesPrecede(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

public extension Array where Element == String {
    /// True when one element equals `text` byte for byte.
    func containsBytes(_ text: String) -> Bool {
        for e in self where e.bytesEqual(text) { return true }
        return false
    }

    /// Sorted in byte order.
    mutating func sortBytewise() { insertionSort(&self, by: bytesPrecede) }
}

/// Text for `switch`: `switch ByteKey(unit) { case "ms": … }` matches byte for byte.
public struct ByteKey: Equatable, ExpressibleByStringLiteral {
    public var text: String
    public init(_ text: String) { self.text = text }
    public init(stringLiteral value: String) { text = value }
    public static func == (a: ByteKey, b: ByteKey) -> Bool { a.text.bytesEqual(b.text) }
}
