// HOST ONLY. `mujo probe [--bus /dev/i2c-1]…`: lists the accelerometers that answer on I²C
// buses (address, identity byte, chip, which driver reads it, or the kernel driver that owns
// it) and the Linux IIO devices (name, node, buffered or raw, trigger, rate).
// The report itself is MuJoSensors.probeReport, tested in Tests/MuJoSensorsTests.
// Exit status: 0 when it lists at least one sensor mujod could read, 69 (EX_UNAVAILABLE, as mujod
// for an absent sensor; MuJoDaemon/ExitStatus.swift) when it found none, so scripts can test it.
import ArgumentParser
import Foundation
import MuJoDaemon
import MuJoSensors

public struct ProbeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "List accelerometers on I²C buses and Linux IIO devices.",
        discussion: """
        Reads the identity register at every standard address (0x68/0x69 MPU-6050/6500/9250, \
        0x53/0x1D ADXL345, 0x18/0x19 LIS3DH, 0x6A/0x6B LSM6DS3/LSM6DSOX). Addresses owned by a \
        kernel driver are reported with the IIO name to read them through. \
        Exits 0 when it found a sensor mujod can read (a supported chip, a kernel-owned address or an \
        IIO device), 69 when it found none.
        """)

    @Option(name: .long, help: "I²C bus device to probe (repeat for several).")
    public var bus: [String] = ["/dev/i2c-1"]

    @Option(name: .long, help: "Where the kernel lists IIO devices.")
    public var iioSysfs: String = "/sys/bus/iio/devices"

    @Option(name: .long, help: "Where the IIO character devices live.")
    public var dev: String = "/dev"

    @Option(name: .long, help: "Where the kernel lists I²C clients (names the owner of a busy address).")
    public var i2cSysfs: String = "/sys/bus/i2c/devices"

    public init() {}

    public func validate() throws {
        for b in bus where !b.hasPrefix("/") {
            throw ValidationError("--bus \(b): give the device path, e.g. --bus /dev/i2c-1")
        }
    }

    public func run() throws {
        let system = LinuxSystemCalls()
        let found = probeFindings(system, buses: bus, iioSysfsBase: iioSysfs, devBase: dev, i2cSysfsBase: i2cSysfs)
        for line in found.lines { print(line) }
        if found.usableSensors == 0 {
            FileHandle.standardError.write(Data("mujo probe: found no accelerometer on \(bus.joined(separator: ", ")) and no IIO device; check the wiring and that I²C is enabled, or probe another bus with --bus /dev/i2c-N\n".utf8))
            throw ExitCode(ExitStatus.unavailable.rawValue)
        }
    }
}
