// The supported I²C accelerometers, their identity registers and detection.
//
// Public API:
//   enum AccelerometerChip           mpu6050, mpu6500, mpu9250, adxl345, lis3dh, lsm6ds3, lsm6dsox, bmi160.
//     .name, .kernelName, .addresses, .identityRegister, .hasGyroscope
//   struct ProbeResult               one address on one bus: chip found, id byte, kernel owner.
//   func probeI2CBus(_:bus:…)        reads the identity register at every standard address.
//   func identifyChip(address:register:value:) maps an id byte to a chip.
//
// Identity (WHO_AM_I) values: MPU-6050 0x75=0x68, MPU-6500 0x70, MPU-9250 0x71 (9255: 0x73);
// ADXL345 0x00=0xE5; LIS3DH 0x0F=0x33; LSM6DS3 0x0F=0x69 (DS3TR-C/DSL 0x6A); LSM6DSO/DSOX 0x6C.
// BMI160 0x00=0xD1 at 0x68/0x69 (shared with the MPU family: both identity registers are read).

/// A supported accelerometer.
public enum AccelerometerChip: Equatable, CaseIterable {
    case mpu6050, mpu6500, mpu9250, adxl345, lis3dh, lsm6ds3, lsm6dsox, bmi160

    /// Human name, e.g. "MPU-6050".
    public var name: String {
        switch self {
        case .mpu6050: return "MPU-6050"
        case .mpu6500: return "MPU-6500"
        case .mpu9250: return "MPU-9250"
        case .adxl345: return "ADXL345"
        case .lis3dh: return "LIS3DH"
        case .lsm6ds3: return "LSM6DS3"
        case .lsm6dsox: return "LSM6DSOX"
        case .bmi160: return "BMI160"
        }
    }

    /// The Linux IIO device name of the chip's kernel driver (`name` in sysfs).
    public var kernelName: String {
        switch self {
        case .mpu6050: return "mpu6050"
        case .mpu6500: return "mpu6500"
        case .mpu9250: return "mpu9250"
        case .adxl345: return "adxl345"
        case .lis3dh: return "lis3dh"
        case .lsm6ds3: return "lsm6ds3"
        case .lsm6dsox: return "lsm6dsox"
        case .bmi160: return "bmi160"
        }
    }

    /// The Linux kernel module that drives the chip.
    public var kernelModule: String {
        switch self {
        case .mpu6050, .mpu6500, .mpu9250: return "inv_mpu6050_i2c"
        case .adxl345: return "adxl345_i2c"
        case .lis3dh: return "st_accel_i2c"
        case .lsm6ds3, .lsm6dsox: return "st_lsm6dsx_i2c"
        case .bmi160: return "bmi160_i2c"
        }
    }

    /// Standard addresses, default first.
    public var addresses: [UInt8] {
        switch self {
        case .mpu6050, .mpu6500, .mpu9250, .bmi160: return [0x68, 0x69]
        case .adxl345: return [0x53, 0x1D]
        case .lis3dh: return [0x18, 0x19]
        case .lsm6ds3, .lsm6dsox: return [0x6A, 0x6B]
        }
    }

    /// The identity (WHO_AM_I / DEVID / CHIP_ID) register.
    public var identityRegister: UInt8 {
        switch self {
        case .mpu6050, .mpu6500, .mpu9250: return 0x75
        case .adxl345, .bmi160: return 0x00
        case .lis3dh, .lsm6ds3, .lsm6dsox: return 0x0F
        }
    }

    /// Identity values accepted for this chip.
    public var identityValues: [UInt8] {
        switch self {
        case .mpu6050: return [0x68]
        case .mpu6500: return [0x70]
        case .mpu9250: return [0x71, 0x73]
        case .adxl345: return [0xE5]
        case .lis3dh: return [0x33]
        case .lsm6ds3: return [0x69, 0x6A]
        case .lsm6dsox: return [0x6C]
        case .bmi160: return [0xD1]
        }
    }

    /// True when the chip has a gyroscope this package can read through the FIFO.
    public var hasGyroscope: Bool {
        switch self {
        case .mpu6050, .mpu6500, .mpu9250, .lsm6dsox: return true
        default: return false
        }
    }

    /// True when `I2CAccelerometer` can drive it.
    public var hasFIFODriver: Bool { true }
}

/// Maps an identity byte read at `register` of `address` to a chip.
public func identifyChip(address: UInt8, register: UInt8, value: UInt8) -> AccelerometerChip? {
    for chip in AccelerometerChip.allCases
    where chip.addresses.contains(address) && chip.identityRegister == register && chip.identityValues.contains(value) {
        return chip
    }
    return nil
}

/// What one address on a bus answered.
public struct ProbeResult: Equatable {
    public var bus: String
    public var address: UInt8
    /// The chip recognised, if any.
    public var chip: AccelerometerChip?
    /// The identity byte that matched (or the last one read when nothing matched).
    public var identity: UInt8?
    /// Non-empty when a kernel driver owns the address (EBUSY); holds the kernel's device name
    /// or "kernel driver" when the name is unknown.
    public var kernelOwner: String

    public init(bus: String, address: UInt8, chip: AccelerometerChip?, identity: UInt8?, kernelOwner: String) {
        self.bus = bus; self.address = address; self.chip = chip; self.identity = identity; self.kernelOwner = kernelOwner
    }
}

/// All standard addresses of the supported chips, in probe order.
public let standardAccelerometerAddresses: [UInt8] = [0x68, 0x69, 0x53, 0x1D, 0x18, 0x19, 0x6A, 0x6B]

/// Reads the identity register(s) at each address in `addresses` on `bus` and reports what
/// answered. Addresses that NACK are left out; EBUSY addresses are reported with `kernelOwner`.
/// Throws only when the bus itself cannot be opened.
public func probeI2CBus<S: SystemCalls>(
    _ system: S, bus: String, addresses: [UInt8] = standardAccelerometerAddresses,
    sysfsI2CBase: String = "/sys/bus/i2c/devices"
) throws(SensorError) -> [ProbeResult] {
    let fd: Int32
    do { fd = try system.open(bus, .readWrite) } catch { throw .cannotOpen(path: bus, errno: error) }
    defer { system.close(fd) }
    var results: [ProbeResult] = []
    for address in addresses {
        do { try system.i2cSetAddress(fd, address, force: false) } catch {
            if error == .notATerminal { throw .notAnI2CAdapter(path: bus) }
            if error == .busy {
                var owner = kernelDeviceName(system, bus: bus, address: address, base: sysfsI2CBase)
                if owner.isEmpty { owner = "kernel driver" }
                results.append(ProbeResult(bus: bus, address: address, chip: nil, identity: nil, kernelOwner: owner))
            }
            continue
        }
        var registers: [UInt8] = []
        for chip in AccelerometerChip.allCases where chip.addresses.contains(address) && !registers.contains(chip.identityRegister) {
            registers.append(chip.identityRegister)
        }
        var found: ProbeResult? = nil
        var lastValue: UInt8? = nil
        for register in registers {
            guard let value = try? system.i2cReadByte(fd, register: register) else { continue }
            lastValue = value
            if let chip = identifyChip(address: address, register: register, value: value) {
                found = ProbeResult(bus: bus, address: address, chip: chip, identity: value, kernelOwner: "")
                break
            }
        }
        if let found { results.append(found) } else if let lastValue {
            results.append(ProbeResult(bus: bus, address: address, chip: nil, identity: lastValue, kernelOwner: ""))
        }
    }
    return results
}
