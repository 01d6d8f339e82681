// FIFO burst driver for the supported I²C accelerometers, over libi2c (through SystemCalls).
//
// Public API:
//   struct I2CAccelerometerConfiguration  bus, address/chip (nil = detect), rate, range, gyro,
//                                         poll interval, RecoveryPolicy, I2C_RDWR use.
//   final class I2CAccelerometer<S>: MotionSensor
//     init(system:configuration:)         nothing touches the bus until start().
//     start()                             detect (WHO_AM_I), reset, configure, reset FIFO.
//     read(into:)                         drain the FIFO now: samples, and gaps when data were lost.
//     waitForData()                       sleep one poll interval (through SystemCalls).
//     chip, address, outputDataRate, pollIntervalNanoseconds, statistics, stop().
//
// Behaviour (exact numbers in docs/sensors.md):
//   * poll interval = min(250 ms, 40 % of the time the FIFO takes to fill) unless configured;
//   * FIFO bursts: ≤ 32-byte SMBus block reads, or ≤ 240-byte I2C_RDWR reads when I2C_FUNCS
//     has I2C_FUNC_I2C (ADXL345: one 6-byte read per sample, the chip pops one entry per read);
//   * overflow flag (or a count beyond the FIFO size or what the chip can have sampled) → FIFO
//     reset, contents discarded, one .fifoOverflow gap;
//   * after a burst the status is read again: a count that did not fall by what was read is stuck,
//     the frames may hold filler → none delivered, FIFO reset, one .fifoOverflow gap (BMI160:
//     frames in its empty-FIFO over-read pattern end the data instead);
//   * no sample for max(1 s, 20 periods) → chip re-initialised, one .fifoStalled gap;
//   * EIO/NACK/timeout → the transaction is retried 4× after 1, 2, 4, 8 ms — except EIO /
//     ETIMEDOUT during a FIFO data burst: samples may have left the FIFO, so the frames read
//     before it are delivered, the FIFO is reset, and one .readError gap is reported;
//   * still failing, or ENODEV/ENOENT → close, reopen every 100 ms doubling to 2 s, identity re-checked,
//     chip re-initialised, one .deviceReopened gap; give up after 60 s of attempts (deviceVanished);
//   * EBUSY on I2C_SLAVE → SensorError.addressOwnedByKernel (read it through IIO instead).
// Timestamps: sample i of n counted at time t is anchored at t − (n−1−i)·period and smoothed against
// the previous + period (1/16 per sample), strictly increasing. The stream never invents samples.

/// What to open and how to configure it.
public struct I2CAccelerometerConfiguration {
    /// The I²C character device, e.g. "/dev/i2c-1".
    public var bus: String
    /// The address; nil probes the chip's standard addresses (or all standard addresses).
    public var address: UInt8?
    /// The chip; nil detects it from the identity register.
    public var chip: AccelerometerChip?
    /// Requested output data rate in Hz (50 and 100 work on every chip; LSM6 runs 52 / 104).
    public var rateHz: Int
    /// Full-scale range in g: 2, 4, 8 or 16.
    public var rangeG: Int
    /// Read the gyroscope too (MPU family and LSM6DSOX).
    public var gyroscope: Bool
    /// Poll interval; nil = min(250 ms, 40 % of the FIFO fill time).
    public var pollIntervalNanoseconds: Int64?
    /// Use I2C_RDWR bursts when the adapter allows (else SMBus blocks only).
    public var allowPlainI2C: Bool
    public var recovery: RecoveryPolicy
    /// Where the kernel lists I²C clients (for the EBUSY message).
    public var sysfsI2CBase: String

    public init(bus: String = "/dev/i2c-1", address: UInt8? = nil, chip: AccelerometerChip? = nil,
                rateHz: Int = 100, rangeG: Int = 8, gyroscope: Bool = false,
                pollIntervalNanoseconds: Int64? = nil, allowPlainI2C: Bool = true,
                recovery: RecoveryPolicy = RecoveryPolicy(), sysfsI2CBase: String = "/sys/bus/i2c/devices") {
        self.bus = bus; self.address = address; self.chip = chip; self.rateHz = rateHz; self.rangeG = rangeG
        self.gyroscope = gyroscope; self.pollIntervalNanoseconds = pollIntervalNanoseconds
        self.allowPlainI2C = allowPlainI2C; self.recovery = recovery; self.sysfsI2CBase = sysfsI2CBase
    }
}

/// An I²C accelerometer read through its hardware FIFO.
public final class I2CAccelerometer<S: SystemCalls>: MotionSensor {
    public let system: S
    public let configuration: I2CAccelerometerConfiguration
    /// The chip in use (known after start()).
    public private(set) var chip: AccelerometerChip?
    /// The address in use (known after start()).
    public private(set) var address: UInt8?
    public private(set) var statistics = SensorStatistics()

    private var link: I2CLink<S>?
    private var setup = ChipSetup(outputDataRate: 0, accelScale: 0, gyroScale: 0, frameBytes: 6, fifoFrames: 1, gyroscope: false)
    private var frames: [RawFrame] = []
    private var pairing = TaggedPairing()
    private var lastTimestamp: Int64?
    /// Since when the stream holds nothing unaccounted for while no sample has come since: the
    /// end of the last gap, or when sampling started. A loss before the next sample starts here.
    private var accountedUntil: Int64?
    private var lastProgress: Int64 = 0, chipKeptSampling = false   // (the last gap reset the FIFO only)
    private var floorTimestamp: Int64 = 0
    // Measured rate: samples delivered since the anchor read (reset at every gap).
    private var rateAnchorTime: Int64?
    private var rateAnchorSamples = 0
    // Reopen loop state.
    private var vanishedSince: Int64?
    private var nextReopenAt: Int64 = 0
    private var reopenDelay: Int64 = 0
    /// The absence the reopen loop watched: time between attempts, each interval counted up to
    /// twice the longest reopen delay. A process that was not scheduled (a stalled reader) did not
    /// watch the device: a minute of that must not use up the give-up time before any attempt.
    private var absenceWatched: Int64 = 0
    private var lastReopenAttemptAt: Int64 = 0

    public init(system: S, configuration: I2CAccelerometerConfiguration) {
        self.system = system
        self.configuration = configuration
    }

    /// The rate the chip is configured to (nominal, from its ODR table/divider).
    public var outputDataRate: Double { setup.outputDataRate }

    /// The rate measured on the host clock: samples delivered / time between reads, since the
    /// last gap (nil until 2 s of data). Shows the chip oscillator's real rate (±1–2 % typical).
    public var measuredOutputDataRate: Double? {
        guard let t0 = rateAnchorTime, let t1 = lastReadTime, t1 - t0 >= 2_000_000_000 else { return nil }
        return Double(rateAnchorSamples) * 1e9 / Double(t1 - t0)
    }
    private var lastReadTime: Int64?
    public var hasGyroscope: Bool { setup.gyroscope }
    private var period: Int64 { setup.outputDataRate > 0 ? Int64(1e9 / setup.outputDataRate) : 10_000_000 }

    /// The poll interval in use.
    public var pollIntervalNanoseconds: Int64 {
        if let p = configuration.pollIntervalNanoseconds { return p }
        let fill = Int64(Double(setup.fifoFrames) * 1e9 / max(setup.outputDataRate, 1))
        return min(250_000_000, fill * 4 / 10)
    }

    /// True while the device is away and the driver is in its reopen loop.
    public var isReopening: Bool { vanishedSince != nil }

    public func start() throws(SensorError) {
        let candidates: [(AccelerometerChip?, UInt8)]
        if let a = configuration.address {
            candidates = [(configuration.chip, a)]
        } else if let c = configuration.chip {
            candidates = c.addresses.map { (c, $0) }
        } else {
            candidates = standardAccelerometerAddresses.map { (nil, $0) }
        }
        var lastFailure: SensorError? = nil
        for (wanted, addr) in candidates {
            var l = I2CLink(system: system, bus: configuration.bus, address: addr, policy: configuration.recovery,
                            allowPlainI2C: configuration.allowPlainI2C, sysfsI2CBase: configuration.sysfsI2CBase)
            do {
                try l.open()
                let found = try identify(&l, wanted: wanted)
                guard let found else { l.close(); continue }
                setup = try configureChip(found, &l)
                chip = found
                address = addr
                link = l
                statistics.retries += l.retries
                statistics.transactions += l.transactions
                link?.retries = 0
                link?.transactions = 0
                lastTimestamp = nil
                lastProgress = system.monotonicNanoseconds()
                accountedUntil = lastProgress
                chipKeptSampling = false
                return
            } catch {
                l.close()
                switch error {
                case .fatal(let e):
                    if case .wrongChip = e { lastFailure = e; continue }
                    throw e
                case .vanished, .dataLost:
                    continue   // nothing (or nothing healthy) at this address
                }
            }
        }
        if let lastFailure { throw lastFailure }
        throw .noChipFound(bus: configuration.bus, addresses: candidates.map { $0.1 })
    }

    /// Reads identity registers; returns the chip or nil when the address holds something else.
    private func identify(_ l: inout I2CLink<S>, wanted: AccelerometerChip?) throws(LinkError) -> AccelerometerChip? {
        let options: [AccelerometerChip] = wanted.map { [$0] } ?? AccelerometerChip.allCases.filter { $0.addresses.contains(l.address) }
        var lastValue: UInt8 = 0
        var lastRegister: UInt8 = 0
        for candidate in options {
            let value = try l.readByte(candidate.identityRegister)
            lastValue = value; lastRegister = candidate.identityRegister
            if let c = identifyChip(address: l.address, register: candidate.identityRegister, value: value) {
                if let wanted, c != wanted, !(sameFamily(c, wanted)) { continue }
                if !c.hasFIFODriver {
                    throw .fatal(.unsupportedSetting("\(c.name) at \(hex(l.address)) on \(l.bus) has no FIFO driver yet; read it through IIO (modprobe \(c.kernelModule))"))
                }
                return c
            }
        }
        if let wanted {
            var expected = ""
            for v in wanted.identityValues { expected += (expected.isEmpty ? "" : " or ") + hex(v) }
            throw .fatal(.wrongChip(bus: l.bus, address: l.address, register: lastRegister, found: lastValue,
                                    expected: "\(expected) for \(wanted.name)"))
        }
        return nil
    }

    private func sameFamily(_ a: AccelerometerChip, _ b: AccelerometerChip) -> Bool {
        let mpu: [AccelerometerChip] = [.mpu6050, .mpu6500, .mpu9250]
        return mpu.contains(a) && mpu.contains(b)
    }

    private func configureChip(_ c: AccelerometerChip, _ l: inout I2CLink<S>) throws(LinkError) -> ChipSetup {
        if configuration.gyroscope && !c.hasGyroscope {
            throw .fatal(.unsupportedSetting("\(c.name): gyroscope reading is supported on the MPU family and the LSM6DSOX only; drop the gyroscope option"))
        }
        let settings = ChipSettings(rateHz: configuration.rateHz, rangeG: configuration.rangeG, gyroscope: configuration.gyroscope)
        pairing = TaggedPairing()
        switch c {
        case .mpu6050, .mpu6500, .mpu9250: return try MPU6050Family.configure(&l, chip: c, settings)
        case .adxl345: return try ADXL345Chip.configure(&l, settings)
        case .lis3dh: return try LIS3DHChip.configure(&l, settings)
        case .lsm6ds3, .lsm6dsox: return try LSM6DSFamily.configure(&l, chip: c, settings)
        case .bmi160: return try BMI160Chip.configure(&l, settings)
        }
    }

    private func chipStatus(_ c: AccelerometerChip, _ l: inout I2CLink<S>) throws(LinkError) -> FIFOStatus {
        switch c {
        case .mpu6050, .mpu6500, .mpu9250: return try MPU6050Family.status(&l, setup)
        case .adxl345: return try ADXL345Chip.status(&l, setup)
        case .lis3dh: return try LIS3DHChip.status(&l, setup)
        case .lsm6ds3, .lsm6dsox: return try LSM6DSFamily.status(&l, chip: c, setup)
        case .bmi160: return try BMI160Chip.status(&l, setup)
        }
    }

    /// Reads `count` frames; true when the chip's data showed the FIFO ran out before them (BMI160's
    /// over-read pattern): the frames read are then exactly what it held.
    private func chipRead(_ c: AccelerometerChip, _ l: inout I2CLink<S>, count: Int) throws(LinkError) -> Bool {
        switch c {
        case .mpu6050, .mpu6500, .mpu9250: try MPU6050Family.readFrames(&l, setup, count: count, into: &frames)
        case .adxl345: try ADXL345Chip.readFrames(&l, setup, count: count, into: &frames)
        case .lis3dh: try LIS3DHChip.readFrames(&l, setup, count: count, into: &frames)
        case .lsm6ds3, .lsm6dsox: try LSM6DSFamily.readFrames(&l, chip: c, setup, count: count, pairing: &pairing, into: &frames)
        case .bmi160: return try BMI160Chip.readFrames(&l, setup, count: count, into: &frames)
        }
        return false
    }

    private func chipResetFIFO(_ c: AccelerometerChip, _ l: inout I2CLink<S>) throws(LinkError) {
        pairing = TaggedPairing()
        switch c {
        case .mpu6050, .mpu6500, .mpu9250: try MPU6050Family.resetFIFO(&l, setup)
        case .adxl345: try ADXL345Chip.resetFIFO(&l, setup)
        case .lis3dh: try LIS3DHChip.resetFIFO(&l, setup)
        case .lsm6ds3, .lsm6dsox: try LSM6DSFamily.resetFIFO(&l, chip: c, setup)
        case .bmi160: try BMI160Chip.resetFIFO(&l, setup)
        }
    }

    public func read(into events: inout [SensorEvent]) throws(SensorError) {
        guard let c = chip, var l = link else {
            throw .unsupportedSetting("I2CAccelerometer.read called before start(); call start() first")
        }
        defer {
            statistics.retries += l.retries
            statistics.transactions += l.transactions
            l.retries = 0
            l.transactions = 0
            link = l
        }
        if vanishedSince != nil {
            try reopenStep(c, &l, into: &events)
            return
        }
        frames.removeAll(keepingCapacity: true)
        var counted = 0, countedAt: Int64 = 0   // what the status said, and when: a cut-short read's frames are its oldest
        do {
            let status = try chipStatus(c, &l)
            let readTime = system.monotonicNanoseconds()
            counted = status.frames; countedAt = readTime
            // A count beyond the FIFO's capacity (+1: ADXL345 counts its output registers, up to 33)
            // is a corrupt status read: an overflow. So is one beyond what the chip can have sampled
            // since its FIFO was emptied (10 % oscillator, 2 in flight; soak: a glitching count).
            // Fewer than the chip must have sampled since the last read or FIFO reset (10 % slower, 2 at
            // the edges) is one too, stuck low: the FIFO would overflow unflagged behind it, its frames
            // stamped as the newest (soak, LSM6DSOX seed 2). A count of 0 is left to the stall check; after
            // a start or re-initialisation the chip's start-up time makes the lower bound unknown.
            var plausible = setup.fifoFrames + 1, least = 0
            if let since = lastReadTime ?? accountedUntil, readTime >= since {
                let elapsed = Double(readTime - since) / Double(period)
                plausible = min(plausible, (Int(elapsed * 1.1) + 2) * setup.framesPerSample)
                if lastReadTime != nil || chipKeptSampling { least = max(0, Int(elapsed * 0.9) - 2) * setup.framesPerSample }
            }
            if status.overflow || status.frames > plausible || (status.frames > 0 && status.frames < least) {
                try chipResetFIFO(c, &l)
                statistics.fifoResets += 1
                emitGap(.fifoOverflow, now: system.monotonicNanoseconds(), into: &events)
                return
            }
            if status.frames == 0 {
                if readTime - lastProgress > max(configuration.recovery.stallTimeoutNanoseconds, 20 * period) {
                    // The count does not move: re-initialise the chip (it may have reset itself).
                    setup = try configureChip(c, &l)
                    statistics.fifoResets += 1
                    lastProgress = system.monotonicNanoseconds()
                    emitGap(.fifoStalled, now: lastProgress, into: &events)
                }
                return
            }
            let ranOut = try chipRead(c, &l, count: status.frames)
            if !ranOut, try !countWasLive(c, &l, readTime: readTime) {
                // The count did not fall by what was just read: the register is stuck, so some of
                // these frames may be filler an empty FIFO handed out, and nothing in the bytes
                // tells which. None is delivered; the FIFO is reset and the poll is a gap.
                frames.removeAll(keepingCapacity: true)
                try chipResetFIFO(c, &l)
                statistics.fifoResets += 1
                emitGap(.fifoOverflow, now: system.monotonicNanoseconds(), into: &events)
                return
            }
            lastProgress = readTime
            if rateAnchorTime == nil {
                rateAnchorTime = readTime   // samples up to here are not counted
                rateAnchorSamples = -frames.count
            }
            rateAnchorSamples += frames.count
            lastReadTime = readTime
            deliver(readTime: readTime, into: &events)
        } catch {
            switch error {
            case .fatal(let e): throw e
            case .dataLost:
                // Deliver what arrived before the failure, then resynchronise the FIFO.
                if !frames.isEmpty { deliver(readTime: countedAt, counted: counted, into: &events) }
                do {
                    try chipResetFIFO(c, &l)
                    statistics.fifoResets += 1
                    emitGap(.readError, now: system.monotonicNanoseconds(), into: &events)
                } catch {
                    if case .fatal(let e) = error { throw e }
                    enterReopenLoop(&l)
                }
            case .vanished:
                // Frames read before the device went away are real: deliver them first.
                if !frames.isEmpty { deliver(readTime: countedAt, counted: counted, into: &events) }
                enterReopenLoop(&l)
            }
        }
    }

    /// Reads the status again after a burst that drained the FIFO: a live count holds only what the
    /// chip sampled meanwhile (10 % oscillator, 2 at the edges), and no overflow. Soak: a count stuck
    /// a sample or two above the truth, inside the bounds, made every poll read filler bytes (LIS3DH,
    /// ADXL345 and BMI160 have no per-sample tag to tell them from data).
    private func countWasLive(_ c: AccelerometerChip, _ l: inout I2CLink<S>, readTime: Int64) throws(LinkError) -> Bool {
        let after = try chipStatus(c, &l)
        let elapsed = Double(system.monotonicNanoseconds() - readTime) / Double(period)
        let arrived = (Int(elapsed * 1.1) + 2) * setup.framesPerSample
        return !after.overflow && after.frames <= arrived
    }

    private func enterReopenLoop(_ l: inout I2CLink<S>) {
        l.close()
        let now = system.monotonicNanoseconds()
        vanishedSince = now
        absenceWatched = 0
        lastReopenAttemptAt = now
        reopenDelay = configuration.recovery.firstReopenDelayNanoseconds
        nextReopenAt = now + reopenDelay
    }

    /// One attempt of the reopen loop (when due).
    private func reopenStep(_ c: AccelerometerChip, _ l: inout I2CLink<S>, into events: inout [SensorEvent]) throws(SensorError) {
        let now = system.monotonicNanoseconds()
        guard vanishedSince != nil else { return }
        if now < nextReopenAt { return }
        // (Found by the fault soak: the reader stalled ~55 s while the chip was away for 7 s, the
        // first attempt after the stall met a NACK burst, and the driver gave up on a chip that had
        // been back for most of a minute.)
        absenceWatched += min(now - lastReopenAttemptAt, 2 * configuration.recovery.maximumReopenDelayNanoseconds)
        lastReopenAttemptAt = now
        do {
            try l.open(reopening: true)
            _ = try identify(&l, wanted: c)
            setup = try configureChip(c, &l)
            vanishedSince = nil
            frames.removeAll(keepingCapacity: true)
            statistics.reopens += 1
            lastProgress = system.monotonicNanoseconds()
            emitGap(.deviceReopened, now: lastProgress, into: &events)
        } catch {
            l.close()
            if case .fatal(let e) = error {
                if case .wrongChip = e {} else if case .cannotOpen = e {} else { throw e }
            }
            if let limit = configuration.recovery.reopenGiveUpNanoseconds, absenceWatched >= limit {
                throw .deviceVanished(bus: configuration.bus, address: l.address, seconds: Double(absenceWatched) / 1e9)
            }
            reopenDelay = min(reopenDelay * 2, configuration.recovery.maximumReopenDelayNanoseconds)
            nextReopenAt = now + reopenDelay
        }
    }

    /// A hole in the stream, from the last sample delivered — or, when none came since sampling
    /// (re)started, from then (a second loss right after a gap: found by the fault soak, where such a
    /// gap began at its own end and hid seconds of lost samples) — to `now`.
    private func emitGap(_ reason: GapReason, now: Int64, into events: inout [SensorEvent]) {
        let start: Int64, lost: Int
        if let last = lastTimestamp {
            start = last
            lost = max(0, Int((Double(now - last) / Double(period)).rounded()) - 1)
        } else if let since = accountedUntil, since <= now {
            start = since
            lost = max(0, Int((Double(now - since) / Double(period)).rounded()))
        } else {
            start = now
            lost = 0
        }
        events.append(.gap(SensorGap(reason: reason, startNanoseconds: start, endNanoseconds: now, estimatedLostSamples: lost)))
        statistics.gaps += 1
        chipKeptSampling = reason == .fifoOverflow || reason == .readError   // a FIFO reset only
        lastTimestamp = nil
        accountedUntil = now
        floorTimestamp = now
        rateAnchorTime = nil
        lastReadTime = nil
    }

    /// Timestamps frames as the first of `counted` reported at `readTime`: a read cut short got the
    /// FIFO's oldest (soak: a deep backlog after a stall, then an EIO, stamped them seconds late).
    private func deliver(readTime: Int64, counted: Int = 0, into events: inout [SensorEvent]) {
        let n = frames.count, total = max(n, counted)
        let p = period
        for i in 0..<n {
            let ts = FIFOTimestamps.next(after: lastTimestamp, index: i, count: total, readTime: readTime, period: p, floor: floorTimestamp)
            lastTimestamp = ts
            let f = frames[i]
            let a = SIMD3<Float>(Float(f.accel.x), Float(f.accel.y), Float(f.accel.z)) * setup.accelScale
            var sample = MotionSample(timestampNanoseconds: ts, acceleration: a)
            if setup.gyroscope && f.gyroValid {
                sample.rotationRate = SIMD3<Float>(Float(f.gyro.x), Float(f.gyro.y), Float(f.gyro.z)) * setup.gyroScale
            }
            events.append(.sample(sample))
        }
        statistics.samplesDelivered += n
    }

    /// Sleeps one poll interval, or until the next reopen attempt when the device is away.
    public func waitForData() throws(SensorError) -> Bool {
        if vanishedSince != nil {
            system.sleep(nanoseconds: max(0, nextReopenAt - system.monotonicNanoseconds()))
        } else {
            system.sleep(nanoseconds: pollIntervalNanoseconds)
        }
        return true
    }

    public func stop() {
        link?.close()
    }
}
