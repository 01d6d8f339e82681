// libFuzzer target `iio`: the IIO scan-element parser and record decoder (MuJoSensors.IIOScanType.
// parse of `scan_elements/*_type`, IIORecordLayout.compute, IIOScanType.extract). The input's
// first lines are `_type` texts (up to 8, as sysfs holds them); the channels that parse get an
// `_index` from the line number, their layout is computed, and the bytes after the first empty
// line are decoded as records of that layout.
import MuJoSensors

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIIO(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    var channels: [IIOScanChannel] = []
    var start = 0, line = 0
    var recordStart = bytes.count
    while start < bytes.count && line < 8 {
        var end = start
        while end < bytes.count && bytes[end] != 10 { end += 1 }
        if end == start { recordStart = end + 1; break }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        if let type = IIOScanType.parse(text) {
            precondition(type.storageBits % 8 == 0 && type.realBits <= type.storageBits)
            channels.append(IIOScanChannel(name: "in_accel_\(line)", index: (line * 7) % 5, type: type))
        }
        line += 1
        start = end + 1
    }
    guard !channels.isEmpty else { return 0 }
    let layout = IIORecordLayout.compute(channels)
    precondition(layout.recordBytes > 0)
    var record = [UInt8](repeating: 0, count: layout.recordBytes)
    var at = min(recordStart, bytes.count)
    repeat {
        for k in 0..<record.count { record[k] = at + k < bytes.count ? bytes[at + k] : 0 }
        for c in layout.channels {
            precondition(c.offset + c.type.totalBytes <= layout.recordBytes)
            for e in 0..<max(1, min(c.type.repeatCount, 4)) { _ = c.type.extract(from: record, at: c.offset, element: e) }
        }
        at += record.count
    } while at < bytes.count
    return 0
}
