// Register-level LSM6DS3 and LSM6DSOX (accelerometer FIFO path).
//
// Public API: final class EmulatedLSM6DS3(address:recording:), final class EmulatedLSM6DSOX(…)
// Common: WHO_AM_I 0x0F (0x69 / 0x6C); CTRL1_XL 0x10 (ODR bits 7:4: 1 = 12.5 Hz, 2 = 26, 3 = 52,
// 4 = 104, 5 = 208; FS bits 3:2: 00 ±2, 10 ±4, 11 ±8, 01 ±16 g; 0.061/0.122/0.244/0.488 mg/LSB);
// CTRL3_C 0x12 (bit 0 SW_RESET → defaults, bit 2 IF_INC, power-on 0x04).
// DS3: FIFO_CTRL3 0x08 bits 2:0 accel decimation (0 = not in FIFO); FIFO_CTRL5 0x0A (ODR_FIFO
//   bits 6:3, mode bits 2:0: 000 bypass empties, 110 continuous). FIFO of 16-bit words (4096),
//   accel pattern X, Y, Z; FIFO_STATUS1/2 0x3A/0x3B: unread words (12 bits), bit 4 empty,
//   bit 5 full, bit 6 overrun (latched until bypass). Data 0x3E/0x3F pop one byte per read; the
//   address wraps 0x3F → 0x3E.
// DSOX: FIFO_CTRL3 0x09 BDR_XL bits 3:0, BDR_GY bits 7:4; CTRL2_G 0x11 gyro ODR; FIFO_CTRL4
//   0x0A mode bits 2:0; records of 7 bytes: tag 0x78 (tag >> 3: 0x02 accel, 0x01 gyro; bits
//   2:1 TAG_CNT), X/Y/Z 0x79–0x7E; 0x7E pops, wraps to 0x78. FIFO_STATUS1/2: unread records
//   (10 bits), 0x3B bit 6 overrun. 512 records. With the gyro batched, a sample is a gyro record
//   then an accel record with the same TAG_CNT (overflow drops both together).

public class EmulatedLSM6Base: EmulatedChip {
    public override func powerOnReset() {
        super.powerOnReset()
        registers[0x12] = 0x04
    }

    var rateCode: Int { Int(registers[0x10] >> 4) }

    public override var outputDataRate: Double {
        let rates: [Double] = [0, 12.5, 26, 52, 104, 208, 416, 833, 1666]
        return rateCode < rates.count ? rates[rateCode] : 0
    }

    public override func counts(_ v: SIMD3<Double>) -> SIMD3<Int32> {
        let mgPerLSB: [Double] = [0.061, 0.488, 0.122, 0.244]   // FS bits 00, 01, 10, 11
        let fs = Int((registers[0x10] >> 2) & 3)
        return EmulatedChip.saturate(v, scale: mgPerLSB[fs] / 1000 * 9.80665, lo: -32768, hi: 32767)
    }

    public override func didOverflow() { registers[0x3B] |= 0x40 }

    func writeCommon(_ register: UInt8, _ value: UInt8) -> Bool {
        switch register {
        case 0x12:
            if value & 0x01 != 0 { powerOnReset(); return true }
            registers[0x12] = value
            return true
        case 0x10:
            registers[0x10] = value
            restartSampling()
            return true
        case 0x0F, 0x3A, 0x3B:
            return true
        default:
            return false
        }
    }
}

public final class EmulatedLSM6DS3: EmulatedLSM6Base {
    public override init(address: UInt8 = 0x6A, recording: Recording) { super.init(address: address, recording: recording) }
    public override var chipName: String { "LSM6DS3" }

    public override func powerOnReset() {
        super.powerOnReset()
        registers[0x0F] = 0x69
    }

    public override var fifoEnabled: Bool { registers[0x0A] & 0x07 == 0b110 && registers[0x08] & 0x07 != 0 && registers[0x0A] >> 3 != 0 }
    public override var fifoCapacity: Int { 4096 / 3 }
    public override func pack(_ c: SIMD3<Int32>) -> UInt64 { EmulatedChip.packLE16(c) }

    var unreadWords: Int { fifoBytes / 2 }

    public override func next(after register: UInt8, subaddress: UInt8) -> UInt8 {
        guard registers[0x12] & 0x04 != 0 else { return register }
        return register == 0x3F ? 0x3E : register &+ 1
    }

    public override func read(_ register: UInt8) -> UInt8 {
        switch register {
        case 0x3A:
            if let s = stuckStatus { return s }
            return UInt8(unreadWords & 0xFF)
        case 0x3B:
            if let s = stuckStatus { return s }
            let w = unreadWords
            return (registers[0x3B] & 0x40) | (w >= 4095 ? 0x20 : 0) | (w == 0 ? 0x10 : 0) | UInt8((w >> 8) & 0x0F)
        case 0x3E, 0x3F:
            return popByte()
        default:
            return registers[Int(register)]
        }
    }

    public override func write(_ register: UInt8, _ value: UInt8) {
        if writeCommon(register, value) { return }
        registers[Int(register)] = value
        if register == 0x0A && value & 0x07 == 0 { clearFIFO(); registers[0x3B] &= ~0x40 }
    }
}

public final class EmulatedLSM6DSOX: EmulatedLSM6Base {
    public override init(address: UInt8 = 0x6A, recording: Recording) { super.init(address: address, recording: recording) }
    public override var chipName: String { "LSM6DSOX" }
    private var tagCounter: UInt64 = 0

    public override func powerOnReset() {
        super.powerOnReset()
        registers[0x0F] = 0x6C
        tagCounter = 0
    }

    /// Gyroscope batched too: CTRL2_G 0x11 ODR and FIFO_CTRL3 BDR_GY (bits 7:4) both set. Each
    /// sample instant then yields a gyro record (tag 0x01) followed by an accel record (tag 0x02)
    /// with the same TAG_CNT; the fake gyroscope reads half the accelerometer counts.
    public var gyroBatched: Bool { registers[0x11] >> 4 != 0 && registers[0x09] >> 4 != 0 }
    /// Emulated gyroscope counts for an accelerometer sample (tests use the same rule).
    public static func gyroCounts(_ accel: SIMD3<Int32>) -> SIMD3<Int32> { accel / 2 }

    public override var entryBytes: Int { gyroBatched ? 14 : 7 }
    public override var fifoEnabled: Bool { registers[0x0A] & 0x07 == 0b110 && registers[0x09] & 0x0F != 0 }
    /// 512 records (256 gyro + accel pairs).
    public override var fifoCapacity: Int { gyroBatched ? 256 : 512 }

    private func record(_ tag: UInt64, _ c: SIMD3<Int32>, _ cnt: UInt64) -> [UInt8] {
        let v = EmulatedChip.packLE16(c)
        var r: [UInt8] = [UInt8(tag << 3 | cnt << 1)]
        for i in 0..<6 { r.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
        return r
    }

    private var pendingBytes: [UInt8] = []

    public override func pack(_ c: SIMD3<Int32>) -> UInt64 {
        tagCounter = (tagCounter + 1) & 3
        pendingBytes = gyroBatched ? record(0x01, EmulatedLSM6DSOX.gyroCounts(c), tagCounter) + record(0x02, c, tagCounter)
                                   : record(0x02, c, tagCounter)
        var w: UInt64 = 0
        for i in 0..<min(8, pendingBytes.count) { w |= UInt64(pendingBytes[i]) << (8 * UInt64(i)) }
        return w
    }

    public override func packHigh(_ c: SIMD3<Int32>) -> UInt64 {
        var w: UInt64 = 0
        if pendingBytes.count > 8 { for i in 8..<pendingBytes.count { w |= UInt64(pendingBytes[i]) << (8 * UInt64(i - 8)) } }
        return w
    }

    /// Unread records (a gyro + accel entry counts 2 until its gyro half is read).
    var unreadRecords: Int { gyroBatched ? fifoCount * 2 - (headOffset >= 7 ? 1 : 0) : fifoCount }

    public override func next(after register: UInt8, subaddress: UInt8) -> UInt8 {
        guard registers[0x12] & 0x04 != 0 else { return register }
        return register == 0x7E ? 0x78 : register &+ 1
    }

    public override func read(_ register: UInt8) -> UInt8 {
        switch register {
        case 0x3A:
            if let s = stuckStatus { return s }
            return UInt8(unreadRecords & 0xFF)
        case 0x3B:
            if let s = stuckStatus { return s }
            let n = unreadRecords
            return (registers[0x3B] & 0x40) | (n >= 512 ? 0x20 : 0) | UInt8((n >> 8) & 0x03)
        case 0x78...0x7E:
            let half = headOffset >= 7 ? 7 : 0
            let b = headByte(half + Int(register) - 0x78)
            if register == 0x7E {
                if entryBytes == 14 && half == 0 { headOffset = 7 } else { popHead() }
            }
            return b
        default:
            return registers[Int(register)]
        }
    }

    public override func write(_ register: UInt8, _ value: UInt8) {
        if writeCommon(register, value) { return }
        registers[Int(register)] = value
        if register == 0x0A && value & 0x07 == 0 { clearFIFO(); registers[0x3B] &= ~0x40 }
    }
}
