// `mujo probe` output (MuJoSensors.probeReport) on an emulated bus and a fake IIO tree.
import XCTest
import MuJoSensors
import MuJoEmulators

final class ProbeReportTests: XCTestCase {
    func testReportListsChipsOwnersAndIIODevices() throws {
        let r = try realRecording()
        let sys = EmulatedSystem()
        sys.addBus("/dev/i2c-1")
        sys.attach(EmulatedLIS3DH(address: 0x19, recording: r), to: "/dev/i2c-1")
        sys.attach(EmulatedADXL345(address: 0x53, recording: r), to: "/dev/i2c-1")
        sys.attach(EmulatedMPU6050(variant: .mpu6050, address: 0x68, recording: r), to: "/dev/i2c-1")
        sys.ownByKernel(bus: "/dev/i2c-1", address: 0x68)
        let tree = FakeIIOTree(device: FakeIIODevice(name: "mpu6050", scale: .shared(0.000598), type: "be:s16/16>>0", buffered: false), recording: r)
        // The kernel's client name for 1-0068 lives in the fake tree too.
        let i2cBase = tree.root + "/sys/bus/i2c/devices"
        _ = try? FileManager.default.createDirectory(atPath: i2cBase + "/1-0068", withIntermediateDirectories: true)
        try "mpu6050\n".write(toFile: i2cBase + "/1-0068/name", atomically: false, encoding: .utf8)
        let lines = probeReport(sys, buses: ["/dev/i2c-1", "/dev/i2c-7"], iioSysfsBase: tree.sysfsBase, devBase: tree.devBase, i2cSysfsBase: i2cBase)
        // Usable: the kernel-owned 0x68, the ADXL345, the LIS3DH and the IIO device (not the bus that did not open).
        XCTAssertEqual(probeFindings(sys, buses: ["/dev/i2c-1", "/dev/i2c-7"], iioSysfsBase: tree.sysfsBase, devBase: tree.devBase,
                                     i2cSysfsBase: i2cBase).usableSensors, 4)
        XCTAssertEqual(lines, [
            "/dev/i2c-1 0x68 owned by kernel driver mpu6050: read it through IIO (--iio mpu6050)",
            "/dev/i2c-1 0x53 id 0xe5 ADXL345 driver: I2CAccelerometer (FIFO burst)",
            "/dev/i2c-1 0x19 id 0x33 LIS3DH driver: I2CAccelerometer (FIFO burst)",
            "/dev/i2c-7: cannot open /dev/i2c-7: ENOENT (2); enable I²C (raspi-config → Interface Options → I2C, or dtparam=i2c_arm=on) and run `modprobe i2c-dev`",
            "iio:device0 mpu6050 node \(tree.devBase)/iio:device0 raw only sampling_frequency 100.0 Hz",
        ])
    }
}
