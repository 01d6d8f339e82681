// ST LSM6DS3 (and DS3TR-C / DSL) and LSM6DSO / LSM6DSOX register code (internal).
//
// Both: CTRL3_C 0x12=0x01 (SW_RESET), wait 10 ms, =0x44 (BDU + IF_INC); CTRL1_XL 0x10 =
// ODR<<4 | FS<<2 with ODR 0x3 = 52 Hz, 0x4 = 104 Hz (0x2 = 26, 0x5 = 208) and FS 00 ±2, 10 ±4,
// 11 ±8, 01 ±16 g (0.061 / 0.122 / 0.244 / 0.488 mg/LSB). Asked for 50 / 100 Hz they run 52 / 104.
// DS3: FIFO_CTRL3 0x08=0x01 (accel, no decimation); FIFO_CTRL5 0x0A = ODR_FIFO<<3 | mode
//      (000 bypass clears, 110 continuous). FIFO_STATUS1/2 0x3A/0x3B: unread 16-bit words
//      (12 bits), 0x3B bit 6 overrun. Data words at 0x3E/0x3F (the address wraps 0x3F → 0x3E);
//      accel-only pattern X, Y, Z → 3 words per sample. 4096 words.
// DSOX: FIFO_CTRL3 0x09 BDR_XL bits 3:0 (same codes); FIFO_CTRL4 0x0A mode bits 2:0.
//      FIFO_STATUS1/2 0x3A/0x3B: unread records (10 bits), 0x3B bit 6 overrun. Records of 7 bytes
//      at 0x78 (tag) + 0x79–0x7E (X, Y, Z LE); the address wraps 0x7E → 0x78; tag>>3 = 0x02 accel.

enum LSM6DSFamily {
    static func configure<S>(_ link: inout I2CLink<S>, chip: AccelerometerChip, _ settings: ChipSettings) throws(LinkError) -> ChipSetup {
        let fsBits: UInt8
        let mg: Double
        switch settings.rangeG {
        case 2: fsBits = 0b00; mg = 0.061
        case 4: fsBits = 0b10; mg = 0.122
        case 8: fsBits = 0b11; mg = 0.244
        case 16: fsBits = 0b01; mg = 0.488
        default: throw .fatal(.unsupportedSetting("\(chip.name) range ±\(settings.rangeG) g is not supported; use 2, 4, 8 or 16"))
        }
        let odr: UInt8
        let actual: Double
        switch settings.rateHz {
        case 26: odr = 0x2; actual = 26
        case 50, 52: odr = 0x3; actual = 52
        case 100, 104: odr = 0x4; actual = 104
        case 200, 208: odr = 0x5; actual = 208
        default: throw .fatal(.unsupportedSetting("\(chip.name) rate \(settings.rateHz) Hz is not supported; use 26, 52, 104 or 208 (50/100 select 52/104)"))
        }
        try link.writeByte(0x12, 0x01)
        link.system.sleep(nanoseconds: 10_000_000)
        try link.writeByte(0x12, 0x44)
        try link.writeByte(0x10, odr << 4 | fsBits << 2)
        let dsox = chip == .lsm6dsox
        if settings.gyroscope && !dsox {
            throw .fatal(.unsupportedSetting("\(chip.name): gyroscope reading through the FIFO is supported on the LSM6DSOX and the MPU family; drop the gyroscope option"))
        }
        if dsox {
            if settings.gyroscope {
                try link.writeByte(0x11, odr << 4 | 0x0C)   // CTRL2_G: same ODR, ±2000 °/s (70 mdps/LSB)
                try link.writeByte(0x09, odr << 4 | odr)    // BDR_GY | BDR_XL
            } else {
                try link.writeByte(0x11, 0x00)
                try link.writeByte(0x09, odr)
            }
        } else {
            try link.writeByte(0x08, 0x01)
        }
        var setup = ChipSetup(outputDataRate: actual, accelScale: gToMetersPerSecondSquared(mg / 1000.0),
                              gyroScale: settings.gyroscope ? Float(0.070 * 3.14159265358979 / 180.0) : 0,
                              frameBytes: dsox ? 7 : 6,
                              // DSOX: ~9 kB FIFO; its 10-bit count saturates at 1023 records.
                              fifoFrames: dsox ? 1023 : 1365, gyroscope: settings.gyroscope)
        setup.framesPerSample = settings.gyroscope ? 2 : 1
        try resetFIFO(&link, chip: chip, setup, odr: odr)
        return setup
    }

    static func odrCode(_ setup: ChipSetup) -> UInt8 {
        switch setup.outputDataRate {
        case 26: return 0x2
        case 52: return 0x3
        case 208: return 0x5
        default: return 0x4
        }
    }

    static func resetFIFO<S>(_ link: inout I2CLink<S>, chip: AccelerometerChip, _ setup: ChipSetup, odr: UInt8? = nil) throws(LinkError) {
        let code = odr ?? odrCode(setup)
        if chip == .lsm6dsox {
            try link.writeByte(0x0A, 0x00)
            try link.writeByte(0x0A, 0x06)
        } else {
            try link.writeByte(0x0A, code << 3)
            try link.writeByte(0x0A, code << 3 | 0x06)
        }
    }

    /// Matches gyro and accel records by TAG_CNT. An accel record whose gyro never came is
    /// delivered without rotation rate; a gyro record without accel is dropped.
    static func pair(tag: UInt8, count: UInt8, value: SIMD3<Int32>, _ p: inout TaggedPairing, _ frames: inout [RawFrame]) {
        if tag == 0x01 {
            if let a = p.accel, p.accelCount == count {
                frames.append(RawFrame(accel: a, gyro: value))
                p.accel = nil
            } else {
                if let a = p.accel { frames.append(RawFrame(accel: a, gyroValid: false)); p.accel = nil }
                p.gyro = value; p.gyroCount = count
            }
        } else if tag == 0x02 {
            if let g = p.gyro, p.gyroCount == count {
                frames.append(RawFrame(accel: value, gyro: g))
                p.gyro = nil
            } else {
                if let a = p.accel { frames.append(RawFrame(accel: a, gyroValid: false)) }
                p.gyro = nil
                p.accel = value; p.accelCount = count
            }
        }
    }

    static func status<S>(_ link: inout I2CLink<S>, chip: AccelerometerChip, _ setup: ChipSetup) throws(LinkError) -> FIFOStatus {
        try link.readBurst(0x3A, count: 2)
        let low = Int(link.scratch[0]), high = Int(link.scratch[1])
        let overflow = high & 0x40 != 0
        if chip == .lsm6dsox {
            return FIFOStatus(frames: (high & 0x03) << 8 | low, overflow: overflow)
        }
        let words = (high & 0x0F) << 8 | low
        return FIFOStatus(frames: words / 3, overflow: overflow)
    }

    static func readFrames<S>(_ link: inout I2CLink<S>, chip: AccelerometerChip, _ setup: ChipSetup, count: Int,
                              pairing: inout TaggedPairing, into frames: inout [RawFrame]) throws(LinkError) {
        let dsox = chip == .lsm6dsox
        let perBurst = max(1, link.maxTransfer / setup.frameBytes)
        var left = count
        while left > 0 {
            let n = min(left, perBurst)
            try link.readBurst(dsox ? 0x78 : 0x3E, count: n * setup.frameBytes, consumesData: true)
            let b = link.scratch
            for i in 0..<n {
                let o = i * setup.frameBytes
                if dsox {
                    let tag = b[o] >> 3, cnt = (b[o] >> 1) & 3
                    let v = SIMD3(int16LE(b, o + 1), int16LE(b, o + 3), int16LE(b, o + 5))
                    if !setup.gyroscope {
                        if tag == 0x02 { frames.append(RawFrame(accel: v)) }   // other records are skipped
                        continue
                    }
                    pair(tag: tag, count: cnt, value: v, &pairing, &frames)
                } else {
                    frames.append(RawFrame(accel: SIMD3(int16LE(b, o), int16LE(b, o + 2), int16LE(b, o + 4))))
                }
            }
            left -= n
        }
    }
}
