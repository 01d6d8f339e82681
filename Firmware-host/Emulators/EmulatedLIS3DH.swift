// Register-level LIS3DH.
//
// Public API: final class EmulatedLIS3DH(address:recording:)
// Modelled: WHO_AM_I 0x0F = 0x33; CTRL_REG1 0x20 (ODR bits 7:4: 1,10,25,50,100,200,400 Hz;
// power-on 0x07 = powered down); CTRL_REG4 0x23 (FS bits 5:4, HR bit 3); CTRL_REG5 0x24 (bit 6
// FIFO enable, bit 7 BOOT self-clears); FIFO_CTRL 0x2E bits 7:6 (00 bypass empties the FIFO, 10
// stream); FIFO_SRC 0x2F (bit 6 OVRN = 32 unread, bit 5 EMPTY, bits 4:0 count mod 32).
// Sub-address bit 7 selects auto-increment; without it a burst re-reads one register. With the
// FIFO on, the pointer wraps 0x2D → 0x28 and reading 0x2D pops the entry, so one burst reads
// several samples. Counts: 12-bit, 1/2/4/12 mg per digit, left-justified in 16 bits, saturated.

public final class EmulatedLIS3DH: EmulatedChip {
    public override init(address: UInt8 = 0x18, recording: Recording) { super.init(address: address, recording: recording) }
    public override var chipName: String { "LIS3DH" }

    public override func powerOnReset() {
        super.powerOnReset()
        registers[0x0F] = 0x33
        registers[0x20] = 0x07
    }

    public override var outputDataRate: Double {
        let rates: [Double] = [0, 1, 10, 25, 50, 100, 200, 400, 1600, 1344]
        let code = Int(registers[0x20] >> 4)
        return code < rates.count ? rates[code] : 0
    }

    var fifoOn: Bool { registers[0x24] & 0x40 != 0 }
    public override var fifoEnabled: Bool { fifoOn && registers[0x2E] >> 6 == 0b10 }
    public override var fifoCapacity: Int { 32 }

    public override func counts(_ v: SIMD3<Double>) -> SIMD3<Int32> {
        let mg: [Double] = [1, 2, 4, 12]
        let fs = Int((registers[0x23] >> 4) & 3)
        return EmulatedChip.saturate(v, scale: mg[fs] / 1000 * 9.80665, lo: -2048, hi: 2047)
    }

    public override func pack(_ c: SIMD3<Int32>) -> UInt64 { EmulatedChip.packLE16(c &<< 4) }

    public override func latchOutput(_ c: SIMD3<Int32>) {
        if !fifoEnabled {
            let p = EmulatedChip.packLE16(c &<< 4)
            for i in 0..<6 { registers[0x28 + i] = UInt8(truncatingIfNeeded: p >> (8 * UInt64(i))) }
        }
    }

    public override func start(subaddress: UInt8) -> UInt8 { subaddress & 0x7F }

    public override func next(after register: UInt8, subaddress: UInt8) -> UInt8 {
        guard subaddress & 0x80 != 0 else { return register }
        if fifoOn && register == 0x2D { return 0x28 }
        return register &+ 1
    }

    public override func read(_ register: UInt8) -> UInt8 {
        switch register {
        case 0x2F:
            if let s = stuckStatus { return s }
            let n = fifoCount
            return (n >= 32 ? 0x40 : 0) | (n == 0 ? 0x20 : 0) | UInt8(n & 0x1F)
        case 0x28...0x2D where fifoEnabled:
            let b = headByte(Int(register) - 0x28)
            if register == 0x2D { popHead() }
            return b
        default:
            return registers[Int(register)]
        }
    }

    public override func write(_ register: UInt8, _ value: UInt8) {
        switch register {
        case 0x0F, 0x2F, 0x28...0x2D: break
        case 0x24:
            registers[0x24] = value & 0x7F   // BOOT self-clears
        case 0x2E:
            registers[0x2E] = value
            if value >> 6 == 0 { clearFIFO() }
        case 0x20:
            registers[0x20] = value
            restartSampling()
        default:
            registers[Int(register)] = value
        }
    }
}
