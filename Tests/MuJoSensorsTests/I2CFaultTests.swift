// Acceptance 1 (fault part): overflow and each fault class produce the documented
// gap / retry / reopen behaviour. Each test asserts the exact events.
import Foundation
import XCTest
import MuJoSensors
import MuJoEmulators

final class I2CFaultTests: XCTestCase {
    let bus = "/dev/i2c-1"

    func gaps(_ events: [SensorEvent]) -> [SensorGap] { events.compactMap { $0.gap } }

    /// Overflow: not reading for 20 s → exactly one .fifoOverflow gap, one FIFO reset, then clean.
    func overflow(_ kind: ChipUnderTest) throws {
        let rig = try Rig(kind, rateHz: 100)
        try rig.driver.start()
        var events = try rig.run(seconds: 10)
        XCTAssertTrue(gaps(events).isEmpty)
        let lastBefore = events.last { $0.sample != nil }!.sample!.timestampNanoseconds
        rig.system.advance(by: 20_000_000_000)
        events += try rig.run(seconds: 10)
        let g = gaps(events)
        XCTAssertEqual(g.count, 1, "\(kind)")
        XCTAssertEqual(g.first?.reason, .fifoOverflow)
        XCTAssertEqual(g.first?.startNanoseconds, lastBefore)
        XCTAssertEqual(rig.driver.statistics.fifoResets, 1)
        let f = groundTruth(rig, events)
        // Lost samples are exactly those the emulator dropped (overflow + reset), never invented.
        XCTAssertEqual(f.duplicated, 0)
        XCTAssertEqual(f.valueMismatches, 0)
        XCTAssertEqual(f.produced, f.delivered + f.lost + f.inFIFO)
        let estimate = g.first!.estimatedLostSamples
        XCTAssertLessThanOrEqual(abs(estimate - f.lost), 3, "\(kind): gap estimate \(estimate) vs dropped \(f.lost)")
        print("OVERFLOW \(kind): \(f), gap estimate \(estimate)")
        assertStrictlyIncreasing(events)
    }

    /// Two losses with no sample between them (found by the fault soak): the second gap starts where
    /// the first ended, not at its own end, and estimates what the chip dropped in between.
    func testSecondLossBeforeAnySampleStartsAtTheFirstGapsEnd() throws {
        let rig = try Rig(.mpu6050, rateHz: 100)
        try rig.driver.start()
        var events = try rig.run(seconds: 5)
        rig.system.advance(by: 20_000_000_000)
        var now: [SensorEvent] = []
        try rig.driver.read(into: &now)           // the overflow: a gap, the FIFO reset
        XCTAssertEqual(gaps(now).count, 1)
        XCTAssertTrue(now.allSatisfy { $0.sample == nil }, "nothing read after the reset yet")
        let droppedBefore = rig.chip.droppedCount
        rig.system.advance(by: 20_000_000_000)    // stalled again before a single sample came
        events += now
        now = []
        try rig.driver.read(into: &now)
        events += now
        let g = gaps(events)
        XCTAssertEqual(g.count, 2)
        XCTAssertEqual(g[1].startNanoseconds, g[0].endNanoseconds)
        let dropped = rig.chip.droppedCount - droppedBefore
        XCTAssertGreaterThan(dropped, 1500)
        XCTAssertLessThanOrEqual(abs(g[1].estimatedLostSamples - dropped), 3, "estimate \(g[1].estimatedLostSamples) vs dropped \(dropped)")
        assertStrictlyIncreasing(events)
    }

    func testOverflowMPU6050() throws { try overflow(.mpu6050) }
    func testOverflowMPU6500() throws { try overflow(.mpu6500) }
    func testOverflowADXL345() throws { try overflow(.adxl345) }
    func testOverflowLIS3DH() throws { try overflow(.lis3dh) }
    func testOverflowLSM6DS3() throws { try overflow(.lsm6ds3) }
    func testOverflowLSM6DSOX() throws { try overflow(.lsm6dsox) }
    func testOverflowBMI160() throws { try overflow(.bmi160) }

    /// NACK / EIO bursts within the retry budget: retried, no gap, nothing lost.
    func transient(_ kind: ChipUnderTest, nacks: Int, eios: Int) throws {
        let rig = try Rig(kind, rateHz: 100)
        try rig.driver.start()
        var events = try rig.run(seconds: 5)
        rig.system.nack(bus: bus, address: rig.chip.address, transactions: nacks)
        rig.system.eio(bus: bus, address: rig.chip.address, transactions: eios)
        events += try rig.run(seconds: 5)
        XCTAssertTrue(gaps(events).isEmpty)
        XCTAssertEqual(rig.driver.statistics.retries, nacks + eios)
        XCTAssertEqual(rig.driver.statistics.reopens, 0)
        let f = groundTruth(rig, events)
        XCTAssertEqual(f.lost, 0)
        XCTAssertEqual(f.duplicated, 0)
        XCTAssertEqual(f.valueMismatches, 0)
    }

    func testNACKBurstOf4IsRetriedMPU6050() throws { try transient(.mpu6050, nacks: 4, eios: 0) }
    func testEIOBurstOf4IsRetriedLIS3DH() throws { try transient(.lis3dh, nacks: 0, eios: 4) }
    func testNACK2ThenEIO2IsRetriedLSM6DSOX() throws { try transient(.lsm6dsox, nacks: 2, eios: 2) }
    func testNACKBurstOf3IsRetriedADXL345() throws { try transient(.adxl345, nacks: 3, eios: 0) }

    /// Five failures in a row exhaust the retries: the device is reopened 100 ms later,
    /// re-initialised, and exactly one .deviceReopened gap is reported.
    func testNACKBurstBeyondRetriesReopens() throws {
        for kind in [ChipUnderTest.mpu6050, .lis3dh] {
            let rig = try Rig(kind, rateHz: 100)
            try rig.driver.start()
            var events = try rig.run(seconds: 5)
            let failAt = rig.system.now
            rig.system.nack(bus: bus, address: rig.chip.address, transactions: 5)
            events += try rig.run(seconds: 5)
            let g = gaps(events)
            XCTAssertEqual(g.map { $0.reason }, [.deviceReopened], "\(kind)")
            XCTAssertEqual(rig.driver.statistics.reopens, 1)
            XCTAssertEqual(rig.driver.statistics.retries, 4)
            // Reopened at the first reopen attempt: 100 ms after the failure is seen (≤ one poll
            // interval + 15 ms of retries), plus the chip's reset time (MPU: 100 ms).
            XCTAssertLessThan(g[0].endNanoseconds - failAt, rig.driver.pollIntervalNanoseconds + 15_000_000 + 100_000_000 + 110_000_000)
            let f = groundTruth(rig, events)
            XCTAssertEqual(f.duplicated, 0)
            XCTAssertEqual(f.valueMismatches, 0)
            XCTAssertEqual(f.produced, f.delivered + f.lost + f.inFIFO)
        }
    }

    /// The device stops answering in the middle of a poll (after the status and two 30-byte
    /// bursts): the 10 frames already read are delivered, then one .deviceReopened gap.
    func testVanishingMidPollDeliversFramesAlreadyRead() throws {
        let rig = try Rig(.mpu6050, rateHz: 100)
        try rig.driver.start()
        var events = try rig.run(seconds: 5)
        let before = events.compactMap { $0.sample }.count
        rig.system.nack(bus: bus, address: 0x68, transactions: 5, afterTransactions: 4)
        var d = rig.driver
        _ = try d.waitForData()
        var poll: [SensorEvent] = []
        try d.read(into: &poll)
        XCTAssertEqual(poll.compactMap { $0.sample }.count, 10)
        XCTAssertTrue(rig.driver.isReopening)
        events += poll
        events += try rig.run(seconds: 5)
        XCTAssertEqual(events.compactMap { $0.gap?.reason }, [.deviceReopened])
        let f = groundTruth(rig, events)
        XCTAssertEqual(f.delivered, rig.chip.readCount, "every popped sample was delivered")
        XCTAssertEqual(f.duplicated, 0)
        XCTAssertEqual(f.valueMismatches, 0)
        XCTAssertGreaterThan(f.delivered, before + 10)
    }

    /// The chip vanishes for 3 s (NACKs) and returns power-on-reset: reopen attempts at +100,
    /// +300, +700, +1500, +3100 ms; the fifth succeeds; one gap; registers re-initialised.
    func testDisappearanceReopenLoop() throws {
        let rig = try Rig(.mpu6050, rateHz: 100)
        try rig.driver.start()
        var events = try rig.run(seconds: 5)
        let lastBefore = events.last { $0.sample != nil }!.sample!.timestampNanoseconds
        let goneAt = rig.system.now
        rig.system.disappear(bus: bus, address: 0x68, forNanoseconds: 3_000_000_000)
        events += try rig.run(seconds: 10)
        let g = gaps(events)
        XCTAssertEqual(g.map { $0.reason }, [.deviceReopened])
        XCTAssertEqual(g[0].startNanoseconds, lastBefore)
        let back = g[0].endNanoseconds - goneAt
        XCTAssertGreaterThan(back, 3_000_000_000)
        XCTAssertLessThan(back, 3_500_000_000, "reopen should succeed at the +3.1 s attempt")
        XCTAssertEqual(rig.driver.statistics.reopens, 1)
        XCTAssertEqual(rig.chip.outputDataRate, 100, "the returned chip was re-configured")
        let after = events.compactMap { $0.sample }.filter { $0.timestampNanoseconds > g[0].endNanoseconds }
        XCTAssertGreaterThan(after.count, 600)
        let f = groundTruth(rig, events)
        XCTAssertEqual(f.duplicated, 0)
        XCTAssertEqual(f.valueMismatches, 0)
    }

    /// The adapter vanishes (ENODEV on transactions, ENOENT on open) for 1 s.
    func testBusRemovalReopens() throws {
        let rig = try Rig(.lsm6ds3, rateHz: 100)
        try rig.driver.start()
        var events = try rig.run(seconds: 3)
        rig.system.removeBus(bus, forNanoseconds: 1_000_000_000)
        events += try rig.run(seconds: 5)
        XCTAssertEqual(gaps(events).map { $0.reason }, [.deviceReopened])
        XCTAssertEqual(rig.driver.statistics.retries, 0, "ENODEV is not retried")
        XCTAssertEqual(rig.driver.statistics.reopens, 1)
        let f = groundTruth(rig, events)
        XCTAssertEqual(f.duplicated, 0)
        XCTAssertEqual(f.valueMismatches, 0)
    }

    /// A device that stays away longer than the 60 s window ends the stream with an error.
    func testGivesUpAfter60Seconds() throws {
        let rig = try Rig(.lis3dh, rateHz: 50)
        try rig.driver.start()
        _ = try rig.run(seconds: 2)
        let goneAt = rig.system.now
        rig.system.disappear(bus: bus, address: 0x18, forNanoseconds: 600_000_000_000)
        var caught: SensorError?
        do { _ = try rig.run(seconds: 120) } catch let e as SensorError { caught = e }
        guard case .deviceVanished(let b, let a, let s)? = caught else { return XCTFail("expected deviceVanished, got \(String(describing: caught))") }
        XCTAssertEqual(b, bus); XCTAssertEqual(a, 0x18)
        XCTAssertGreaterThanOrEqual(s, 60); XCTAssertLessThan(s, 63)
        XCTAssertLessThan(rig.system.now - goneAt, 64_000_000_000)
        XCTAssertTrue(caught!.message.hasPrefix("device 0x18 on /dev/i2c-1 stopped answering and did not come back within"), caught!.message)
    }

    /// FIFO status registers frozen at 0 for 1.5 s: one .fifoStalled gap after the 1 s stall
    /// timeout, chip re-initialised. A 32-level FIFO (ADXL345, LIS3DH) then fills behind the
    /// still-frozen status in the remaining ~0.3–0.5 s, so the thawed status reports an overflow:
    /// one .fifoOverflow gap follows. Deep FIFOs (MPU, LSM6) do not overflow.
    func stuck(_ kind: ChipUnderTest, expected: [GapReason] = [.fifoStalled]) throws {
        let rig = try Rig(kind, rateHz: 100)
        try rig.driver.start()
        var events = try rig.run(seconds: 5)
        let stuckAt = rig.system.now
        rig.system.stickStatus(bus: bus, address: rig.chip.address, value: 0, forNanoseconds: 1_500_000_000)
        events += try rig.run(seconds: 5)
        let g = gaps(events)
        XCTAssertEqual(g.map { $0.reason }, expected, "\(kind)")
        XCTAssertGreaterThan(g[0].endNanoseconds - stuckAt, 1_000_000_000)
        XCTAssertLessThan(g[0].endNanoseconds - stuckAt, 1_500_000_000)
        XCTAssertEqual(rig.driver.statistics.fifoResets, expected.count)
        let f = groundTruth(rig, events)
        XCTAssertEqual(f.duplicated, 0)
        XCTAssertEqual(f.valueMismatches, 0)
        XCTAssertEqual(f.produced, f.delivered + f.lost + f.inFIFO)
    }

    func testStuckFIFOCountMPU6050() throws { try stuck(.mpu6050) }
    func testStuckFIFOCountLIS3DH() throws { try stuck(.lis3dh, expected: [.fifoStalled, .fifoOverflow]) }
    func testStuckFIFOCountADXL345() throws { try stuck(.adxl345, expected: [.fifoStalled, .fifoOverflow]) }
    func testStuckFIFOCountLSM6DSOX() throws { try stuck(.lsm6dsox) }
    func testStuckFIFOCountBMI160() throws { try stuck(.bmi160) }

    /// EBUSY: the message names the address, bus, kernel device and the IIO way.
    func testKernelOwnedAddressSaysUseIIO() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("mujo-i2c-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp.appendingPathComponent("1-0068"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        try "mpu6050\n".write(to: tmp.appendingPathComponent("1-0068/name"), atomically: true, encoding: .utf8)
        let rig = try Rig(.mpu6050, rateHz: 100, sysfsI2CBase: tmp.path)
        rig.system.ownByKernel(bus: bus, address: 0x68)
        XCTAssertThrowsError(try rig.driver.start()) { error in
            let e = error as! SensorError
            XCTAssertEqual(e, .addressOwnedByKernel(bus: "/dev/i2c-1", address: 0x68, kernelDevice: "mpu6050"))
            XCTAssertEqual(e.message, "address 0x68 on /dev/i2c-1 is owned by a kernel driver (mpu6050); read it through IIO: mujo run --iio mpu6050, or unbind the kernel driver first")
        }
    }

    /// Detection: WHO_AM_I at the standard addresses, on one bus holding four chips.
    func testProbeAndAutodetect() throws {
        let r = try realRecording()
        let sys = EmulatedSystem()
        sys.addBus(bus)
        sys.attach(EmulatedBMI160(address: 0x68, recording: r), to: bus)
        sys.attach(EmulatedMPU6050(variant: .mpu6500, address: 0x69, recording: r), to: bus)
        sys.attach(EmulatedADXL345(address: 0x1D, recording: r), to: bus)
        sys.attach(EmulatedLIS3DH(address: 0x18, recording: r), to: bus)
        sys.attach(EmulatedLSM6DSOX(address: 0x6A, recording: r), to: bus)
        let found = try probeI2CBus(sys, bus: bus)
        XCTAssertEqual(found.map { $0.address }, [0x68, 0x69, 0x1D, 0x18, 0x6A])
        XCTAssertEqual(found.map { $0.chip }, [.bmi160, .mpu6500, .adxl345, .lis3dh, .lsm6dsox])
        XCTAssertEqual(found.map { $0.identity }, [0xD1, 0x70, 0xE5, 0x33, 0x6C])
        // start() without address/chip takes the first one found (BMI160 and MPU share 0x68/0x69).
        let d = I2CAccelerometer(system: sys, configuration: I2CAccelerometerConfiguration(bus: bus, rateHz: 50))
        try d.start()
        XCTAssertEqual(d.chip, .bmi160)
        XCTAssertEqual(d.address, 0x68)
        let m = I2CAccelerometer(system: sys, configuration: I2CAccelerometerConfiguration(bus: bus, chip: .mpu6500, rateHz: 50))
        try m.start()
        XCTAssertEqual(m.address, 0x69, "0x68 holds a BMI160: the MPU is found at its second address")
        // Asking for a chip that is not there names what was found.
        let wrong = I2CAccelerometer(system: sys, configuration: I2CAccelerometerConfiguration(bus: bus, address: 0x18, chip: .adxl345))
        XCTAssertThrowsError(try wrong.start()) { error in
            XCTAssertEqual((error as! SensorError).message,
                           "device 0x18 on /dev/i2c-1 has 0x00 in identity register 0x00, expected 0xe5 for ADXL345; choose the right chip or address (mujo probe lists what answers)")
        }
    }

    func testNoChipAndMissingBusMessages() throws {
        let sys = EmulatedSystem()
        sys.addBus(bus)
        let d = I2CAccelerometer(system: sys, configuration: I2CAccelerometerConfiguration(bus: bus, chip: .lis3dh))
        XCTAssertThrowsError(try d.start()) { error in
            XCTAssertEqual((error as! SensorError).message,
                           "no supported accelerometer answered on /dev/i2c-1 at 0x18, 0x19; check wiring (SDA/SCL, 3.3 V, GND), run `i2cdetect -y 1`, and that the address pin matches")
        }
        let m = I2CAccelerometer(system: sys, configuration: I2CAccelerometerConfiguration(bus: "/dev/i2c-7"))
        XCTAssertThrowsError(try m.start()) { error in
            XCTAssertTrue((error as! SensorError).message.hasPrefix("cannot open /dev/i2c-7: ENOENT (2); enable I²C"), (error as! SensorError).message)
        }
    }

    func testUnsupportedRateSaysWhatWorks() throws {
        let rig = try Rig(.adxl345, rateHz: 60)
        XCTAssertThrowsError(try rig.driver.start()) { error in
            XCTAssertEqual((error as! SensorError).message, "ADXL345 rate 60 Hz is not supported; use 25, 50, 100 or 200")
        }
    }

    /// ±2 g on wrist data saturates honestly: the delivered values equal the clipped counts.
    func testSaturationAtTwoG() throws {
        let rig = try Rig(.lsm6ds3, rateHz: 100, rangeG: 2)
        try rig.driver.start()
        let events = try rig.run(seconds: 600)
        let f = groundTruth(rig, events)
        XCTAssertEqual(f.valueMismatches, 0)
        XCTAssertEqual(f.lost, 0)
        let clipped = rig.chip.producedCounts.filter { $0.x == 32767 || $0.x == -32768 || $0.z == 32767 || $0.z == -32768 || $0.y == 32767 || $0.y == -32768 }.count
        XCTAssertGreaterThan(clipped, 0, "the recording exceeds 2 g somewhere in 10 min")
    }
}

final class I2CDriverExtraTests: XCTestCase {
    /// A chip whose oscillator runs 0.5 % fast: nothing lost, timestamps keep up, and the
    /// measured rate shows the real 100.5 Hz while outputDataRate stays the nominal 100 Hz.
    func testOscillatorDriftIsTrackedAndMeasured() throws {
        let rig = try Rig(.mpu6050, rateHz: 100)
        rig.chip.clockError = 0.005
        try rig.driver.start()
        let events = try rig.run(seconds: 600)
        let f = groundTruth(rig, events)
        XCTAssertEqual(f.lost, 0); XCTAssertEqual(f.duplicated, 0); XCTAssertEqual(f.valueMismatches, 0)
        XCTAssertEqual(rig.driver.outputDataRate, 100)
        XCTAssertEqual(rig.driver.measuredOutputDataRate ?? 0, 100.5, accuracy: 0.05)
        XCTAssertLessThan(f.maxTimestampErrorMs, 260 + 20)
        print("DRIFT +0.5 %: \(f), measured \(rig.driver.measuredOutputDataRate ?? 0) Hz")
    }

    /// LSM6DSOX with gyro + accel batched: tagged records paired by TAG_CNT, one hour, 0 lost.
    func testLSM6DSOXGyroscopeTaggedFIFO() throws {
        for rate in [50, 100] {
            let r = try realRecording()
            let sys = EmulatedSystem()
            let chip = EmulatedLSM6DSOX(recording: r)
            sys.attach(chip, to: "/dev/i2c-1")
            let d = I2CAccelerometer(system: sys, configuration: I2CAccelerometerConfiguration(
                bus: "/dev/i2c-1", address: 0x6A, chip: .lsm6dsox, rateHz: rate, rangeG: 8, gyroscope: true))
            try d.start()
            XCTAssertTrue(chip.gyroBatched)
            var events: [SensorEvent] = []
            var dd = d
            try capture(&dd, clock: sys, durationNanoseconds: 3_600_000_000_000) { events.append($0) }
            let samples = events.compactMap { $0.sample }
            XCTAssertTrue(events.allSatisfy { $0.gap == nil })
            XCTAssertEqual(chip.droppedCount, 0)
            XCTAssertEqual(samples.count, chip.readCount)
            let aScale = 9.80665 * 0.244e-3, gScale = 0.070 * Double.pi / 180
            var bad = 0
            var popped = chip.fates.enumerated().filter { $0.element == .read }.map { $0.offset }.makeIterator()
            for s in samples {
                let c = chip.producedCounts[popped.next()!]
                let g = EmulatedLSM6DSOX.gyroCounts(c)
                guard let rot = s.rotationRate else { bad += 1; continue }
                for k in 0..<3 {
                    if abs(Double(s.acceleration[k]) - Double(c[k]) * aScale) > 1e-3 { bad += 1 }
                    if abs(Double(rot[k]) - Double(g[k]) * gScale) > 1e-4 { bad += 1 }
                }
            }
            XCTAssertEqual(bad, 0)
            print("FIGURES lsm6dsox+gyro \(rate) Hz: produced \(chip.producedCounts.count) delivered \(samples.count) lost \(chip.droppedCount) in-FIFO \(chip.inFIFOCount) mismatches \(bad)")
        }
    }

    /// Overflow with gyro + accel batched: one gap, pairing restarts cleanly after the reset.
    func testLSM6DSOXGyroscopeOverflow() throws {
        let r = try realRecording()
        let sys = EmulatedSystem()
        let chip = EmulatedLSM6DSOX(recording: r)
        sys.attach(chip, to: "/dev/i2c-1")
        let d = I2CAccelerometer(system: sys, configuration: I2CAccelerometerConfiguration(
            bus: "/dev/i2c-1", address: 0x6A, chip: .lsm6dsox, rateHz: 100, gyroscope: true))
        try d.start()
        var events: [SensorEvent] = []
        var dd = d
        try capture(&dd, clock: sys, durationNanoseconds: 5_000_000_000) { events.append($0) }
        sys.advance(by: 10_000_000_000)
        try capture(&dd, clock: sys, durationNanoseconds: 5_000_000_000) { events.append($0) }
        XCTAssertEqual(events.compactMap { $0.gap?.reason }, [.fifoOverflow])
        let samples = events.compactMap { $0.sample }
        XCTAssertEqual(samples.count, chip.readCount)
        XCTAssertTrue(samples.allSatisfy { $0.rotationRate != nil })
    }

    /// MPU family with the gyroscope in the FIFO: 12-byte frames, rotation rate present.
    func testMPUWithGyroscopeFrames() throws {
        let r = try realRecording()
        let sys = EmulatedSystem()
        let chip = EmulatedMPU6050(variant: .mpu9250, recording: r)
        sys.attach(chip, to: "/dev/i2c-1")
        let d = I2CAccelerometer(system: sys, configuration: I2CAccelerometerConfiguration(
            bus: "/dev/i2c-1", address: 0x68, chip: .mpu9250, rateHz: 100, rangeG: 16, gyroscope: true))
        try d.start()
        XCTAssertTrue(d.hasGyroscope)
        XCTAssertEqual(chip.registers[0x23], 0x78)
        XCTAssertEqual(chip.registers[0x1B], 0x18)
        var events: [SensorEvent] = []
        var dd = d
        try capture(&dd, clock: sys, durationNanoseconds: 60_000_000_000) { events.append($0) }
        let samples = events.compactMap { $0.sample }
        XCTAssertEqual(samples.count, chip.readCount)
        XCTAssertEqual(chip.droppedCount, 0)
        XCTAssertTrue(samples.allSatisfy { $0.rotationRate == SIMD3<Float>(0, 0, 0) })
        let scale = 9.80665 * 16 / 32768
        var bad = 0
        var popped = chip.fates.enumerated().filter { $0.element == .read }.map { $0.offset }.makeIterator()
        for s in samples {
            let c = chip.producedCounts[popped.next()!]
            if abs(Double(s.acceleration.x) - Double(c.x) * scale) > 1e-3 || abs(Double(s.acceleration.z) - Double(c.z) * scale) > 1e-3 { bad += 1 }
        }
        XCTAssertEqual(bad, 0)
        // A gyroscope on an accelerometer-only chip is refused with what to do.
        let rig = try Rig(.lis3dh, rateHz: 100)
        let lis = I2CAccelerometer(system: rig.system, configuration: I2CAccelerometerConfiguration(bus: "/dev/i2c-1", address: 0x18, chip: .lis3dh, gyroscope: true))
        XCTAssertThrowsError(try lis.start()) { e in
            XCTAssertEqual((e as! SensorError).message, "LIS3DH: gyroscope reading is supported on the MPU family and the LSM6DSOX only; drop the gyroscope option")
        }
    }
}

final class I2CPartialReadTests: XCTestCase {
    /// EIO in the middle of a FIFO burst: the bytes before it left the FIFO. The driver delivers
    /// the frames it already has, resets the FIFO and reports one .readError gap — it does not
    /// retry (a retry would read misaligned frames or silently skip samples).
    func partial(_ kind: ChipUnderTest, afterBytes: Int, plainI2C: Bool = false) throws {
        let rig = try Rig(kind, rateHz: 100, plainI2C: plainI2C)
        try rig.driver.start()
        var events = try rig.run(seconds: 5)
        rig.system.partialEIO(bus: "/dev/i2c-1", address: rig.chip.address, transactions: 1, afterBytes: afterBytes)
        events += try rig.run(seconds: 5)
        XCTAssertEqual(events.compactMap { $0.gap?.reason }, [.readError], "\(kind)")
        XCTAssertEqual(rig.driver.statistics.retries, 0)
        XCTAssertEqual(rig.driver.statistics.fifoResets, 1)
        let f = groundTruth(rig, events)
        XCTAssertEqual(f.duplicated, 0, "\(kind)")
        XCTAssertEqual(f.valueMismatches, 0, "\(kind)")
        XCTAssertEqual(f.produced, f.delivered + f.lost + f.inFIFO, "\(kind)")
        XCTAssertGreaterThan(f.lost, 0)
        assertStrictlyIncreasing(events)
    }

    func testPartialBurstMPU6050() throws { try partial(.mpu6050, afterBytes: 9) }
    func testPartialBurstLIS3DH() throws { try partial(.lis3dh, afterBytes: 9) }
    func testPartialBurstADXL345() throws { try partial(.adxl345, afterBytes: 3) }
    func testPartialBurstLSM6DS3() throws { try partial(.lsm6ds3, afterBytes: 9) }
    func testPartialBurstLSM6DSOXWithI2CRDWR() throws { try partial(.lsm6dsox, afterBytes: 20, plainI2C: true) }
    func testPartialBurstBMI160() throws { try partial(.bmi160, afterBytes: 9) }
}
