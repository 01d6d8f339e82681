// InvenSense MPU-6050 / MPU-6500 / MPU-9250 register code (internal; used by I2CAccelerometer).
//
// Setup: PWR_MGMT_1 0x6B=0x80 (reset), wait 100 ms, =0x01 (PLL); CONFIG 0x1A=0x03 (DLPF, 1 kHz
// internal rate); SMPLRT_DIV 0x19=1000/ODR−1; ACCEL_CONFIG 0x1C bits 4:3 range; GYRO_CONFIG 0x1B
// =0x18 (±2000 °/s) when the gyroscope is on; USER_CTRL 0x6A=0x04 (FIFO reset) then 0x40;
// FIFO_EN 0x23=0x08 (accel) | 0x70 (gyro). FIFO_COUNT 0x72/0x73 big-endian bytes; data at
// FIFO_R_W 0x74 (a burst does not increment); INT_STATUS 0x3A bit 4 = overflow (clears on read).
// Frame: accel X,Y,Z (+ gyro X,Y,Z) big-endian s16. FIFO: 1024 B (6050), 512 B (6500/9250).

enum MPU6050Family {
    static func configure<S>(_ link: inout I2CLink<S>, chip: AccelerometerChip, _ settings: ChipSettings) throws(LinkError) -> ChipSetup {
        let range = try rangeCode(chip, settings.rangeG)
        guard settings.rateHz >= 4, settings.rateHz <= 1000, 1000 % settings.rateHz == 0 else {
            throw .fatal(.unsupportedSetting("\(chip.name) rate \(settings.rateHz) Hz is not supported; use a divisor of 1000 Hz (e.g. 50, 100, 200)"))
        }
        try link.writeByte(0x6B, 0x80)
        link.system.sleep(nanoseconds: 100_000_000)
        try link.writeByte(0x6B, 0x01)
        try link.writeByte(0x1A, 0x03)
        let divider = 1000 / settings.rateHz - 1
        try link.writeByte(0x19, UInt8(divider))
        try link.writeByte(0x1C, range << 3)
        if settings.gyroscope { try link.writeByte(0x1B, 0x18) }
        let setup = ChipSetup(
            outputDataRate: 1000.0 / Double(divider + 1),
            accelScale: gToMetersPerSecondSquared(1.0 / Double(16384 >> Int(range))),
            gyroScale: settings.gyroscope ? Float(1.0 / 16.4 * 3.14159265358979 / 180.0) : 0,
            frameBytes: settings.gyroscope ? 12 : 6,
            fifoFrames: (chip == .mpu6050 ? 1024 : 512) / (settings.gyroscope ? 12 : 6),
            gyroscope: settings.gyroscope)
        try resetFIFO(&link, setup)
        return setup
    }

    static func resetFIFO<S>(_ link: inout I2CLink<S>, _ setup: ChipSetup) throws(LinkError) {
        try link.writeByte(0x23, 0x00)
        try link.writeByte(0x6A, 0x04)
        try link.writeByte(0x6A, 0x40)
        _ = try link.readByte(0x3A)   // clear a latched overflow
        try link.writeByte(0x23, setup.gyroscope ? 0x78 : 0x08)
    }

    static func status<S>(_ link: inout I2CLink<S>, _ setup: ChipSetup) throws(LinkError) -> FIFOStatus {
        let intStatus = try link.readByte(0x3A)
        try link.readBurst(0x72, count: 2)
        let bytes = Int(link.scratch[0]) << 8 | Int(link.scratch[1])
        // INT_STATUS clears on read, so a retried status read could miss the flag: a full FIFO
        // counts as an overflow too.
        let full = bytes >= setup.fifoFrames * setup.frameBytes
        return FIFOStatus(frames: bytes / setup.frameBytes, overflow: intStatus & 0x10 != 0 || full)
    }

    static func readFrames<S>(_ link: inout I2CLink<S>, _ setup: ChipSetup, count: Int, into frames: inout [RawFrame]) throws(LinkError) {
        let perBurst = max(1, link.maxTransfer / setup.frameBytes)
        var left = count
        while left > 0 {
            let n = min(left, perBurst)
            try link.readBurst(0x74, count: n * setup.frameBytes, consumesData: true)
            for i in 0..<n {
                let o = i * setup.frameBytes
                let b = link.scratch
                var f = RawFrame(accel: SIMD3(int16BE(b, o), int16BE(b, o + 2), int16BE(b, o + 4)))
                if setup.gyroscope { f.gyro = SIMD3(int16BE(b, o + 6), int16BE(b, o + 8), int16BE(b, o + 10)) }
                frames.append(f)
            }
            left -= n
        }
    }
}
