// Acceptance 2: the IIO reader on fake trees — per-axis and shared scale, `le:s12/16>>4` and
// `be:s16/16>>0`, with and without timestamp, buffered and raw — plus faults on the node.
import XCTest
import MuJoSensors
import MuJoEmulators

final class IIOScanLayoutTests: XCTestCase {
    func testParseTypes() {
        XCTAssertEqual(IIOScanType.parse("le:s12/16>>4"), IIOScanType(bigEndian: false, signed: true, realBits: 12, storageBits: 16, shift: 4))
        XCTAssertEqual(IIOScanType.parse("be:s16/16>>0"), IIOScanType(bigEndian: true, signed: true, realBits: 16, storageBits: 16, shift: 0))
        XCTAssertEqual(IIOScanType.parse("le:s64/64>>0"), IIOScanType(bigEndian: false, signed: true, realBits: 64, storageBits: 64))
        XCTAssertEqual(IIOScanType.parse("le:u10/16X2>>6"), IIOScanType(bigEndian: false, signed: false, realBits: 10, storageBits: 16, repeatCount: 2, shift: 6))
        XCTAssertEqual(IIOScanType.parse("be:s16/16"), IIOScanType(bigEndian: true, signed: true, realBits: 16, storageBits: 16))
        for bad in ["", "xx:s12/16>>4", "le:q12/16>>4", "le:s12/12>>4", "le:s12/16>4", "le:s20/16>>0", "le:s12/15>>0", "le:s12/16>>4 junk"] {
            XCTAssertNil(IIOScanType.parse(bad), bad)
        }
    }

    func testExtract() {
        let le12 = IIOScanType.parse("le:s12/16>>4")!
        XCTAssertEqual(le12.extract(from: [0xF0, 0xFF], at: 0), -1)
        XCTAssertEqual(le12.extract(from: [0x00, 0x80], at: 0), -2048)
        XCTAssertEqual(le12.extract(from: [0xF0, 0x7F], at: 0), 2047)
        XCTAssertEqual(le12.extract(from: [0x1F, 0x00], at: 0), 1, "low 4 bits are below the shift")
        let be16 = IIOScanType.parse("be:s16/16>>0")!
        XCTAssertEqual(be16.extract(from: [0x80, 0x00], at: 0), -32768)
        XCTAssertEqual(be16.extract(from: [0x01, 0x02], at: 0), 258)
        let u = IIOScanType.parse("le:u12/16>>0")!
        XCTAssertEqual(u.extract(from: [0xFF, 0xFF], at: 0), 4095)
        let ts = IIOScanType.parse("le:s64/64>>0")!
        XCTAssertEqual(ts.extract(from: [1, 2, 3, 4, 5, 6, 7, 0x80], at: 0), Int64(bitPattern: 0x8007060504030201))
    }

    func testLayouts() {
        let s12 = IIOScanType.parse("le:s12/16>>4")!, s16 = IIOScanType.parse("be:s16/16>>0")!, t = IIOScanType.parse("le:s64/64>>0")!
        // lis3dh: x, y, z + timestamp = 6 data + 2 pad + 8 = 16.
        let a = IIORecordLayout.compute([IIOScanChannel(name: "in_timestamp", index: 3, type: t),
                                         IIOScanChannel(name: "in_accel_z", index: 2, type: s12),
                                         IIOScanChannel(name: "in_accel_x", index: 0, type: s12),
                                         IIOScanChannel(name: "in_accel_y", index: 1, type: s12)])
        XCTAssertEqual(a.channels.map { $0.name }, ["in_accel_x", "in_accel_y", "in_accel_z", "in_timestamp"])
        XCTAssertEqual(a.channels.map { $0.offset }, [0, 2, 4, 8])
        XCTAssertEqual(a.recordBytes, 16)
        // Without timestamp: 6 bytes.
        XCTAssertEqual(IIORecordLayout.compute([IIOScanChannel(name: "in_accel_x", index: 0, type: s16),
                                                IIOScanChannel(name: "in_accel_y", index: 1, type: s16),
                                                IIOScanChannel(name: "in_accel_z", index: 2, type: s16)]).recordBytes, 6)
        // mpu6050-like: accel 0–2, anglvel 4–6 (temp 3 off), timestamp 7 → 12 data + 4 pad + 8 = 24.
        var chans: [IIOScanChannel] = []
        for (i, n) in ["in_accel_x", "in_accel_y", "in_accel_z"].enumerated() { chans.append(IIOScanChannel(name: n, index: i, type: s16)) }
        for (i, n) in ["in_anglvel_x", "in_anglvel_y", "in_anglvel_z"].enumerated() { chans.append(IIOScanChannel(name: n, index: 4 + i, type: s16)) }
        chans.append(IIOScanChannel(name: "in_timestamp", index: 7, type: t))
        let m = IIORecordLayout.compute(chans)
        XCTAssertEqual(m.channels.map { $0.offset }, [0, 2, 4, 6, 8, 10, 16])
        XCTAssertEqual(m.recordBytes, 24)
        // One 8-bit channel + one 32-bit: 1 + 3 pad + 4 = 8.
        let b = IIORecordLayout.compute([IIOScanChannel(name: "a", index: 0, type: IIOScanType.parse("le:u8/8>>0")!),
                                         IIOScanChannel(name: "b", index: 1, type: IIOScanType.parse("le:s32/32>>0")!)])
        XCTAssertEqual(b.channels.map { $0.offset }, [0, 4])
        XCTAssertEqual(b.recordBytes, 8)
    }
}

final class IIOReaderTests: XCTestCase {
    struct Run {
        let system: EmulatedSystem
        let tree: FakeIIOTree
        let reader: IIOReader<EmulatedSystem>
    }

    func make(_ device: FakeIIODevice, mode: IIOCaptureMode = .automatic, trigger: String? = nil, rate: Double = 100) throws -> Run {
        let r = try realRecording()
        let sys = EmulatedSystem()
        let tree = FakeIIOTree(device: device, recording: r)
        let reader = IIOReader(system: sys, configuration: IIOReaderConfiguration(
            name: device.name, sysfsBase: tree.sysfsBase, devBase: tree.devBase, samplingFrequency: rate, mode: mode, trigger: trigger))
        return Run(system: sys, tree: tree, reader: reader)
    }

    /// Drives the fake kernel and the reader for `seconds`; `each` runs before every read.
    func drive(_ run: Run, seconds: Double, each: (Int64) -> Void = { _ in }) throws -> [SensorEvent] {
        var events: [SensorEvent] = []
        let end = run.system.now + Int64(seconds * 1e9)
        while run.system.now < end {
            run.tree.produce(until: run.system.now)
            _ = try run.reader.waitForData()
            each(run.system.now)
            try run.reader.read(into: &events)
        }
        try run.reader.read(into: &events)   // drain
        return events
    }

    func check(_ run: Run, _ events: [SensorEvent], timestamps: Bool, skip: Int = 0, file: StaticString = #filePath, line: UInt = #line) {
        let samples = events.compactMap { $0.sample }
        let produced = Array(run.tree.produced.dropFirst(skip))
        XCTAssertEqual(samples.count, produced.count, "every record delivered exactly once", file: file, line: line)
        let s = run.tree.device.scales
        let o = run.tree.device.offset
        var bad = 0, badTime = 0
        for (k, smp) in samples.enumerated() where k < produced.count {
            let raw = produced[k].raw
            let expected = SIMD3<Double>((Double(raw.x) + o) * s.x, (Double(raw.y) + o) * s.y, (Double(raw.z) + o) * s.z)
            let d = SIMD3<Double>(Double(smp.acceleration.x), Double(smp.acceleration.y), Double(smp.acceleration.z)) - expected
            if max(abs(d.x), max(abs(d.y), abs(d.z))) > 1e-5 * 20 { bad += 1 }
            if timestamps && smp.timestampNanoseconds != produced[k].time { badTime += 1 }
        }
        XCTAssertEqual(bad, 0, "values", file: file, line: line)
        XCTAssertEqual(badTime, 0, "kernel timestamps", file: file, line: line)
        assertStrictlyIncreasing(events, file: file, line: line)
    }

    func device(shared: Bool, type: String, timestamp: Bool, legacy: Bool = false, buffered: Bool = true, offset: Double = 0) -> FakeIIODevice {
        let base = type.contains("12/") ? 0.009576 : 0.002394   // lis3dh ±2 g; mpu6050 ±8 g
        return FakeIIODevice(name: type.contains("12/") ? "lis3dh" : "mpu6050", index: 2,
                             scale: shared ? .shared(base) : .perAxis(SIMD3(base, base * 1.01, base * 0.99)),
                             offset: offset, type: type, timestamp: timestamp, buffered: buffered, legacyLayout: legacy)
    }

    func testBufferedMatrix() throws {
        for shared in [false, true] {
            for type in ["le:s12/16>>4", "be:s16/16>>0"] {
                for ts in [true, false] {
                    let run = try make(device(shared: shared, type: type, timestamp: ts))
                    try run.reader.start()
                    XCTAssertEqual(run.reader.mode, .buffered)
                    XCTAssertEqual(run.reader.layout.recordBytes, ts ? 16 : 6)
                    XCTAssertEqual(run.tree.read("buffer0/enable"), "1")
                    XCTAssertEqual(run.tree.read("buffer0/in_timestamp_en") ?? "absent", ts ? "1" : "absent")
                    let events = try drive(run, seconds: 120)
                    XCTAssertTrue(events.allSatisfy { $0.gap == nil }, "\(shared) \(type) \(ts)")
                    XCTAssertEqual(run.reader.outputDataRate, 100)
                    XCTAssertGreaterThan(run.tree.produced.count, 11_900)
                    check(run, events, timestamps: ts)
                    print("IIO buffered shared=\(shared) \(type) ts=\(ts): produced \(run.tree.produced.count) delivered \(events.compactMap { $0.sample }.count)")
                }
            }
        }
    }

    func testLegacyScanElementsLayoutAndOffsetAndRate50() throws {
        let run = try make(device(shared: true, type: "le:s12/16>>4", timestamp: true, legacy: true, offset: -3), rate: 50)
        try run.reader.start()
        XCTAssertEqual(run.reader.mode, .buffered)
        XCTAssertEqual(run.tree.read("sampling_frequency"), "50")
        XCTAssertEqual(run.tree.read("buffer/length"), "256")
        XCTAssertEqual(run.tree.read("buffer/watermark"), "8")
        XCTAssertEqual(run.tree.read("current_timestamp_clock"), "monotonic")
        let events = try drive(run, seconds: 60)
        XCTAssertEqual(run.reader.outputDataRate, 50)
        check(run, events, timestamps: true)
    }

    func testRawPollingPerAxisAndShared() throws {
        for shared in [false, true] {
            let run = try make(device(shared: shared, type: "le:s12/16>>4", timestamp: false, buffered: false))
            try run.reader.start()
            XCTAssertEqual(run.reader.mode, .raw)
            var events: [SensorEvent] = []
            var expected: [(Int64, SIMD3<Int64>)] = []
            let end = run.system.now + 30_000_000_000
            while run.system.now < end {
                _ = try run.reader.waitForData()
                let raw = run.tree.setRaw(at: run.system.now)
                let before = events.count
                try run.reader.read(into: &events)
                if events.count > before { expected.append((run.system.now, raw)) }
            }
            let samples = events.compactMap { $0.sample }
            XCTAssertEqual(samples.count, expected.count)
            XCTAssertGreaterThanOrEqual(samples.count, 2990)
            let s = run.tree.device.scales
            var badTime = 0, badValue = 0
            for (smp, e) in zip(samples, expected) {
                if smp.timestampNanoseconds != e.0 { badTime += 1 }
                if abs(Double(smp.acceleration.x) - Double(e.1.x) * s.x) > 1e-4
                    || abs(Double(smp.acceleration.y) - Double(e.1.y) * s.y) > 1e-4
                    || abs(Double(smp.acceleration.z) - Double(e.1.z) * s.z) > 1e-4 { badValue += 1 }
            }
            XCTAssertEqual(badTime, 0)
            XCTAssertEqual(badValue, 0)
            // Ticks 10 ms apart on the simulated clock.
            let dts = zip(samples.dropFirst(), samples).map { $0.timestampNanoseconds - $1.timestampNanoseconds }
            XCTAssertEqual(Set(dts), [10_000_000])
        }
    }

    func testAutomaticFallsBackToRawWithoutTrigger() throws {
        var d = device(shared: true, type: "be:s16/16>>0", timestamp: true)
        d.trigger = ""
        let run = try make(d)
        try run.reader.start()
        XCTAssertEqual(run.reader.mode, .raw, "a buffer without a trigger cannot stream")
        // With a trigger name given, the reader writes it and streams.
        let run2 = try make(d, trigger: "t0")
        try run2.reader.start()
        XCTAssertEqual(run2.reader.mode, .buffered)
        XCTAssertEqual(run2.tree.read("trigger/current_trigger"), "t0")
        check(run2, try drive(run2, seconds: 10), timestamps: true)
    }

    func testShortReadsEAGAINAndEIOLoseNothing() throws {
        let run = try make(device(shared: false, type: "le:s12/16>>4", timestamp: true))
        try run.reader.start()
        run.system.injectReadFaults(path: run.tree.node, [.short(5), .short(11), .error(.tryAgain), .short(1), .error(.io), .error(.io), .short(16), .short(3)])
        let events = try drive(run, seconds: 30)
        XCTAssertTrue(events.allSatisfy { $0.gap == nil })
        XCTAssertEqual(run.reader.statistics.retries, 2)
        check(run, events, timestamps: true)
    }

    func testKernelOverrunGivesTimestampJumpGap() throws {
        let run = try make(device(shared: true, type: "le:s12/16>>4", timestamp: true))
        try run.reader.start()
        var dropped = false
        let events = try drive(run, seconds: 20) { now in
            if !dropped && now > run.system.now - 1 && run.tree.produced.count > 500 { run.tree.dropNext(37); dropped = true }
        }
        let gaps = events.compactMap { $0.gap }
        XCTAssertEqual(gaps.map { $0.reason }, [.timestampJump])
        XCTAssertEqual(gaps.first?.estimatedLostSamples, 37)
        XCTAssertEqual(gaps.first.map { $0.endNanoseconds - $0.startNanoseconds }, 38 * 10_000_000)
        check(run, events, timestamps: true)
    }

    func testENODEVReopensByName() throws {
        let run = try make(device(shared: true, type: "be:s16/16>>0", timestamp: true))
        try run.reader.start()
        var goneAt: Int64?
        let events = try drive(run, seconds: 20) { now in
            if goneAt == nil && run.tree.produced.count > 500 {
                goneAt = now
                run.tree.setPresent(false)
                run.system.injectReadFaults(path: run.tree.node, [.error(.noDevice)])
            } else if let g = goneAt, now - g >= 500_000_000, now - g < 2_000_000_000 {
                run.tree.setPresent(true)
            }
        }
        let gaps = events.compactMap { $0.gap }
        XCTAssertEqual(gaps.map { $0.reason }, [.deviceReopened])
        XCTAssertEqual(run.reader.statistics.reopens, 1)
        // Attempts at +100, +300, +700 ms: the device is back from +500 ms, so the third wins.
        XCTAssertEqual(Double(gaps[0].endNanoseconds - goneAt!) / 1e6, 700, accuracy: 20)
        // Delivered = produced − what the unbind discarded; nothing duplicated.
        let size = run.reader.layout.recordBytes
        let samples = events.compactMap { $0.sample }
        XCTAssertEqual(samples.count + run.tree.discardedBytes / size, run.tree.produced.count)
        assertStrictlyIncreasing(events)
    }

    /// mpu6050-like: accel 0–2, temp 3 (left disabled), anglvel 4–6, timestamp 7 → 24-byte records.
    func testGyroscopeChannelsBufferedAndRaw() throws {
        let r = try realRecording()
        let d = FakeIIODevice(name: "mpu6050", scale: .shared(0.002394), type: "be:s16/16>>0", gyroScale: 0.001064724)
        for mode in [IIOCaptureMode.buffered, .raw] {
            let sys = EmulatedSystem()
            let tree = FakeIIOTree(device: d, recording: r)
            let reader = IIOReader(system: sys, configuration: IIOReaderConfiguration(
                name: "mpu6050", sysfsBase: tree.sysfsBase, devBase: tree.devBase, mode: mode, gyroscope: true))
            try reader.start()
            XCTAssertTrue(reader.hasGyroscope)
            var events: [SensorEvent] = []
            var rawLog: [SIMD3<Int64>] = []
            if mode == .buffered {
                XCTAssertEqual(reader.layout.recordBytes, 24)
                XCTAssertEqual(reader.layout.channels.map { $0.offset }, [0, 2, 4, 6, 8, 10, 16])
                XCTAssertEqual(tree.read("buffer0/in_temp_en"), "0")
                events = try drive(Run(system: sys, tree: tree, reader: reader), seconds: 20)
                rawLog = tree.produced.map { $0.raw }
            } else {
                let end = sys.now + 5_000_000_000
                while sys.now < end {
                    _ = try reader.waitForData()
                    let raw = tree.setRaw(at: sys.now)
                    let before = events.count
                    try reader.read(into: &events)
                    if events.count > before { rawLog.append(raw) }
                }
            }
            let samples = events.compactMap { $0.sample }
            XCTAssertEqual(samples.count, rawLog.count, "\(mode)")
            var bad = 0
            for (smp, raw) in zip(samples, rawLog) {
                guard let g = smp.rotationRate else { bad += 1; continue }
                for k in 0..<3 {
                    let expected = Double(Int16(truncatingIfNeeded: -raw[k])) * 0.001064724
                    if abs(Double(g[k]) - expected) > 1e-5 { bad += 1 }
                    if abs(Double(smp.acceleration[k]) - Double(raw[k]) * 0.002394) > 1e-4 { bad += 1 }
                }
            }
            XCTAssertEqual(bad, 0, "\(mode)")
        }
    }

    func testGivesUpWhenTheDeviceStaysAway() throws {
        let run = try make(device(shared: true, type: "le:s12/16>>4", timestamp: true))
        try run.reader.start()
        var gone = false
        do {
            _ = try drive(run, seconds: 200) { _ in
                if !gone && run.tree.produced.count > 100 {
                    gone = true
                    run.tree.setPresent(false)
                    run.system.injectReadFaults(path: run.tree.node, [.error(.noDevice)])
                }
            }
            XCTFail("expected the reader to give up")
        } catch let e as SensorError {
            guard case .iioDeviceVanished(let name, let seconds, _) = e else { return XCTFail(e.message) }
            XCTAssertEqual(name, "lis3dh")
            XCTAssertGreaterThanOrEqual(seconds, 60); XCTAssertLessThan(seconds, 63)
            XCTAssertTrue(e.message.hasPrefix("IIO device lis3dh went away and did not come back within"), e.message)
            XCTAssertTrue(e.message.contains("no IIO device named lis3dh"), e.message)
        }
    }

    func testNotFoundListsWhatExists() throws {
        let run = try make(device(shared: true, type: "le:s12/16>>4", timestamp: true))
        let other = IIOReader(system: run.system, configuration: IIOReaderConfiguration(name: "adxl345", sysfsBase: run.tree.sysfsBase, devBase: run.tree.devBase))
        XCTAssertThrowsError(try other.start()) { e in
            XCTAssertEqual((e as! SensorError).message,
                           "no IIO device named adxl345 under \(run.tree.sysfsBase) (found: lis3dh); load the driver (e.g. `modprobe st_accel_i2c`) and bind it (`echo lis3dh 0x18 > /sys/bus/i2c/devices/i2c-1/new_device`)")
        }
        let list = listIIODevices(run.system, sysfsBase: run.tree.sysfsBase, devBase: run.tree.devBase)
        XCTAssertEqual(list.map { $0.name }, ["lis3dh"])
        XCTAssertEqual(list.first?.node, run.tree.devBase + "/iio:device2")
        XCTAssertEqual(list.first?.hasBuffer, true)
    }

    func testMalformedTypeIsReported() throws {
        let run = try make(device(shared: true, type: "le:s12/16>>4", timestamp: false))
        run.tree.write("buffer0/in_accel_y_type", "le:s12/16>4")
        let r = IIOReader(system: run.system, configuration: IIOReaderConfiguration(
            name: "lis3dh", sysfsBase: run.tree.sysfsBase, devBase: run.tree.devBase, mode: .buffered))
        XCTAssertThrowsError(try r.start()) { e in
            XCTAssertEqual((e as! SensorError).message,
                           "IIO attribute \(run.tree.directory)/buffer0/in_accel_y_type: 'le:s12/16>4' is not [be|le]:[s|u]BITS/STORAGE[Xn][>>SHIFT]")
        }
    }
}
