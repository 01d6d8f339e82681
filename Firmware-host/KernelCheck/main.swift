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
