// Errors of MuJoSensors. Every case renders a message that says what was wrong and what to do.
//
// Public API:
//   enum SensorError: Error   thrown with typed throws (`throws(SensorError)`) everywhere.
//   var message: String       one line for humans: the problem and the remedy.

/// Everything that can go wrong reading a sensor.
public enum SensorError: Error, Equatable {
    /// A path could not be opened.
    case cannotOpen(path: String, errno: Errno)
    /// `I2C_SLAVE` returned EBUSY: a kernel driver owns the address.
    case addressOwnedByKernel(bus: String, address: UInt8, kernelDevice: String)
    /// No supported chip answered at the probed addresses.
    case noChipFound(bus: String, addresses: [UInt8])
    /// The identity register did not hold an expected value.
    case wrongChip(bus: String, address: UInt8, register: UInt8, found: UInt8, expected: String)
    /// The adapter supports neither SMBus block reads nor plain I²C.
    case adapterTooLimited(bus: String, functionality: UInt64)
    /// The path opened but is not an I²C adapter: `I2C_SLAVE` returned ENOTTY (e.g. /dev/null, a tty).
    case notAnI2CAdapter(path: String)
    /// A bus transaction failed in a way retries cannot fix.
    case io(operation: String, errno: Errno)
    /// The device stayed away longer than the reopen window.
    case deviceVanished(bus: String, address: UInt8, seconds: Double)
    /// The IIO device went away (ENODEV / unbound) and did not come back within the reopen window.
    case iioDeviceVanished(name: String, seconds: Double, lastProblem: String)
    /// No IIO device with that name under the base directory.
    case iioDeviceNotFound(name: String, base: String, available: [String])
    /// An IIO sysfs attribute is missing or malformed.
    case iioAttribute(path: String, problem: String)
    /// A requested rate or range the chip cannot do.
    case unsupportedSetting(String)
    /// A malformed CSV recording: 1-based line and column.
    case csv(path: String, line: Int, column: Int, problem: String)

    /// What went wrong and what to do about it.
    public var message: String {
        switch self {
        case .cannotOpen(let path, let e):
            var hint = "check the path exists and that you may read it"
            if e == .permissionDenied {
                if path.hasBytePrefix("/dev/i2c") {
                    hint = "run as root or add the user to the i2c group (sudo usermod -aG i2c $USER)"
                } else if path.hasBytePrefix("/dev/iio") || path.hasBytePrefix("/sys/") {
                    hint = "run as root or let the user read the IIO device (a udev rule giving it to a group, docs/threat-model.md)"
                } else {
                    hint = "this user may not read it; check its permissions (ls -l " + path + ") and give read access, or run as its owner"
                }
            }
            if e == .noEntry && path.hasBytePrefix("/dev/i2c") {
                hint = "enable I²C (raspi-config → Interface Options → I2C, or dtparam=i2c_arm=on) and run `modprobe i2c-dev`"
            }
            return "cannot open \(path): \(e.name); \(hint)"
        case .addressOwnedByKernel(let bus, let address, let device):
            let name = device.isEmpty ? "unknown" : device
            return "address \(hex(address)) on \(bus) is owned by a kernel driver (\(name)); read it through IIO: mujo run --iio \(name), or unbind the kernel driver first"
        case .noChipFound(let bus, let addresses):
            var list = ""
            for a in addresses { list += (list.isEmpty ? "" : ", ") + hex(a) }
            return "no supported accelerometer answered on \(bus) at \(list); check wiring (SDA/SCL, 3.3 V, GND), run `i2cdetect -y 1`, and that the address pin matches"
        case .wrongChip(let bus, let address, let register, let found, let expected):
            return "device \(hex(address)) on \(bus) has \(hex(found)) in identity register \(hex(register)), expected \(expected); choose the right chip or address (mujo probe lists what answers)"
        case .adapterTooLimited(let bus, let funcs):
            return "I²C adapter \(bus) supports neither I2C_RDWR nor SMBus block reads (I2C_FUNCS \(hex(funcs))); use another bus or the IIO driver"
        case .notAnI2CAdapter(let path):
            return "\(path) is not an I²C adapter (ioctl I2C_SLAVE: ENOTTY (25)); give the bus's /dev/i2c-N node (ls /dev/i2c-*; mujo probe lists what answers)"
        case .io(let op, let e):
            return "\(op) failed: \(e.name); check the wiring and pull-ups, then retry"
        case .deviceVanished(let bus, let address, let seconds):
            return "device \(hex(address)) on \(bus) stopped answering and did not come back within \(seconds) s; check the cable and power, then restart"
        case .iioDeviceVanished(let name, let seconds, let last):
            return "IIO device \(name) went away and did not come back within \(seconds) s (last attempt: \(last)); check the driver is still bound (ls /sys/bus/iio/devices) and the wiring, then restart"
        case .iioDeviceNotFound(let name, let base, let available):
            var list = ""
            for a in available { list += (list.isEmpty ? "" : ", ") + a }
            if list.isEmpty { list = "none" }
            return "no IIO device named \(name) under \(base) (found: \(list)); load the driver (e.g. `modprobe st_accel_i2c`) and bind it (`echo lis3dh 0x18 > /sys/bus/i2c/devices/i2c-1/new_device`)"
        case .iioAttribute(let path, let problem):
            return "IIO attribute \(path): \(problem)"
        case .unsupportedSetting(let text):
            return text
        case .csv(let path, let line, let column, let problem):
            return "\(path):\(line):\(column): \(problem)"
        }
    }
}
