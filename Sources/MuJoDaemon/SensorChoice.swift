// Which sensor mujod reads: the one named by --sensor, or with `auto` the first accelerometer that
// answers — an I²C chip on /dev/i2c-* with a FIFO driver, else (or when a kernel driver owns the
// chip) the kernel's IIO device — found the way `mujo probe` finds them.
import MuJoSensors

/// A sensor description for the `start` event and messages, e.g. "LIS3DH on /dev/i2c-1 at 0x18".
public struct ChosenSensor {
    public var source: SensorSource
    public var description: String
}

public enum SensorChoice {
    /// Resolves `auto` to a concrete source; other sources are returned as they are.
    public static func resolve<S: SystemCalls>(_ source: SensorSource, system: S, devBase: String = "/dev",
                                                iioSysfsBase: String = "/sys/bus/iio/devices") throws(DaemonFailure) -> ChosenSensor {
        switch source {
        case .i2c(let bus, let address, let chip):
            var d = (chip?.name ?? "accelerometer") + " on " + bus
            if let address { d += " at " + hex(address) }
            return ChosenSensor(source: source, description: d)
        case .iio(let name): return ChosenSensor(source: source, description: "IIO device " + name)
        case .csv(let path): return ChosenSensor(source: source, description: path.bytesEqual("-") ? "recording on standard input" : "recording " + path)
        case .auto: break
        }
        var looked: [String] = []
        var buses: [String] = []
        if let names = try? system.listDirectory(devBase) {
            for n in names where n.hasBytePrefix("i2c-") { buses.append(devBase + "/" + n) }
        }
        buses.sortBytewise()
        for bus in buses {
            looked.append(bus)
            guard let found = try? probeI2CBus(system, bus: bus) else { continue }
            for r in found {
                if !r.kernelOwner.isEmpty {
                    return ChosenSensor(source: .iio(name: r.kernelOwner),
                                        description: "IIO device \(r.kernelOwner) (kernel driver of \(hex(r.address)) on \(bus))")
                }
                if let chip = r.chip {
                    return ChosenSensor(source: .i2c(bus: bus, address: r.address, chip: chip),
                                        description: "\(chip.name) on \(bus) at \(hex(r.address))")
                }
            }
        }
        let known = AccelerometerChip.allCases.map { $0.kernelName }
        for device in listIIODevices(system, sysfsBase: iioSysfsBase, devBase: devBase) where known.containsBytes(device.name) {
            return ChosenSensor(source: .iio(name: device.name), description: "IIO device \(device.name)")
        }
        var list = ""
        for b in looked { list += (list.isEmpty ? "" : ", ") + b }
        throw DaemonFailure("no accelerometer found (I²C buses probed: \(list.isEmpty ? "none" : list); no IIO accelerometer under \(iioSysfsBase)); enable I²C (dtparam=i2c_arm=on), check the wiring, run `i2cdetect -y 1`, or name the sensor with --sensor", .unavailable)
    }
}
