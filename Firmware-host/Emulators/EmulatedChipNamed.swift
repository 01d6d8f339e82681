// The emulator for a chip name as the demo and the soak take it on their command lines.
import MuJoSensors

/// Names `emulatedChip(named:recording:)` accepts.
public let emulatedChipNames = "lis3dh, mpu6050, mpu6500, adxl345, lsm6ds3, lsm6dsox or bmi160"

/// The register-level emulator of `name` playing `recording`, with the driver's chip; nil for an unknown name.
public func emulatedChip(named name: String, recording r: Recording) -> (EmulatedChip, AccelerometerChip)? {
    switch name.lowercased() {
    case "lis3dh": return (EmulatedLIS3DH(recording: r), .lis3dh)
    case "mpu6050": return (EmulatedMPU6050(variant: .mpu6050, recording: r), .mpu6050)
    case "mpu6500": return (EmulatedMPU6050(variant: .mpu6500, recording: r), .mpu6500)
    case "adxl345": return (EmulatedADXL345(recording: r), .adxl345)
    case "lsm6ds3": return (EmulatedLSM6DS3(recording: r), .lsm6ds3)
    case "lsm6dsox": return (EmulatedLSM6DSOX(recording: r), .lsm6dsox)
    case "bmi160": return (EmulatedBMI160(recording: r), .bmi160)
    default: return nil
    }
}
