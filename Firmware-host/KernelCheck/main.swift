// mujo-kernel-check: runs inside the kernel-test VM (Firmware-host/kernel-test/init.sh) and checks the
// project's sensor code against real kernel interfaces on i2c-stub. Built as a static Embedded Swift
// executable. init.sh passes everything in the environment:
//   MUJO_CHECK=i2c   the userspace I²C path: probe + LIS3DH and MPU-6050 drivers on /dev/i2c-N
//   MUJO_CHECK=iio   the kernel-driver path: EBUSY probe + the IIO reader on lis3dh (buffered)
//   MUJO_I2C_BUS, MUJO_LIS3DH_MG, MUJO_LIS3DH_MG2, MUJO_MPU6050_RAW, MUJO_IIO_DEVICE,
//   MUJO_IIO_MPU6050, MUJO_IIO_HANDSHAKE (see Firmware-host/kernel-test/README.md)
// Prints one "PASS: " / "FAIL: " line per check; exits 1 when any check failed.
import CMuJoSystem
import MuJoSensors

mujo_stdout_line_buffered()
var report = Report()
let system = LinuxSystemCalls()
let busNumber = environment("MUJO_I2C_BUS") ?? "0"
let bus = "/dev/i2c-" + busNumber

switch environment("MUJO_CHECK") ?? "" {
case "i2c":
    checkI2CPath(&report)
    report.finish("i2c")
case "iio":
    checkIIOPath(&report)
    report.finish("iio")
default:
    report.fail("MUJO_CHECK must be i2c or iio")
    report.finish("setup")
}

// MARK: - userspace I²C

func checkI2CPath(_ report: inout Report) {
    do {
        let found = try probeI2CBus(system, bus: bus, addresses: [0x18, 0x68])
        var lis = false, mpu = false
        for r in found {
            if r.address == 0x18 && r.chip == .lis3dh { lis = true }
            if r.address == 0x68 && r.chip == .mpu6050 { mpu = true }
        }
        report.check(lis, "probeI2CBus finds LIS3DH at 0x18 on \(bus)")
        report.check(mpu, "probeI2CBus finds MPU-6050 at 0x68 on \(bus)")
    } catch {
        report.fail("probeI2CBus \(bus): \(error.message)")
    }
    if let mg = requiredTriple("MUJO_LIS3DH_MG", &report) { checkLIS3DH(&report, expected: mg) }
    if let raw = requiredTriple("MUJO_MPU6050_RAW", &report) { checkMPU6050(&report, expectedRaw: raw) }
}

/// A second descriptor on the stub for reading back what the driver configured (and for poking the
/// status registers). Two userspace descriptors may select the same address.
func peekRegister(_ address: UInt8, _ register: UInt8) -> UInt8? {
    guard let fd = try? system.open(bus, .readWrite) else { return nil }
    defer { system.close(fd) }
    guard (try? system.i2cSetAddress(fd, address, force: false)) != nil else { return nil }
    return try? system.i2cReadByte(fd, register: register)
}

func pokeRegister(_ address: UInt8, _ register: UInt8, _ value: UInt8) -> Bool {
    guard let fd = try? system.open(bus, .readWrite) else { return false }
    defer { system.close(fd) }
    guard (try? system.i2cSetAddress(fd, address, force: false)) != nil else { return false }
    return (try? system.i2cWriteByte(fd, register: register, value: value)) != nil
}

func checkRegister(_ report: inout Report, _ chip: String, _ address: UInt8, _ register: UInt8, _ expected: UInt8, _ meaning: String) {
    let got = peekRegister(address, register)
    report.check(got == expected, "\(chip) driver set \(meaning) (\(hex(register))) = \(hex(expected)) (stub holds \(got.map { hex($0) } ?? "nothing"))")
}

/// Checks delivered samples: count, value (m/s²) and strictly increasing timestamps.
func checkSamples(_ report: inout Report, _ what: String, _ got: Collected, want: SIMD3<Float>, count: Int) {
    if let e = got.error { report.fail("\(what): \(e.message)"); return }
    report.check(got.samples.count >= count, "\(what): \(count) samples delivered (got \(got.samples.count))")
    var bad = 0
    var first: SIMD3<Float>? = nil
    var increasing = true
    var previous: Int64? = nil
    for s in got.samples {
        if !close(s.acceleration, want, tolerance: 0.02) { bad += 1; if first == nil { first = s.acceleration } }
        if let p = previous, s.timestampNanoseconds <= p { increasing = false }
        previous = s.timestampNanoseconds
    }
    report.check(!got.samples.isEmpty && bad == 0,
                 "\(what): every sample = \(vectorText(want)) m/s² ± 0.02\(first.map { "; first mismatch \(vectorText($0))" } ?? "")")
    report.check(increasing, "\(what): timestamps strictly increasing")
    report.check(got.gaps.isEmpty, "\(what): no gaps (got \(got.gaps.count))")
}

func checkLIS3DH(_ report: inout Report, expected mg: SIMD3<Int32>) {
    var config = I2CAccelerometerConfiguration(bus: bus, address: 0x18, chip: .lis3dh, rateHz: 100, rangeG: 2)
    config.pollIntervalNanoseconds = 10_000_000
    var sensor = I2CAccelerometer(system: system, configuration: config)
    do { try sensor.start() } catch {
        report.fail("LIS3DH driver start on \(bus) at 0x18: \(error.message)")
        return
    }
    report.check(sensor.chip == .lis3dh && sensor.address == 0x18, "LIS3DH driver identified the chip at 0x18")
    report.check(sensor.outputDataRate == 100, "LIS3DH driver output data rate 100 Hz")
    checkRegister(&report, "LIS3DH", 0x18, 0x20, 0x57, "CTRL_REG1 100 Hz, xyz on")
    checkRegister(&report, "LIS3DH", 0x18, 0x23, 0x88, "CTRL_REG4 BDU+HR ±2 g")
    checkRegister(&report, "LIS3DH", 0x18, 0x24, 0x40, "CTRL_REG5 FIFO enabled")
    checkRegister(&report, "LIS3DH", 0x18, 0x2E, 0x80, "FIFO_CTRL stream mode")
    let want = metersPerSecondSquared(milliG: mg)
    let got = collect(&sensor, timeoutNanoseconds: 3_000_000_000) { $0.samples.count >= 10 || !$0.gaps.isEmpty }
    checkSamples(&report, "LIS3DH FIFO read at 0xA8 (\(mg.x), \(mg.y), \(mg.z) mg)", got, want: want, count: 10)

    // FIFO_SRC with OVRN set: the driver must reset the FIFO and report a gap, not invent samples.
    let resetsBefore = sensor.statistics.fifoResets
    if pokeRegister(0x18, 0x2F, 0x40 | 0x1F) {
        let over = collect(&sensor, timeoutNanoseconds: 1_000_000_000) { !$0.gaps.isEmpty }
        report.check(over.gaps.first?.reason == .fifoOverflow && over.samples.isEmpty,
                     "LIS3DH FIFO_SRC OVRN → one fifo-overflow gap, no samples (gaps \(over.gaps.count), samples \(over.samples.count))")
        report.check(sensor.statistics.fifoResets == resetsBefore + 1, "LIS3DH overflow → FIFO reset counted")
        checkRegister(&report, "LIS3DH", 0x18, 0x2E, 0x80, "FIFO_CTRL back in stream mode after the reset")
        _ = pokeRegister(0x18, 0x2F, 0x01)
        let after = collect(&sensor, timeoutNanoseconds: 2_000_000_000) { $0.samples.count >= 3 }
        report.check(after.samples.count >= 3 && after.error == nil, "LIS3DH samples resume after the overflow")
    } else {
        report.fail("writing LIS3DH FIFO_SRC on the stub")
    }
    sensor.stop()
}

func checkMPU6050(_ report: inout Report, expectedRaw raw: SIMD3<Int32>) {
    var config = I2CAccelerometerConfiguration(bus: bus, address: 0x68, chip: .mpu6050, rateHz: 100, rangeG: 2)
    config.pollIntervalNanoseconds = 10_000_000
    var sensor = I2CAccelerometer(system: system, configuration: config)
    do { try sensor.start() } catch {
        report.fail("MPU-6050 driver start on \(bus) at 0x68: \(error.message)")
        return
    }
    report.check(sensor.chip == .mpu6050 && sensor.address == 0x68, "MPU-6050 driver identified the chip at 0x68")
    checkRegister(&report, "MPU-6050", 0x68, 0x6B, 0x01, "PWR_MGMT_1 PLL clock")
    checkRegister(&report, "MPU-6050", 0x68, 0x19, 0x09, "SMPLRT_DIV 100 Hz")
    checkRegister(&report, "MPU-6050", 0x68, 0x1C, 0x00, "ACCEL_CONFIG ±2 g")
    checkRegister(&report, "MPU-6050", 0x68, 0x23, 0x08, "FIFO_EN accel")
    checkRegister(&report, "MPU-6050", 0x68, 0x6A, 0x40, "USER_CTRL FIFO enabled")
    let want = SIMD3<Float>(Float(raw.x), Float(raw.y), Float(raw.z)) * Float(standardGravity / 16384)
    let got = collect(&sensor, timeoutNanoseconds: 3_000_000_000) { $0.samples.count >= 10 || !$0.gaps.isEmpty }
    checkSamples(&report, "MPU-6050 FIFO read at 0x74 (\(raw.x), \(raw.y), \(raw.z) counts)", got, want: want, count: 10)
    sensor.stop()
}

// MARK: - kernel drivers through IIO

func checkIIOPath(_ report: inout Report) {
    do {
        let found = try probeI2CBus(system, bus: bus, addresses: [0x18, 0x68])
        var lisOwner = "", mpuOwner = ""
        for r in found {
            if r.address == 0x18 { lisOwner = r.kernelOwner }
            if r.address == 0x68 { mpuOwner = r.kernelOwner }
        }
        report.check(lisOwner == "lis3dh", "probeI2CBus reports 0x18 owned by kernel driver 'lis3dh' (got '\(lisOwner)')")
        report.check(mpuOwner == "mpu6050", "probeI2CBus reports 0x68 owned by kernel driver 'mpu6050' (got '\(mpuOwner)')")
    } catch {
        report.fail("probeI2CBus \(bus): \(error.message)")
    }
    if let handshake = environment("MUJO_IIO_HANDSHAKE") { _ = touch(handshake) }
}
