// Register-level MPU-6050 / MPU-6500 / MPU-9250 (accelerometer FIFO path).
//
// Public API: final class EmulatedMPU6050(variant:address:recording:)
// Modelled: WHO_AM_I 0x75 (0x68 / 0x70 / 0x71); PWR_MGMT_1 0x6B (bit 7 reset → defaults, bit 6
// sleep, power-on 0x40); SMPLRT_DIV 0x19; CONFIG 0x1A (DLPF 1–6 → 1 kHz base, else 8 kHz);
// ACCEL_CONFIG 0x1C range; FIFO_EN 0x23 bit 3 accel (bits 6:4 gyro → 6 more bytes, gyro = 0);
// USER_CTRL 0x6A bit 6 FIFO on, bit 2 FIFO reset (self-clearing); INT_STATUS 0x3A bit 4 overflow
// (cleared by reading); FIFO_COUNT 0x72/0x73 big-endian bytes; FIFO_R_W 0x74 pops one byte per
// read and does not auto-increment. The FIFO is a byte stream (1024 B / 512 B): on overflow the
// oldest whole sample is dropped (a simplification: the silicon drops bytes).
// Counts: 16384 >> range LSB/g, saturated to Int16.

public final class EmulatedMPU6050: EmulatedChip {
    public enum Variant { case mpu6050, mpu6500, mpu9250 }
    public let variant: Variant

    public init(variant: Variant = .mpu6050, address: UInt8 = 0x68, recording: Recording) {
        self.variant = variant
        super.init(address: address, recording: recording)
    }

    public override var chipName: String {
        switch variant { case .mpu6050: return "MPU-6050"; case .mpu6500: return "MPU-6500"; case .mpu9250: return "MPU-9250" }
    }

    public override func powerOnReset() {
        super.powerOnReset()
        registers[0x6B] = 0x40
        registers[0x75] = variant == .mpu6050 ? 0x68 : (variant == .mpu6500 ? 0x70 : 0x71)
    }

    var gyroInFIFO: Bool { registers[0x23] & 0x70 != 0 }
    public override var entryBytes: Int { gyroInFIFO ? 12 : 6 }
    public override var fifoCapacity: Int { (variant == .mpu6050 ? 1024 : 512) / entryBytes }
    public override var fifoEnabled: Bool { registers[0x6A] & 0x40 != 0 && registers[0x23] & 0x08 != 0 }

    public override var outputDataRate: Double {
        if registers[0x6B] & 0x40 != 0 { return 0 }   // sleeping
        let dlpf = registers[0x1A] & 0x07
        let base: Double = (dlpf == 0 || dlpf == 7) ? 8000 : 1000
        return base / Double(Int(registers[0x19]) + 1)
    }

    public override func counts(_ v: SIMD3<Double>) -> SIMD3<Int32> {
        let lsbPerG = Double(16384 >> Int((registers[0x1C] >> 3) & 3))
        return EmulatedChip.saturate(v, scale: 9.80665 / lsbPerG, lo: -32768, hi: 32767)
    }

    public override func pack(_ c: SIMD3<Int32>) -> UInt64 { EmulatedChip.packBE16(c) }   // gyro bytes are 0

    public override func didOverflow() { registers[0x3A] |= 0x10 }

    public override func latchOutput(_ c: SIMD3<Int32>) {
        let p = EmulatedChip.packBE16(c)
        for i in 0..<6 { registers[0x3B + i] = UInt8(truncatingIfNeeded: p >> (8 * UInt64(i))) }
    }

    public override func next(after register: UInt8, subaddress: UInt8) -> UInt8 {
        register == 0x74 ? 0x74 : register &+ 1
    }

    public override func read(_ register: UInt8) -> UInt8 {
        switch register {
        case 0x3A:
            if let s = stuckStatus { return s }
            let v = registers[0x3A]
            registers[0x3A] = 0
            return v
        case 0x72:
            if let s = stuckStatus { return s }
            return UInt8(fifoBytes >> 8)
        case 0x73:
            if let s = stuckStatus { return s }
            return UInt8(fifoBytes & 0xFF)
        case 0x74:
            if entryBytes == 12 && headOffset >= 6 {   // gyro half of a frame reads as zeros
                headOffset += 1
                if headOffset >= 12 { popHead() }
                return 0
            }
            return popByte()
        default:
            return registers[Int(register)]
        }
    }

    public override func write(_ register: UInt8, _ value: UInt8) {
        switch register {
        case 0x6B:
            if value & 0x80 != 0 { powerOnReset(); return }
            registers[0x6B] = value
            restartSampling()
        case 0x6A:
            if value & 0x04 != 0 { clearFIFO(); registers[0x3A] &= ~0x10 }
            registers[0x6A] = value & ~0x04
        case 0x19, 0x1A:
            registers[Int(register)] = value
            restartSampling()
        case 0x75, 0x3A, 0x72, 0x73:
            break   // read-only
        default:
            registers[Int(register)] = value
        }
    }

    /// Sample packing with gyro: the accel half comes from `pack`, the gyro half reads as zero.
    override func produce(at t: Int64) { super.produce(at: t) }
}
