// A fake Linux IIO device tree: sysfs attribute files in a temp directory plus a named pipe
// standing in for /dev/iio:deviceN, carrying binary records in the kernel's layout.
//
// Public API:
//   struct FakeIIODevice     name, index, scale (.perAxis / .shared), offset, `_type` text,
//                            timestamp channel?, buffered?, legacy layout (scan_elements/ +
//                            buffer/) or buffer0/, trigger directory, sampling_frequency.
//   final class FakeIIOTree  init(devices:recording:) builds <root>/sys/bus/iio/devices/…
//                            and <root>/dev/iio:deviceN (a FIFO held open for writing).
//     sysfsBase, devBase, root
//     produce(until:)        the "kernel": emits every sample due by that time at the rate
//                            in `sampling_frequency`, encoded with the channels whose `_en`
//                            file says 1, if `enable` says 1. Ground truth in `produced`.
//     setRaw(at:)            writes in_accel_*_raw for the recording value at a time.
//     setPresent(_:)         hides / restores the device directory (unbind / rebind).
//     read(_:), write(_:_:)  attribute access for assertions.
//     remove()               deletes the tree.
// The encoder here is the kernel side, written independently of MuJoSensors' IIORecordLayout.

#if canImport(Glibc)
import Glibc
#endif
import MuJoSensors

public struct FakeIIODevice {
    public enum Scale { case perAxis(SIMD3<Double>), shared(Double) }
    public var name: String
    public var index: Int
    public var scale: Scale
    public var offset: Double
    public var type: String
    public var timestamp: Bool
    public var buffered: Bool
    public var legacyLayout: Bool
    /// nil: no trigger directory; "": a trigger directory with no current trigger.
    public var trigger: String?
    public var samplingFrequency: Double
    /// When set: an mpu6050-like device with in_temp (index 3, never enabled by the reader),
    /// in_anglvel_{x,y,z} (index 4–6, same `_type` as accel, shared scale) and the timestamp at 7.
    /// The fake gyro reads the negated accelerometer counts.
    public var gyroScale: Double?

    public init(name: String, index: Int = 0, scale: Scale, offset: Double = 0, type: String,
                timestamp: Bool = true, buffered: Bool = true, legacyLayout: Bool = false,
                trigger: String? = nil, samplingFrequency: Double = 100, gyroScale: Double? = nil) {
        self.name = name; self.index = index; self.scale = scale; self.offset = offset; self.type = type
        self.timestamp = timestamp; self.buffered = buffered; self.legacyLayout = legacyLayout
        self.trigger = trigger; self.samplingFrequency = samplingFrequency; self.gyroScale = gyroScale
    }

    /// Per-axis scale (the shared one repeated).
    public var scales: SIMD3<Double> {
        switch scale { case .perAxis(let s): return s; case .shared(let s): return SIMD3(s, s, s) }
    }
}

public final class FakeIIOTree {
    public let root: String
    public var sysfsBase: String { root + "/sys/bus/iio/devices" }
    public var devBase: String { root + "/dev" }
    public let device: FakeIIODevice
    public let recording: Recording
    /// Every sample the fake kernel wrote: time and raw counts (before shift/encoding).
    public private(set) var produced: [(time: Int64, raw: SIMD3<Int64>)] = []
    public private(set) var bytesWritten = 0

    private var writer: Int32 = -1
    private var backlog: [UInt8] = []
    private var nextTime: Int64?
    private var cursor = 0

    public var directory: String { sysfsBase + "/iio:device\(device.index)" }
    public var node: String { devBase + "/iio:device\(device.index)" }

    public init(device: FakeIIODevice, recording: Recording) {
        // tmpfs when available: truncating rewrites on ext4 flush to disk (~3 ms each).
        var st = stat()
        let base = stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        var template = Array((base + "/mujo-iio-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        root = String(cString: template)
        self.device = device
        self.recording = recording
        mkdirs(sysfsBase)
        mkdirs(devBase)
        let d = directory
        mkdirs(d)
        write("name", device.name)
        write("sampling_frequency", format(device.samplingFrequency))
        write("sampling_frequency_available", "1 10 25 50 100 200 400")
        write("current_timestamp_clock", "realtime")
        for a in ["x", "y", "z"] { write("in_accel_\(a)_raw", "0") }
        switch device.scale {
        case .perAxis(let s):
            write("in_accel_x_scale", format(s.x)); write("in_accel_y_scale", format(s.y)); write("in_accel_z_scale", format(s.z))
        case .shared(let s):
            write("in_accel_scale", format(s))
        }
        if device.offset != 0 { write("in_accel_offset", format(device.offset)) }
        if let g = device.gyroScale {
            for a in ["x", "y", "z"] { write("in_anglvel_\(a)_raw", "0") }
            write("in_anglvel_scale", format(g))
        }
        if let t = device.trigger { mkdirs(d + "/trigger"); write("trigger/current_trigger", t) }
        if device.buffered {
            let scan = device.legacyLayout ? "scan_elements" : "buffer0"
            let buf = device.legacyLayout ? "buffer" : "buffer0"
            mkdirs(d + "/" + scan)
            mkdirs(d + "/" + buf)
            write(buf + "/enable", "0")
            write(buf + "/length", "2")
            write(buf + "/watermark", "1")
            for (i, a) in ["x", "y", "z"].enumerated() {
                write("\(scan)/in_accel_\(a)_en", "0")
                write("\(scan)/in_accel_\(a)_index", String(i))
                write("\(scan)/in_accel_\(a)_type", device.type)
            }
            if device.gyroScale != nil {
                write("\(scan)/in_temp_en", "0")
                write("\(scan)/in_temp_index", "3")
                write("\(scan)/in_temp_type", "be:s16/16>>0")
                for (i, a) in ["x", "y", "z"].enumerated() {
                    write("\(scan)/in_anglvel_\(a)_en", "0")
                    write("\(scan)/in_anglvel_\(a)_index", String(4 + i))
                    write("\(scan)/in_anglvel_\(a)_type", device.type)
                }
            }
            if device.timestamp {
                write("\(scan)/in_timestamp_en", "0")
                write("\(scan)/in_timestamp_index", device.gyroScale != nil ? "7" : "3")
                write("\(scan)/in_timestamp_type", "le:s64/64>>0")
            }
            precondition(mkfifo(node, 0o600) == 0, "mkfifo failed")
            writer = Glibc.open(node, O_RDWR | O_NONBLOCK)
            precondition(writer >= 0)
        }
    }

    deinit { remove() }

    private var scanDir: String { directory + "/" + (device.legacyLayout ? "scan_elements" : "buffer0") }
    private var bufDir: String { directory + "/" + (device.legacyLayout ? "buffer" : "buffer0") }

    // MARK: attribute files

    /// Writes an attribute (path relative to the device directory).
    public func write(_ relative: String, _ text: String) {
        let fd = Glibc.open(directory + "/" + relative, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot write \(relative)")
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        Glibc.close(fd)
    }

    /// Reads an attribute (relative path), without the trailing newline; nil if absent.
    public func read(_ relative: String) -> String? {
        let fd = Glibc.open(directory + "/" + relative, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard n >= 0 else { return nil }
        var s = String(decoding: buf[0..<n], as: UTF8.self)
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }

    private func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : String(v)
    }

    private func mkdirs(_ path: String) {
        var partial = ""
        for part in path.split(separator: "/") {
            partial += "/" + part
            _ = mkdir(partial, 0o755)
        }
    }

    /// Hides (unbind) or restores (rebind) the device directory. Unbinding discards what the
    /// "kernel" still buffered (pipe contents and backlog), counted in `discardedBytes`.
    public func setPresent(_ present: Bool) {
        let hidden = sysfsBase + "/.unbound-iio:device\(device.index)"
        if present { _ = rename(hidden, directory); return }
        _ = rename(directory, hidden)
        discardedBytes += backlog.count
        backlog.removeAll()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(writer, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            discardedBytes += n
        }
        nextTime = nil
    }

    /// Bytes thrown away by unbinding.
    public private(set) var discardedBytes = 0
    /// Samples the "kernel" lost on purpose (dropNext), never written.
    public private(set) var droppedSamples = 0

    /// Skips the next `n` sample instants (a kernel-side overrun): nothing is written for them.
    public func dropNext(_ n: Int) {
        guard let t = nextTime else { return }
        let rate = Double(read("sampling_frequency") ?? "100") ?? 100
        nextTime = t + Int64(n) * Int64(1e9 / rate)
        droppedSamples += n
    }

    /// Writes in_accel_*_raw for the recording's value at `time`.
    public func setRaw(at time: Int64) -> SIMD3<Int64> {
        let raw = counts(recording.value(at: time, cursor: &cursor))
        write("in_accel_x_raw", String(raw.x)); write("in_accel_y_raw", String(raw.y)); write("in_accel_z_raw", String(raw.z))
        if device.gyroScale != nil {
            write("in_anglvel_x_raw", String(-raw.x)); write("in_anglvel_y_raw", String(-raw.y)); write("in_anglvel_z_raw", String(-raw.z))
        }
        return raw
    }

    // MARK: the fake kernel

    private struct TypeInfo { var be: Bool; var signed: Bool; var real: Int; var storage: Int; var shift: Int }

    private func parseType(_ t: String) -> TypeInfo {
        // "le:s12/16>>4": written for the fake kernel without MuJoSensors' parser.
        let endian = t.hasPrefix("be")
        let rest = t.dropFirst(3)
        let signed = rest.first == "s"
        let parts = rest.dropFirst().split(separator: "/")
        let real = Int(parts[0])!
        let storageAndShift = parts[1].split(separator: ">")   // "16>>4" → ["16", "4"]
        return TypeInfo(be: endian, signed: signed, real: real, storage: Int(storageAndShift[0])!,
                        shift: storageAndShift.count > 1 ? Int(storageAndShift[1])! : 0)
    }

    func counts(_ v: SIMD3<Double>) -> SIMD3<Int64> {
        let t = parseType(device.type)
        let hi: Int64 = t.signed ? (1 << Int64(t.real - 1)) - 1 : (1 << Int64(t.real)) - 1
        let lo: Int64 = t.signed ? -hi - 1 : 0
        let s = device.scales
        func one(_ x: Double, _ sc: Double) -> Int64 { min(hi, max(lo, Int64((x / sc - device.offset).rounded()))) }
        return SIMD3(one(v.x, s.x), one(v.y, s.y), one(v.z, s.z))
    }

    private func enabled(_ stem: String) -> Bool { read(String((device.legacyLayout ? "scan_elements/" : "buffer0/") + stem + "_en")) == "1" }

    /// Emits every sample due by `time` (when the buffer is enabled) into the pipe.
    public func produce(until time: Int64) {
        guard device.buffered else { return }
        let isEnabled = (read((device.legacyLayout ? "buffer" : "buffer0") + "/enable") ?? "0") == "1"
        guard isEnabled else { nextTime = nil; return }
        let rate = Double(read("sampling_frequency") ?? "100") ?? 100
        let period = Int64(1e9 / rate)
        if nextTime == nil { nextTime = time + period }
        let t = parseType(device.type)
        let bytes = t.storage / 8
        // Kernel layout: channels in index order, each aligned to its size, padded to the largest.
        // Channel codes: 0–2 accel, 3 temp, 4–6 anglvel, 7 timestamp (index order = code order).
        var chans: [(offset: Int, size: Int, code: Int)] = []
        var size = 0
        var largest = 1
        let stems = ["in_accel_x", "in_accel_y", "in_accel_z", "in_temp", "in_anglvel_x", "in_anglvel_y", "in_anglvel_z", "in_timestamp"]
        for code in 0..<8 {
            if code >= 3 && code <= 6 && device.gyroScale == nil { continue }
            if code == 7 && !device.timestamp { continue }
            guard enabled(stems[code]) else { continue }
            let n = code == 7 ? 8 : (code == 3 ? 2 : bytes)
            size = (size + n - 1) / n * n
            chans.append((size, n, code)); size += n; largest = max(largest, n)
        }
        size = (size + largest - 1) / largest * largest
        while let due = nextTime, due <= time {
            let raw = counts(recording.value(at: due, cursor: &cursor))
            produced.append((due, raw))
            var rec = [UInt8](repeating: 0, count: size)
            for c in chans {
                if c.code == 7 {
                    for k in 0..<8 { rec[c.offset + k] = UInt8(truncatingIfNeeded: UInt64(bitPattern: due) >> (8 * UInt64(k))) }
                } else if c.code == 3 {
                    rec[c.offset] = 0x09; rec[c.offset + 1] = 0xC4   // temp 2500, big-endian
                } else {
                    let value = c.code < 3 ? raw[c.code] : -raw[c.code - 4]
                    let mask: UInt64 = (1 << UInt64(t.real)) - 1
                    let stored = (UInt64(bitPattern: value) & mask) << UInt64(t.shift)
                    for k in 0..<c.size {
                        let byte = UInt8(truncatingIfNeeded: stored >> (8 * UInt64(k)))
                        rec[c.offset + (t.be ? c.size - 1 - k : k)] = byte
                    }
                }
            }
            backlog += rec
            nextTime = due + period
        }
        flush()
    }

    private func flush() {
        while !backlog.isEmpty {
            let n = backlog.withUnsafeBytes { Glibc.write(writer, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            bytesWritten += n
            backlog.removeFirst(n)
        }
    }

    /// Bytes of the current record layout, as the fake kernel computes it.
    public var backlogBytes: Int { backlog.count }

    public func remove() {
        if writer >= 0 { Glibc.close(writer); writer = -1 }
        removeTree(root)
    }

    private func removeTree(_ path: String) {
        if let dir = opendir(path) {
            while let e = readdir(dir) {
                let name = withUnsafePointer(to: e.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
                if name == "." || name == ".." { continue }
                let child = path + "/" + name
                var st = stat()
                if lstat(child, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { removeTree(child) } else { unlink(child) }
            }
            closedir(dir)
        }
        rmdir(path)
    }
}
