// Analog Devices ADXL345 register code (internal; used by I2CAccelerometer).
//
// Setup: POWER_CTL 0x2D=0x00 (standby); BW_RATE 0x2C (0x0A 100 Hz, 0x09 50 Hz, 0x08 25 Hz,
// 0x0B 200 Hz); DATA_FORMAT 0x31=0x08|range (full resolution, 256 LSB/g at every range);
// FIFO_CTL 0x38=0x00 (bypass: clears the FIFO) then 0x90 (stream, watermark 16); POWER_CTL=0x08.
// Status: INT_SOURCE 0x30 bit 0 = overrun; FIFO_STATUS 0x39 bits 5:0 = entries (≤ 32).
// Data 0x32–0x37 little-endian; each 6-byte read pops one entry, so one transaction per sample.

enum ADXL345Chip {
    static func configure<S>(_ link: inout I2CLink<S>, _ settings: ChipSettings) throws(LinkError) -> ChipSetup {
        let range = try rangeCode(.adxl345, settings.rangeG)
        let rateCode: UInt8
        switch settings.rateHz {
        case 25: rateCode = 0x08
        case 50: rateCode = 0x09
        case 100: rateCode = 0x0A
        case 200: rateCode = 0x0B
        default: throw .fatal(.unsupportedSetting("ADXL345 rate \(settings.rateHz) Hz is not supported; use 25, 50, 100 or 200"))
        }
        try link.writeByte(0x2D, 0x00)
        try link.writeByte(0x2C, rateCode)
        try link.writeByte(0x31, 0x08 | range)
        let setup = ChipSetup(outputDataRate: Double(settings.rateHz), accelScale: gToMetersPerSecondSquared(1.0 / 256.0),
                              gyroScale: 0, frameBytes: 6, fifoFrames: 32, gyroscope: false)
        try resetFIFO(&link, setup)
        try link.writeByte(0x2D, 0x08)
        return setup
    }

    static func resetFIFO<S>(_ link: inout I2CLink<S>, _ setup: ChipSetup) throws(LinkError) {
        try link.writeByte(0x38, 0x00)
        try link.writeByte(0x38, 0x90)
    }

    static func status<S>(_ link: inout I2CLink<S>, _ setup: ChipSetup) throws(LinkError) -> FIFOStatus {
        let source = try link.readByte(0x30)
        let entries = try link.readByte(0x39)
        return FIFOStatus(frames: Int(entries & 0x3F), overflow: source & 0x01 != 0)
    }

    static func readFrames<S>(_ link: inout I2CLink<S>, _ setup: ChipSetup, count: Int, into frames: inout [RawFrame]) throws(LinkError) {
        for _ in 0..<count {
            try link.readBurst(0x32, count: 6, consumesData: true)
            let b = link.scratch
            frames.append(RawFrame(accel: SIMD3(int16LE(b, 0), int16LE(b, 2), int16LE(b, 4))))
        }
    }
}
