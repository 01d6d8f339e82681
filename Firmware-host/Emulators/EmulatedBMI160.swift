// Register-level BMI160 (accelerometer FIFO path, headerless mode).
//
// Public API: final class EmulatedBMI160(address:recording:)
// Modelled: CHIP_ID 0x00 = 0xD1; CMD 0x7E (0xB6 soft reset → defaults, 0x11 accelerometer normal,
// 0x10 suspend, 0xB0 FIFO flush); PMU_STATUS 0x03 bits 5:4 (01 = normal); ACC_CONF 0x40 (ODR bits
// 3:0: 25 · 2^(n−6) Hz, power-on 0x28); ACC_RANGE 0x41 (0x03/0x05/0x08/0x0C); FIFO_CONFIG_1
// 0x47 bit 6 accelerometer in FIFO (bit 4 header mode is not modelled); INT_EN_1 0x51 bit 5
// enables the FIFO-full status INT_STATUS_1 0x1D bit 5 (= FIFO full now); FIFO_LENGTH 0x22/0x23
// byte count; FIFO_DATA 0x24 pops one byte per read and does not increment (an empty FIFO reads
// 0x80, 0x00, … — the datasheet's over-read value). 1024-byte FIFO,
// oldest frame overwritten when full. Data registers 0x12–0x17 hold the latest sample.

public final class EmulatedBMI160: EmulatedChip {
    public override init(address: UInt8 = 0x68, recording: Recording) { super.init(address: address, recording: recording) }
    public override var chipName: String { "BMI160" }

    public override func powerOnReset() {
        super.powerOnReset()
        registers[0x00] = 0xD1
        registers[0x40] = 0x28
        registers[0x41] = 0x03
        registers[0x47] = 0x00
    }

    var accelNormal: Bool { (registers[0x03] >> 4) & 3 == 1 }

    public override var outputDataRate: Double {
        guard accelNormal else { return 0 }
        let n = Int(registers[0x40] & 0x0F)
        guard n >= 1 && n <= 12 else { return 0 }
        return 25.0 * pow2(n - 6)
    }

    private func pow2(_ e: Int) -> Double { e >= 0 ? Double(1 << e) : 1.0 / Double(1 << -e) }

    public override var fifoEnabled: Bool { registers[0x47] & 0x40 != 0 }
    public override var fifoCapacity: Int { 1024 / 6 }

    public override func counts(_ v: SIMD3<Double>) -> SIMD3<Int32> {
        let lsbPerG: Double
        switch registers[0x41] & 0x0F {
        case 0x05: lsbPerG = 8192
        case 0x08: lsbPerG = 4096
        case 0x0C: lsbPerG = 2048
        default: lsbPerG = 16384
        }
        return EmulatedChip.saturate(v, scale: 9.80665 / lsbPerG, lo: -32768, hi: 32767)
    }

    public override func pack(_ c: SIMD3<Int32>) -> UInt64 { EmulatedChip.packLE16(c) }

    public override func latchOutput(_ c: SIMD3<Int32>) {
        let p = EmulatedChip.packLE16(c)
        for i in 0..<6 { registers[0x12 + i] = UInt8(truncatingIfNeeded: p >> (8 * UInt64(i))) }
    }

    public override func next(after register: UInt8, subaddress: UInt8) -> UInt8 {
        register == 0x24 ? 0x24 : register &+ 1
    }

    public override func read(_ register: UInt8) -> UInt8 {
        switch register {
        case 0x1D:
            if let s = stuckStatus { return s }
            return registers[0x51] & 0x20 != 0 && fifoCount >= fifoCapacity ? 0x20 : 0
        case 0x22:
            if let s = stuckStatus { return s }
            return UInt8(fifoBytes & 0xFF)
        case 0x23:
            if let s = stuckStatus { return s }
            return UInt8((fifoBytes >> 8) & 0x07)
        case 0x24:
            // Reading past the fill level ("over-reading") returns no sample: BMI160 datasheet, FIFO
            // (headerless mode: 0x8000 per axis; header mode: the over-read header 0x80), and
            // Bosch's BMI160 API ends headerless parsing at the bytes 0x80 0x00 (check_frame_validity).
            // Modelled as 0x80, 0x00 repeated from where the data ran out.
            guard fifoCount > 0 else {
                overreadBytes += 1
                return overreadBytes % 2 == 1 ? 0x80 : 0x00
            }
            return popByte()
        default:
            return registers[Int(register)]
        }
    }

    private var overreadBytes = 0
    public override func endTransaction() { overreadBytes = 0 }

    public override func write(_ register: UInt8, _ value: UInt8) {
        switch register {
        case 0x7E:
            switch value {
            case 0xB6: powerOnReset()
            case 0x11: registers[0x03] = (registers[0x03] & ~0x30) | 0x10; restartSampling()
            case 0x10: registers[0x03] &= ~0x30; restartSampling()
            case 0xB0: clearFIFO()
            default: break
            }
        case 0x40:
            registers[0x40] = value
            restartSampling()
        case 0x00, 0x03, 0x1D, 0x22, 0x23, 0x24:
            break
        default:
            registers[Int(register)] = value
        }
    }
}
