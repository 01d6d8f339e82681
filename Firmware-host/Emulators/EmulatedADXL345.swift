// Register-level ADXL345.
//
// Public API: final class EmulatedADXL345(address:recording:)
// Modelled: DEVID 0x00 = 0xE5; BW_RATE 0x2C (ODR = 3200 / 2^(15 − code)); POWER_CTL 0x2D bit 3
// measure; DATA_FORMAT 0x31 (bit 3 full resolution: 256 LSB/g; range bits 1:0 set the saturation
// ±(2^(10+range−1))); INT_SOURCE 0x30 bit 0 overrun, cleared when data are read; FIFO_CTL 0x38
// bits 7:6 mode (00 bypass: FIFO emptied; 10 stream: oldest dropped when 32 are stored);
// FIFO_STATUS 0x39 bits 5:0 entries. DATAX0…DATAZ1 0x32–0x37 show the oldest entry; the entry is
// popped at the end of a transaction that read any of them. Addresses always auto-increment.

public final class EmulatedADXL345: EmulatedChip {
    public override init(address: UInt8 = 0x53, recording: Recording) { super.init(address: address, recording: recording) }
    public override var chipName: String { "ADXL345" }

    private var touchedData = false

    public override func powerOnReset() {
        super.powerOnReset()
        registers[0x00] = 0xE5
        registers[0x2C] = 0x0A
    }

    public override var outputDataRate: Double {
        guard registers[0x2D] & 0x08 != 0 else { return 0 }
        let code = Int(registers[0x2C] & 0x0F)
        return 3200.0 / Double(1 << (15 - code))
    }

    public override var fifoEnabled: Bool { registers[0x38] >> 6 == 0b10 }
    public override var fifoCapacity: Int { 32 }

    public override func counts(_ v: SIMD3<Double>) -> SIMD3<Int32> {
        let range = Int32(registers[0x31] & 3)
        let fullRes = registers[0x31] & 0x08 != 0
        let lsbPerG = fullRes ? 256.0 : 256.0 / Double(1 << range)
        let bits: Int32 = fullRes ? 10 + range : 10
        let hi = (Int32(1) << (bits - 1)) - 1
        return EmulatedChip.saturate(v, scale: 9.80665 / lsbPerG, lo: -hi - 1, hi: hi)
    }

    public override func pack(_ c: SIMD3<Int32>) -> UInt64 { EmulatedChip.packLE16(c) }
    public override func didOverflow() { registers[0x30] |= 0x01 }

    public override func latchOutput(_ c: SIMD3<Int32>) {
        if !fifoEnabled {
            let p = EmulatedChip.packLE16(c)
            for i in 0..<6 { registers[0x32 + i] = UInt8(truncatingIfNeeded: p >> (8 * UInt64(i))) }
        }
    }

    public override func read(_ register: UInt8) -> UInt8 {
        switch register {
        case 0x30:
            if let s = stuckStatus { return s }
            return registers[0x30] | (fifoCount > 0 ? 0x80 : 0)
        case 0x39:
            if let s = stuckStatus { return s }
            return UInt8(min(fifoCount, 32))
        case 0x32...0x37:
            guard fifoEnabled else { return registers[Int(register)] }
            touchedData = true
            return headByte(Int(register) - 0x32)
        default:
            return registers[Int(register)]
        }
    }

    public override func endTransaction() {
        if touchedData && fifoEnabled {
            popHead()
            registers[0x30] &= ~0x01
        }
        touchedData = false
    }

    public override func write(_ register: UInt8, _ value: UInt8) {
        switch register {
        case 0x00, 0x30, 0x39, 0x32...0x37: break
        case 0x38:
            registers[0x38] = value
            if value >> 6 == 0 { clearFIFO(); registers[0x30] &= ~0x01 }
        case 0x2C, 0x2D:
            registers[Int(register)] = value
            restartSampling()
        default:
            registers[Int(register)] = value
        }
    }
}
