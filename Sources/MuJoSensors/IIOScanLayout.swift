// Linux IIO buffered-record format: `_type` parsing, record layout, value extraction.
//
// Public API:
//   struct IIOScanType      parse("le:s12/16>>4") → bigEndian, signed, realBits, storageBits,
//                           repeatCount, shift; extract(from:at:) → sign-extended value.
//   struct IIOScanChannel   name, index, type, byte offset in the record.
//   struct IIORecordLayout  compute(_:) orders channels by `_index`, aligns each to its own
//                           storage size (storage bytes × repeat), pads the record to the
//                           largest element — as the kernel's iio_compute_scan_bytes does.
//
// Example: in_accel_{x,y,z} le:s12/16>>4 (index 0–2) + in_timestamp le:s64/64>>0 (index 3)
// → offsets 0, 2, 4, 8; 16 bytes per record (6 data + 2 pad + 8).

/// One channel's `_type`: `[be|le]:[s|u]BITS/STORAGEBITS[Xrepeat][>>SHIFT]`.
public struct IIOScanType: Equatable {
    public var bigEndian: Bool
    public var signed: Bool
    public var realBits: Int
    public var storageBits: Int
    public var repeatCount: Int
    public var shift: Int

    public init(bigEndian: Bool, signed: Bool, realBits: Int, storageBits: Int, repeatCount: Int = 1, shift: Int = 0) {
        self.bigEndian = bigEndian; self.signed = signed; self.realBits = realBits
        self.storageBits = storageBits; self.repeatCount = repeatCount; self.shift = shift
    }

    /// Bytes of one element (before repeat).
    public var storageBytes: Int { storageBits / 8 }
    /// Bytes the channel occupies in a record (storage × repeat).
    public var totalBytes: Int { storageBytes * max(1, repeatCount) }

    /// Parses a `_type` attribute; nil when malformed.
    public static func parse(_ text: String) -> IIOScanType? {
        let b = Array(text.utf8)
        var i = 0
        // At most 4 digits: every valid field is ≤ 64 bits (a repeat count a few), and a longer
        // run of digits from a rogue driver must not overflow Int (Fuzz/regressions/iio/).
        func number() -> Int? {
            var v = 0, n = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if n == 4 { return nil }
                v = v * 10 + Int(b[i] - 48); i += 1; n += 1
            }
            return n > 0 ? v : nil
        }
        guard b.count >= 7 else { return nil }
        let endian: Bool
        if b[0] == 98 && b[1] == 101 { endian = true }            // "be"
        else if b[0] == 108 && b[1] == 101 { endian = false }     // "le"
        else { return nil }
        guard b[2] == 58 else { return nil }                       // ':'
        let signed: Bool
        if b[3] == 115 || b[3] == 83 { signed = true }              // 's' / 'S'
        else if b[3] == 117 || b[3] == 85 { signed = false }        // 'u' / 'U'
        else { return nil }
        i = 4
        guard let real = number(), i < b.count, b[i] == 47 else { return nil }   // '/'
        i += 1
        guard let storage = number() else { return nil }
        var repeatCount = 1
        if i < b.count, b[i] == 88 || b[i] == 120 {                // 'X'
            i += 1
            guard let r = number() else { return nil }
            repeatCount = r
        }
        var shift = 0
        if i < b.count {
            guard i + 1 < b.count, b[i] == 62, b[i + 1] == 62 else { return nil }   // ">>"
            i += 2
            guard let s = number() else { return nil }
            shift = s
        }
        guard i == b.count, storage % 8 == 0, storage >= 8, storage <= 64, real >= 1, real <= storage,
              shift + real <= storage, repeatCount >= 1 else { return nil }
        return IIOScanType(bigEndian: endian, signed: signed, realBits: real, storageBits: storage,
                           repeatCount: repeatCount, shift: shift)
    }

    /// The value of element `element` of this channel at `offset` in `record`: read the storage
    /// bytes in their endianness, shift right, keep `realBits`, sign-extend when signed.
    public func extract(from record: [UInt8], at offset: Int, element: Int = 0) -> Int64 {
        let n = storageBytes
        let base = offset + element * n
        var raw: UInt64 = 0
        for k in 0..<n {
            let byte = UInt64(record[base + (bigEndian ? k : n - 1 - k)])
            raw = raw << 8 | byte
        }
        raw >>= UInt64(shift)
        let mask: UInt64 = realBits >= 64 ? ~0 : (1 << UInt64(realBits)) - 1
        raw &= mask
        if signed && realBits < 64 && raw & (1 << UInt64(realBits - 1)) != 0 {
            raw |= ~mask
        }
        return Int64(bitPattern: raw)
    }
}

/// One enabled channel in a record.
public struct IIOScanChannel: Equatable {
    /// Attribute stem, e.g. "in_accel_x" or "in_timestamp".
    public var name: String
    public var index: Int
    public var type: IIOScanType
    /// Byte offset in the record (set by IIORecordLayout.compute).
    public var offset: Int

    public init(name: String, index: Int, type: IIOScanType, offset: Int = 0) {
        self.name = name; self.index = index; self.type = type; self.offset = offset
    }
}

/// The byte layout of one record read from /dev/iio:deviceN.
public struct IIORecordLayout: Equatable {
    public var channels: [IIOScanChannel]
    public var recordBytes: Int

    /// Orders by `_index`, aligns each channel to its own size, pads to the largest.
    public static func compute(_ enabled: [IIOScanChannel]) -> IIORecordLayout {
        var sorted = enabled
        insertionSort(&sorted) { $0.index < $1.index }   // MuJoSystem/SmallSort.swift
        var bytes = 0
        var largest = 1
        for i in 0..<sorted.count {
            let length = sorted[i].type.totalBytes
            bytes = roundUp(bytes, length)
            sorted[i].offset = bytes
            bytes += length
            largest = max(largest, length)
        }
        return IIORecordLayout(channels: sorted, recordBytes: roundUp(bytes, largest))
    }

    /// The channel named `name`, if enabled.
    public func channel(_ name: String) -> IIOScanChannel? {
        for c in channels where c.name.bytesEqual(name) { return c }
        return nil
    }
}

func roundUp(_ value: Int, _ multiple: Int) -> Int {
    guard multiple > 1 else { return value }
    return (value + multiple - 1) / multiple * multiple
}
