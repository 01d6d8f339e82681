// ST LIS3DH register code (internal; used by I2CAccelerometer).
//
// Setup: CTRL_REG5 0x24=0x80 (reboot memory), wait 5 ms; CTRL_REG1 0x20=ODR<<4|0x07
// (ODR 0x4 = 50 Hz, 0x5 = 100 Hz, 0x3 = 25 Hz, 0x6 = 200 Hz); CTRL_REG4 0x23=0x88|FS<<4
// (BDU + high resolution); CTRL_REG5=0x40 (FIFO on); FIFO_CTRL 0x2E=0x00 (bypass: clears)
// then 0x80 (stream). Status FIFO_SRC 0x2F: bit 6 OVRN (FIFO full, 32 unread: the next sample
// overwrites), bits 4:0 unread count. Data 0x28–0x2D little-endian left-justified 12 bit;
// multi-byte reads need the sub-address bit 7 (read from 0xA8); in FIFO mode the address wraps
// from 0x2D back to 0x28, so one burst carries several samples (5 per 30-byte SMBus block).
// Sensitivity (HR): 1 / 2 / 4 / 12 mg per 12-bit digit at ±2 / 4 / 8 / 16 g.

enum LIS3DHChip {
    static func configure<S>(_ link: inout I2CLink<S>, _ settings: ChipSettings) throws(LinkError) -> ChipSetup {
        let range = try rangeCode(.lis3dh, settings.rangeG)
        let odr: UInt8
        switch settings.rateHz {
        case 25: odr = 0x3
        case 50: odr = 0x4
        case 100: odr = 0x5
        case 200: odr = 0x6
        default: throw .fatal(.unsupportedSetting("LIS3DH rate \(settings.rateHz) Hz is not supported; use 25, 50, 100 or 200"))
        }
        try link.writeByte(0x24, 0x80)
        link.system.sleep(nanoseconds: 5_000_000)
        try link.writeByte(0x20, odr << 4 | 0x07)
        try link.writeByte(0x23, 0x88 | range << 4)
        try link.writeByte(0x24, 0x40)
        let mg: [Double] = [1, 2, 4, 12]
        let setup = ChipSetup(outputDataRate: Double(settings.rateHz),
                              accelScale: gToMetersPerSecondSquared(mg[Int(range)] / 1000.0),
                              gyroScale: 0, frameBytes: 6, fifoFrames: 32, gyroscope: false)
        try resetFIFO(&link, setup)
        return setup
    }

    static func resetFIFO<S>(_ link: inout I2CLink<S>, _ setup: ChipSetup) throws(LinkError) {
        try link.writeByte(0x2E, 0x00)
        try link.writeByte(0x2E, 0x80)
    }

    static func status<S>(_ link: inout I2CLink<S>, _ setup: ChipSetup) throws(LinkError) -> FIFOStatus {
        let src = try link.readByte(0x2F)
        return FIFOStatus(frames: Int(src & 0x1F), overflow: src & 0x40 != 0)
    }

    static func readFrames<S>(_ link: inout I2CLink<S>, _ setup: ChipSetup, count: Int, into frames: inout [RawFrame]) throws(LinkError) {
        let perBurst = max(1, link.maxTransfer / 6)
        var left = count
        while left > 0 {
            let n = min(left, perBurst)
            try link.readBurst(0xA8, count: n * 6, consumesData: true)
            let b = link.scratch
            for i in 0..<n {
                let o = i * 6
                frames.append(RawFrame(accel: SIMD3(int16LE(b, o) >> 4, int16LE(b, o + 2) >> 4, int16LE(b, o + 4) >> 4)))
            }
            left -= n
        }
    }
}
