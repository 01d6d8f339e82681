// Bosch BMI160 register code (internal; used by I2CAccelerometer). Accelerometer only.
//
// Setup: CMD 0x7E=0xB6 (soft reset), wait 10 ms; CMD=0x11 (accelerometer normal mode), wait 5 ms;
// ACC_CONF 0x40 = 0x20 | ODR (bwp normal; ODR 0x06 = 25 Hz, 0x07 = 50, 0x08 = 100, 0x09 = 200);
// ACC_RANGE 0x41 (0x03 ±2, 0x05 ±4, 0x08 ±8, 0x0C ±16 g; 16384 >> n LSB/g); FIFO_CONFIG_1 0x47
// = 0x40 (accelerometer, headerless frames of 6 bytes X, Y, Z little-endian); INT_EN_1 0x51 = 0x20
// (FIFO-full status); CMD=0xB0 (FIFO flush). Status: INT_STATUS_1 0x1D bit 5 = FIFO full (1024 B:
// the next frame overwrites the oldest); FIFO_LENGTH 0x22/0x23 (11-bit byte count); data at
// FIFO_DATA 0x24 (a burst does not increment). Reading past the fill level returns the over-read
// pattern 0x80 0x00 (datasheet: 0x8000 in headerless mode), never a sample.

enum BMI160Chip {
    static func configure<S>(_ link: inout I2CLink<S>, _ settings: ChipSettings) throws(LinkError) -> ChipSetup {
        let rangeCodes: [UInt8] = [0x03, 0x05, 0x08, 0x0C]
        let range = try rangeCode(.bmi160, settings.rangeG)
        let odr: UInt8
        switch settings.rateHz {
        case 25: odr = 0x06
        case 50: odr = 0x07
        case 100: odr = 0x08
        case 200: odr = 0x09
        default: throw .fatal(.unsupportedSetting("BMI160 rate \(settings.rateHz) Hz is not supported; use 25, 50, 100 or 200"))
        }
        try link.writeByte(0x7E, 0xB6)
        link.system.sleep(nanoseconds: 10_000_000)
        try link.writeByte(0x7E, 0x11)
        link.system.sleep(nanoseconds: 5_000_000)
        try link.writeByte(0x40, 0x20 | odr)
        try link.writeByte(0x41, rangeCodes[Int(range)])
        try link.writeByte(0x47, 0x40)
        try link.writeByte(0x51, 0x20)
        let setup = ChipSetup(outputDataRate: Double(settings.rateHz),
                              accelScale: gToMetersPerSecondSquared(1.0 / Double(16384 >> Int(range))),
                              gyroScale: 0, frameBytes: 6, fifoFrames: 1024 / 6, gyroscope: false)
        try resetFIFO(&link, setup)
        return setup
    }

    static func resetFIFO<S>(_ link: inout I2CLink<S>, _ setup: ChipSetup) throws(LinkError) {
        try link.writeByte(0x7E, 0xB0)
    }

    static func status<S>(_ link: inout I2CLink<S>, _ setup: ChipSetup) throws(LinkError) -> FIFOStatus {
        let int1 = try link.readByte(0x1D)
        try link.readBurst(0x22, count: 2)
        let bytes = (Int(link.scratch[1]) & 0x07) << 8 | Int(link.scratch[0])
        return FIFOStatus(frames: bytes / 6, overflow: int1 & 0x20 != 0)
    }

    /// Reads `count` frames; returns true when the data ran out first: a frame of the over-read
    /// pattern (bytes 0x80 0x00 on every axis: what an empty FIFO returns, datasheet "FIFO
    /// over-reading"; Bosch's API stops at 0x80 0x00) is no sample, and neither is anything after it.
    /// (A real sample of exactly 128 counts on all three axes would be lost with it.)
    static func readFrames<S>(_ link: inout I2CLink<S>, _ setup: ChipSetup, count: Int, into frames: inout [RawFrame]) throws(LinkError) -> Bool {
        let perBurst = max(1, link.maxTransfer / 6)
        var left = count
        while left > 0 {
            let n = min(left, perBurst)
            try link.readBurst(0x24, count: n * 6, consumesData: true)
            let b = link.scratch
            for i in 0..<n {
                let o = i * 6
                if isOverread(b, o) { return true }
                frames.append(RawFrame(accel: SIMD3(int16LE(b, o), int16LE(b, o + 2), int16LE(b, o + 4))))
            }
            left -= n
        }
        return false
    }

    static func isOverread(_ b: [UInt8], _ o: Int) -> Bool {
        b[o] == 0x80 && b[o + 1] == 0x00 && b[o + 2] == 0x80 && b[o + 3] == 0x00 && b[o + 4] == 0x80 && b[o + 5] == 0x00
    }
}
