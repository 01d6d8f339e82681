// The text `mujo probe` prints: chips answering on I²C buses, and IIO devices.
//
// Public API:
//   func probeReport(_:buses:iioSysfsBase:devBase:i2cSysfsBase:) -> [String]   one line each.
//   func probeFindings(...) -> ProbeFindings   the same lines and how many usable sensors they name
//                                              (`mujo probe` exits non-zero when there are none).
//
// Lines look like:
//   /dev/i2c-1 0x68 id 0x68 MPU-6050 driver: I2CAccelerometer (FIFO burst)
//   /dev/i2c-1 0x18 owned by kernel driver lis3dh: read it through IIO (--iio lis3dh)
//   /dev/i2c-1 0x53 id 0x00 unknown device
//   iio:device0 lis3dh node /dev/iio:device0 buffered trigger t0 sampling_frequency 100 Hz
//   /dev/i2c-7: cannot open /dev/i2c-7: ENOENT (2); enable I²C …

public func probeReport<S: SystemCalls>(
    _ system: S, buses: [String], iioSysfsBase: String = "/sys/bus/iio/devices", devBase: String = "/dev",
    i2cSysfsBase: String = "/sys/bus/i2c/devices"
) -> [String] {
    probeFindings(system, buses: buses, iioSysfsBase: iioSysfsBase, devBase: devBase, i2cSysfsBase: i2cSysfsBase).lines
}

/// What a probe printed, and how many sensors it found that mujod could read: a supported chip,
/// an address a kernel driver owns (read through IIO) or an IIO device. Unknown identities, buses
/// that did not open and empty buses count as nothing.
public struct ProbeFindings {
    public var lines: [String] = []
    public var usableSensors = 0
}

public func probeFindings<S: SystemCalls>(
    _ system: S, buses: [String], iioSysfsBase: String = "/sys/bus/iio/devices", devBase: String = "/dev",
    i2cSysfsBase: String = "/sys/bus/i2c/devices"
) -> ProbeFindings {
    var lines: [String] = []
    var usable = 0
    for bus in buses {
        do {
            let results = try probeI2CBus(system, bus: bus, sysfsI2CBase: i2cSysfsBase)
            if results.isEmpty { lines.append("\(bus): no device answered at the standard accelerometer addresses") }
            for r in results {
                if !r.kernelOwner.isEmpty || r.chip != nil { usable += 1 }
                if !r.kernelOwner.isEmpty {
                    lines.append("\(bus) \(hex(r.address)) owned by kernel driver \(r.kernelOwner): read it through IIO (--iio \(r.kernelOwner))")
                } else if let chip = r.chip {
                    let driver = chip.hasFIFODriver ? "I2CAccelerometer (FIFO burst)" : "none yet; use IIO (modprobe \(chip.kernelModule))"
                    lines.append("\(bus) \(hex(r.address)) id \(hex(r.identity ?? 0)) \(chip.name) driver: \(driver)")
                } else {
                    lines.append("\(bus) \(hex(r.address)) id \(hex(r.identity ?? 0)) unknown device")
                }
            }
        } catch {
            lines.append("\(bus): \(error.message)")
        }
    }
    let devices = listIIODevices(system, sysfsBase: iioSysfsBase, devBase: devBase)
    if devices.isEmpty { lines.append("no IIO devices under \(iioSysfsBase)") }
    usable += devices.count
    for d in devices {
        let short = d.directory.splitBytes(UInt8(ascii: "/")).last ?? d.directory
        var line = "\(short) \(d.name.isEmpty ? "(no name)" : d.name) node \(d.node) \(d.hasBuffer ? "buffered" : "raw only")"
        if !d.currentTrigger.isEmpty { line += " trigger \(d.currentTrigger)" }
        if let f = d.samplingFrequency { line += " sampling_frequency \(f) Hz" }
        lines.append(line)
    }
    return ProbeFindings(lines: lines, usableSensors: usable)
}
