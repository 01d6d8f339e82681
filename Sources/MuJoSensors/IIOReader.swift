// Linux IIO accelerometer reader: buffered capture from /dev/iio:deviceN, or sysfs raw polling.
//
// Public API:
//   (IIODeviceInfo and listIIODevices, the device list, are in IIODevices.swift.)
//   enum IIOCaptureMode                   .automatic, .buffered, .raw.
//   struct IIOReaderConfiguration         device name, base paths (parameters so tests can use a
//                                         temp tree), rate, mode, trigger, watermark, length,
//                                         timestamp, gyroscope, recovery policy.
//   final class IIOReader<S>: MotionSensor
//     start()      find the device by `name`, read scale/offset (per-axis `in_accel_x_scale` or
//                  shared `in_accel_scale`), write `sampling_frequency` and read it back; then
//                  buffered: disable, set trigger (if given), `current_timestamp_clock`=monotonic,
//                  enable x/y/z (+ anglvel) + timestamp, parse `_index`/`_type`, compute the
//                  record layout, write `length` and `watermark`, enable, open the node
//                  non-blocking; raw: read `in_accel_*_raw` once per period.
//                  .automatic uses raw when there is no buffer directory, when the device has a
//                  trigger directory but no current trigger (and none was given), or when
//                  enabling the buffer fails.
//     read(into:)  buffered: read whole records (a short read is completed by the next one),
//                  kernel timestamps when enabled (else estimated from the read time); a jump
//                  of more than 1.5 periods between kernel timestamps → .timestampJump gap.
//                  raw: one sample per due tick, timestamp = clock at the read.
//     waitForData() poll(node, 4 watermark periods) / sleep until the next raw tick.
//     mode, layout, scale, outputDataRate, deviceDirectory, deviceNode.
//
// Errors on the node: EAGAIN = no data; EIO/ETIMEDOUT = retried on the next call after a
// back-off (1, 2, 4, 8 ms), the kernel keeps the data so nothing is lost; ENODEV / ENOENT / 5
// failures in a row = the device went away: the reader closes it, looks the name up again every
// 100 ms doubling to 2 s, re-runs the setup, and reports one .deviceReopened gap (give-up after
// the policy's 60 s).
import CMuJoSystem

public enum IIOCaptureMode: Equatable {
    case automatic, buffered, raw
}

public struct IIOReaderConfiguration {
    /// The device's `name` attribute, e.g. "lis3dh", "mpu6050", "adxl345".
    public var name: String
    public var sysfsBase: String
    public var devBase: String
    /// Written to `sampling_frequency` when set (then read back as the actual rate).
    public var samplingFrequency: Double?
    public var mode: IIOCaptureMode
    /// Written to `trigger/current_trigger` when set (e.g. "t0" for an hrtimer trigger).
    public var trigger: String?
    /// Records per wake-up (`watermark`).
    public var watermark: Int
    /// Buffer length in records (`length`).
    public var bufferLength: Int
    /// Enable the timestamp channel when the device has one.
    public var timestamp: Bool
    /// Enable in_anglvel_{x,y,z} when present.
    public var gyroscope: Bool
    public var recovery: RecoveryPolicy

    public init(name: String, sysfsBase: String = "/sys/bus/iio/devices", devBase: String = "/dev",
                samplingFrequency: Double? = 100, mode: IIOCaptureMode = .automatic, trigger: String? = nil,
                watermark: Int = 8, bufferLength: Int = 256, timestamp: Bool = true, gyroscope: Bool = false,
                recovery: RecoveryPolicy = RecoveryPolicy()) {
        self.name = name; self.sysfsBase = sysfsBase; self.devBase = devBase
        self.samplingFrequency = samplingFrequency; self.mode = mode; self.trigger = trigger
        self.watermark = watermark; self.bufferLength = bufferLength; self.timestamp = timestamp
        self.gyroscope = gyroscope; self.recovery = recovery
    }
}

public final class IIOReader<S: SystemCalls>: MotionSensor {
    public let system: S
    public let configuration: IIOReaderConfiguration
    public private(set) var statistics = SensorStatistics()
    /// The mode in use after start(): .buffered or .raw.
    public private(set) var mode: IIOCaptureMode = .automatic
    public private(set) var layout = IIORecordLayout(channels: [], recordBytes: 0)
    /// m/s² per count and offset in counts, per axis.
    public private(set) var scale = SIMD3<Double>(0, 0, 0)
    public private(set) var offset = SIMD3<Double>(0, 0, 0)
    public private(set) var gyroScale = SIMD3<Double>(0, 0, 0)
    public private(set) var gyroOffset = SIMD3<Double>(0, 0, 0)
    public private(set) var outputDataRate: Double = 0
    public private(set) var hasGyroscope = false
    public private(set) var deviceDirectory = ""
    public private(set) var deviceNode = ""

    private var fd: Int32 = -1
    private var pending: [UInt8] = []
    private var chunk: [UInt8] = []
    private var record: [UInt8] = []
    private var lastTimestamp: Int64?
    /// When sampling last (re)started: a loss before the next sample runs from here (as in I2CAccelerometer).
    private var resumedAt: Int64?
    private var nextRawTime: Int64 = 0
    private var consecutiveFailures = 0
    private var vanishedSince: Int64?
    private var nextReopenAt: Int64 = 0
    private var reopenDelay: Int64 = 0
    private var scanDirectory = ""
    private var bufferDirectory = ""

    public init(system: S, configuration: IIOReaderConfiguration) {
        self.system = system
        self.configuration = configuration
    }

    private var period: Int64 { outputDataRate > 0 ? Int64(1e9 / outputDataRate) : 10_000_000 }

    public func start() throws(SensorError) {
        try setUp()
        lastTimestamp = nil
        nextRawTime = system.monotonicNanoseconds()
        resumedAt = nextRawTime
    }

    private func setUp() throws(SensorError) {
        let devices = listIIODevices(system, sysfsBase: configuration.sysfsBase, devBase: configuration.devBase)
        guard let dev = devices.first(where: { $0.name.bytesEqual(configuration.name) }) else {
            throw .iioDeviceNotFound(name: configuration.name, base: configuration.sysfsBase, available: devices.map { $0.name })
        }
        deviceDirectory = dev.directory
        deviceNode = dev.node
        (scale, offset) = try readScaleOffset(kind: "accel", required: true)
        hasGyroscope = false
        if configuration.gyroscope && system.fileExists(dev.directory + "/in_anglvel_x_raw") {
            (gyroScale, gyroOffset) = try readScaleOffset(kind: "anglvel", required: true)
            hasGyroscope = true
        }
        let freqPath = dev.directory + "/sampling_frequency"
        if let f = configuration.samplingFrequency, system.fileExists(freqPath) {
            let text = f == f.rounded() ? String(Int(f)) : "\(f)"
            do { try system.writeText(freqPath, text) } catch {
                throw .iioAttribute(path: freqPath, problem: "writing \(text) failed (\(error.name)); pick a value from sampling_frequency_available")
            }
        }
        if let t = try? system.readText(freqPath), let v = parseDouble(t), v > 0 {
            outputDataRate = v
        } else {
            outputDataRate = configuration.samplingFrequency ?? 100
        }

        var useBuffer = configuration.mode != .raw && dev.hasBuffer
        if configuration.mode == .automatic && useBuffer && configuration.trigger == nil
            && system.fileExists(dev.directory + "/trigger/current_trigger") && dev.currentTrigger.isEmpty {
            useBuffer = false   // a trigger-driven device without a trigger cannot stream
        }
        if configuration.mode == .buffered && !dev.hasBuffer {
            throw .iioAttribute(path: dev.directory, problem: "has no buffer (no buffer0/ or buffer/); use raw mode, or give the driver an IRQ / trigger")
        }
        if useBuffer {
            do {
                try setUpBuffer(dev)
                mode = .buffered
                return
            } catch {
                if configuration.mode == .buffered { throw error }
                disableBuffer()
            }
        }
        mode = .raw
    }

    private func readScaleOffset(kind: String, required: Bool) throws(SensorError) -> (SIMD3<Double>, SIMD3<Double>) {
        var s = SIMD3<Double>(0, 0, 0), o = SIMD3<Double>(0, 0, 0)
        let axes = ["x", "y", "z"]
        for i in 0..<3 {
            let perAxis = deviceDirectory + "/in_" + kind + "_" + axes[i] + "_scale"
            let shared = deviceDirectory + "/in_" + kind + "_scale"
            var text: String? = nil
            var path = perAxis
            if let t = try? system.readText(perAxis) { text = t } else if let t = try? system.readText(shared) { text = t; path = shared }
            guard let text else {
                throw .iioAttribute(path: perAxis, problem: "neither \(perAxis) nor \(shared) exists; is this an accelerometer driver?")
            }
            guard let v = parseDouble(text) else {
                throw .iioAttribute(path: path, problem: "'\(text)' is not a number")
            }
            s[i] = v
            let offAxis = deviceDirectory + "/in_" + kind + "_" + axes[i] + "_offset"
            let offShared = deviceDirectory + "/in_" + kind + "_offset"
            if let t = (try? system.readText(offAxis)) ?? (try? system.readText(offShared)) {
                guard let v = parseDouble(t) else { throw .iioAttribute(path: offAxis, problem: "'\(t)' is not a number") }
                o[i] = v
            }
        }
        return (s, o)
    }

    private func write(_ path: String, _ text: String) throws(SensorError) {
        do { try system.writeText(path, text) } catch {
            throw .iioAttribute(path: path, problem: "writing '\(text)' failed (\(error.name)); run as root or check the driver supports it")
        }
    }

    private func disableBuffer() {
        if !bufferDirectory.isEmpty { try? system.writeText(bufferDirectory + "/enable", "0") }
    }

    private func setUpBuffer(_ dev: IIODeviceInfo) throws(SensorError) {
        if system.fileExists(dev.directory + "/buffer0/enable") {
            bufferDirectory = dev.directory + "/buffer0"
            scanDirectory = bufferDirectory
        } else {
            bufferDirectory = dev.directory + "/buffer"
            scanDirectory = dev.directory + "/scan_elements"
        }
        try write(bufferDirectory + "/enable", "0")
        if let t = configuration.trigger { try write(dev.directory + "/trigger/current_trigger", t) }
        if system.fileExists(dev.directory + "/current_timestamp_clock") {
            try? system.writeText(dev.directory + "/current_timestamp_clock", "monotonic")
        }
        var wanted = ["in_accel_x", "in_accel_y", "in_accel_z"]
        if hasGyroscope { wanted += ["in_anglvel_x", "in_anglvel_y", "in_anglvel_z"] }
        if configuration.timestamp && system.fileExists(scanDirectory + "/in_timestamp_en") { wanted.append("in_timestamp") }
        let entries: [String]
        do { entries = try system.listDirectory(scanDirectory) } catch {
            throw .iioAttribute(path: scanDirectory, problem: "cannot list (\(error.name))")
        }
        for e in entries where e.hasByteSuffix("_en") {
            let stem = e.byteSlice(0, e.utf8.count - 3)
            try write(scanDirectory + "/" + e, wanted.containsBytes(stem) ? "1" : "0")
        }
        var channels: [IIOScanChannel] = []
        for stem in wanted {
            let typePath = scanDirectory + "/" + stem + "_type"
            let indexPath = scanDirectory + "/" + stem + "_index"
            guard let typeText = try? system.readText(typePath) else {
                throw .iioAttribute(path: typePath, problem: "missing; the driver does not buffer \(stem)")
            }
            guard let type = IIOScanType.parse(typeText) else {
                throw .iioAttribute(path: typePath, problem: "'\(typeText)' is not [be|le]:[s|u]BITS/STORAGE[Xn][>>SHIFT]")
            }
            guard let indexText = try? system.readText(indexPath), let index = Int(indexText) else {
                throw .iioAttribute(path: indexPath, problem: "missing or not an integer")
            }
            channels.append(IIOScanChannel(name: stem, index: index, type: type))
        }
        layout = IIORecordLayout.compute(channels)
        try write(bufferDirectory + "/length", String(configuration.bufferLength))
        if system.fileExists(bufferDirectory + "/watermark") {
            try write(bufferDirectory + "/watermark", String(configuration.watermark))
        }
        try write(bufferDirectory + "/enable", "1")
        do { fd = try system.open(dev.node, .readNonBlocking) } catch {
            throw .cannotOpen(path: dev.node, errno: error)
        }
        pending.removeAll()
        chunk = [UInt8](repeating: 0, count: max(4096, layout.recordBytes * 64))
        record = [UInt8](repeating: 0, count: layout.recordBytes)
    }

    public func read(into events: inout [SensorEvent]) throws(SensorError) {
        if vanishedSince != nil { try reopenStep(into: &events); return }
        if mode == .raw { try readRaw(into: &events); return }
        guard fd >= 0 else { throw .unsupportedSetting("IIOReader.read called before start(); call start() first") }
        while true {
            var failure: Errno? = nil
            let n = chunk.withUnsafeMutableBytes { (b) -> Int in
                do throws(Errno) { return try system.read(fd, into: b) } catch { failure = error; return -1 }
            }
            statistics.transactions += 1
            if let e = failure {
                if e == .tryAgain { break }
                consecutiveFailures += 1
                if isVanishedErrno(e) || consecutiveFailures > configuration.recovery.transactionRetries {
                    enterReopenLoop()
                    return
                }
                if !isTransientErrno(e) { throw .io(operation: "read \(deviceNode)", errno: e) }
                statistics.retries += 1
                system.sleep(nanoseconds: configuration.recovery.firstRetryDelayNanoseconds << Int64(consecutiveFailures - 1))
                continue
            }
            consecutiveFailures = 0
            if n <= 0 { break }
            pending.append(contentsOf: chunk[0..<n])
            decodePending(into: &events)
            if n < chunk.count { break }
        }
    }

    private func decodePending(into events: inout [SensorEvent]) {
        let size = layout.recordBytes
        let count = pending.count / size
        guard count > 0 else { return }
        let readTime = system.monotonicNanoseconds()
        let ts = layout.channel("in_timestamp")
        let x = layout.channel("in_accel_x"), y = layout.channel("in_accel_y"), z = layout.channel("in_accel_z")
        let gx = layout.channel("in_anglvel_x"), gy = layout.channel("in_anglvel_y"), gz = layout.channel("in_anglvel_z")
        for r in 0..<count {
            for k in 0..<size { record[k] = pending[r * size + k] }
            var raw = SIMD3<Double>(0, 0, 0)
            if let x { raw.x = Double(x.type.extract(from: record, at: x.offset)) }
            if let y { raw.y = Double(y.type.extract(from: record, at: y.offset)) }
            if let z { raw.z = Double(z.type.extract(from: record, at: z.offset)) }
            let a = (raw + offset) * scale
            var t: Int64
            if let ts {
                t = ts.type.extract(from: record, at: ts.offset)
                if let last = lastTimestamp, t - last > period * 3 / 2 {
                    let lost = max(0, Int((Double(t - last) / Double(period)).rounded()) - 1)
                    events.append(.gap(SensorGap(reason: .timestampJump, startNanoseconds: last, endNanoseconds: t, estimatedLostSamples: lost)))
                    statistics.gaps += 1
                }
            } else {
                t = FIFOTimestamps.next(after: lastTimestamp, index: r, count: count, readTime: readTime, period: period)
            }
            lastTimestamp = t
            var sample = MotionSample(timestampNanoseconds: t, acceleration: SIMD3<Float>(Float(a.x), Float(a.y), Float(a.z)))
            if hasGyroscope, let gx, let gy, let gz {
                let g = (SIMD3<Double>(Double(gx.type.extract(from: record, at: gx.offset)),
                                       Double(gy.type.extract(from: record, at: gy.offset)),
                                       Double(gz.type.extract(from: record, at: gz.offset))) + gyroOffset) * gyroScale
                sample.rotationRate = SIMD3<Float>(Float(g.x), Float(g.y), Float(g.z))
            }
            events.append(.sample(sample))
        }
        pending.removeFirst(count * size)
        statistics.samplesDelivered += count
    }

    private func readRaw(into events: inout [SensorEvent]) throws(SensorError) {
        let now = system.monotonicNanoseconds()
        guard now >= nextRawTime else { return }
        // Missed ticks are not lost data (we are the sampler): resynchronise.
        nextRawTime += period
        if nextRawTime <= now { nextRawTime = now + period }
        let kinds = hasGyroscope ? ["accel", "anglvel"] : ["accel"]
        var values: [SIMD3<Double>] = []
        for kind in kinds {
            var v = SIMD3<Double>(0, 0, 0)
            for (i, axis) in ["x", "y", "z"].enumerated() {
                let path = deviceDirectory + "/in_" + kind + "_" + axis + "_raw"
                var attempt = 0
                while true {
                    statistics.transactions += 1
                    var failure: Errno? = nil
                    var text = ""
                    do throws(Errno) { text = try system.readText(path) } catch { failure = error }
                    if let e = failure {
                        if isVanishedErrno(e) { enterReopenLoop(); return }
                        if !isTransientErrno(e) { throw .io(operation: "read \(path)", errno: e) }
                        if attempt >= configuration.recovery.transactionRetries {
                            events.append(.gap(SensorGap(reason: .readError, startNanoseconds: lastTimestamp ?? now,
                                                         endNanoseconds: system.monotonicNanoseconds(), estimatedLostSamples: 1)))
                            statistics.gaps += 1
                            return
                        }
                        system.sleep(nanoseconds: configuration.recovery.firstRetryDelayNanoseconds << Int64(attempt))
                        attempt += 1
                        statistics.retries += 1
                        continue
                    }
                    guard let r = parseDouble(text) else { throw .iioAttribute(path: path, problem: "'\(text)' is not a number") }
                    v[i] = r
                    break
                }
            }
            values.append(v)
        }
        let a = (values[0] + offset) * scale
        var sample = MotionSample(timestampNanoseconds: now, acceleration: SIMD3<Float>(Float(a.x), Float(a.y), Float(a.z)))
        if hasGyroscope {
            let g = (values[1] + gyroOffset) * gyroScale
            sample.rotationRate = SIMD3<Float>(Float(g.x), Float(g.y), Float(g.z))
        }
        lastTimestamp = now
        events.append(.sample(sample))
        statistics.samplesDelivered += 1
    }

    private func enterReopenLoop() {
        if fd >= 0 { system.close(fd) }
        fd = -1
        pending.removeAll()
        let now = system.monotonicNanoseconds()
        vanishedSince = now
        reopenDelay = configuration.recovery.firstReopenDelayNanoseconds
        nextReopenAt = now + reopenDelay
        consecutiveFailures = 0
    }

    private func reopenStep(into events: inout [SensorEvent]) throws(SensorError) {
        let now = system.monotonicNanoseconds()
        guard let since = vanishedSince, now >= nextReopenAt else { return }
        do {
            try setUp()
            vanishedSince = nil
            statistics.reopens += 1
            let resumed = system.monotonicNanoseconds()
            let start = lastTimestamp ?? min(resumedAt ?? since, since)
            let lost = max(0, Int((Double(resumed - start) / Double(period)).rounded()) - (lastTimestamp == nil ? 0 : 1))
            events.append(.gap(SensorGap(reason: .deviceReopened, startNanoseconds: start, endNanoseconds: resumed, estimatedLostSamples: lost)))
            statistics.gaps += 1
            lastTimestamp = nil
            nextRawTime = resumed
            resumedAt = resumed
        } catch {
            if let limit = configuration.recovery.reopenGiveUpNanoseconds, now - since >= limit {
                throw .iioDeviceVanished(name: configuration.name, seconds: Double(now - since) / 1e9, lastProblem: error.message)
            }
            reopenDelay = min(reopenDelay * 2, configuration.recovery.maximumReopenDelayNanoseconds)
            nextReopenAt = now + reopenDelay
        }
    }

    public func waitForData() throws(SensorError) -> Bool {
        if vanishedSince != nil {
            system.sleep(nanoseconds: max(0, nextReopenAt - system.monotonicNanoseconds()))
            return true
        }
        if mode == .raw {
            system.sleep(nanoseconds: max(0, nextRawTime - system.monotonicNanoseconds()))
            return true
        }
        do {
            _ = try system.pollReadable(fd, timeoutNanoseconds: period * Int64(max(1, configuration.watermark)) * 4)
        } catch {
            if isVanishedErrno(error) { enterReopenLoop(); return true }
            throw .io(operation: "poll \(deviceNode)", errno: error)
        }
        return true
    }

    public func stop() {
        if fd >= 0 { system.close(fd) }
        fd = -1
        disableBuffer()
    }
}
