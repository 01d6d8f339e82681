// Base class of the register-level chip emulators.
//
// Public API:
//   class EmulatedChip
//     address, registers, chipName
//     produced / fate / counts: the ground-truth log of every sample the emulated FIFO produced
//       (fate .inFIFO, .read — popped by the host —, .dropped — lost to overflow or a reset).
//     stuckStatus: when set, the FIFO status/count registers read this frozen value (fault).
//     readCount, droppedCount, inFIFOCount, lastReadSeq
//     discardSettledLog(_:) hands over and forgets the log's settled head (long runs: the fault soak).
//     bookkeepingBytes: the capacity of the log and FIFO arrays.
//   Subclasses (one file each): EmulatedMPU6050, EmulatedADXL345, EmulatedLIS3DH,
//     EmulatedLSM6DS3, EmulatedLSM6DSOX.
//
// Model: the chip owns a register file and a FIFO of entries (one per sample, ≤ 8 bytes each).
// Before every bus transaction the bus calls `advance(to:)`: the chip produces every sample whose
// instant has passed, at its configured ODR, from the recording (interpolated), converted to raw
// counts at its configured range with saturation. Subclasses decide register semantics: what a
// read returns, how the address auto-increments, what a write configures.

public enum SampleFate: UInt8 { case inFIFO = 0, read = 1, dropped = 2 }

open class EmulatedChip {
    public let address: UInt8
    public var registers = [UInt8](repeating: 0, count: 256)
    public let recording: Recording
    /// Relative error of the chip's oscillator (e.g. 0.003 = +0.3 % fast).
    public var clockError: Double = 0

    // Ground truth. Entry `seq` (numbered from the first sample ever produced) is at index
    // `seq - logBase`; logBase stays 0 unless discardSettledLog is called.
    public private(set) var logBase = 0
    public private(set) var producedTimes: [Int64] = []
    public private(set) var producedCounts: [SIMD3<Int32>] = []
    public var fates: [SampleFate] = []
    public private(set) var readCount = 0
    /// Sequence number of the sample the host read last (-1 before any).
    public private(set) var lastReadSeq = -1
    public private(set) var droppedCount = 0
    public var inFIFOCount: Int { fifoCount }

    /// Fault: the status/count registers return this value instead of the truth.
    public var stuckStatus: UInt8? = nil

    // FIFO of entries: sequence numbers + packed bytes, with a head index.
    var fifoSeq: [Int] = []
    var fifoData: [UInt64] = []
    /// Bytes 8–15 of entries longer than 8 bytes (LSM6DSOX gyro + accel record pairs).
    var fifoDataHigh: [UInt64] = []
    var fifoHead = 0
    /// Bytes of the head entry already consumed (byte-stream FIFOs).
    var headOffset = 0
    var fifoCount: Int { fifoSeq.count - fifoHead }

    // Sampling state.
    var sampling = false
    var nextSampleTime: Int64 = 0
    var cursor = 0
    public private(set) var now: Int64 = 0

    public init(address: UInt8, recording: Recording) {
        self.address = address
        self.recording = recording
        powerOnReset()
    }

    /// Human name.
    open var chipName: String { "chip" }
    /// Restores power-on register values and empties the FIFO (subclasses set defaults).
    open func powerOnReset() {
        for i in 0..<registers.count { registers[i] = 0 }
        clearFIFO()
        sampling = false
    }
    /// Output data rate in Hz when sampling (0 = not sampling).
    open var outputDataRate: Double { 0 }
    /// True when samples go to the FIFO.
    open var fifoEnabled: Bool { false }
    /// FIFO capacity in entries.
    open var fifoCapacity: Int { 32 }
    /// Converts m/s² to this chip's counts at its current range (saturating).
    open func counts(_ v: SIMD3<Double>) -> SIMD3<Int32> { .zero }
    /// Packs counts into the entry's bytes (the bus order).
    open func pack(_ c: SIMD3<Int32>) -> UInt64 { 0 }
    /// Bytes 8–15 of an entry (0 for entries of ≤ 8 bytes).
    open func packHigh(_ c: SIMD3<Int32>) -> UInt64 { 0 }
    /// Bytes per entry.
    open var entryBytes: Int { 6 }
    /// Called when the FIFO was full and the oldest entry was dropped.
    open func didOverflow() {}
    /// Called when an entry is produced while the FIFO is off (the output registers update).
    open func latchOutput(_ c: SIMD3<Int32>) {}

    // MARK: bus interface (called by EmulatedSystem)

    /// Register address the transaction starts at, and whether it auto-increments.
    open func start(subaddress: UInt8) -> UInt8 { subaddress }
    /// The register after `register` in a burst.
    open func next(after register: UInt8, subaddress: UInt8) -> UInt8 { register &+ 1 }
    /// One register read inside a transaction.
    open func read(_ register: UInt8) -> UInt8 { registers[Int(register)] }
    /// One register write.
    open func write(_ register: UInt8, _ value: UInt8) { registers[Int(register)] = value }
    /// End of a bus transaction (ADXL345 pops its FIFO here).
    open func endTransaction() {}

    /// Produces every sample due by `time`.
    public func advance(to time: Int64) {
        if time > now { now = time }
        let rate = outputDataRate
        guard rate > 0 else { sampling = false; return }
        let period = Int64((1e9 / rate) / (1 + clockError))
        if !sampling {
            sampling = true
            nextSampleTime = max(restartTime, now - period) + period
        }
        while nextSampleTime <= now {
            produce(at: nextSampleTime)
            nextSampleTime += period
        }
    }

    /// Restarts the sample clock (after a rate change or enabling): the first sample comes one
    /// period after the configuring write.
    public func restartSampling() { sampling = false; restartTime = now }
    private var restartTime: Int64 = 0

    func produce(at t: Int64) {
        let v = recording.value(at: t, cursor: &cursor)
        let c = counts(v)
        let seq = logBase + producedTimes.count
        producedTimes.append(t)
        producedCounts.append(c)
        guard fifoEnabled else {
            fates.append(.dropped)
            droppedCount += 1
            latchOutput(c)
            return
        }
        fates.append(.inFIFO)
        if fifoCount >= fifoCapacity {
            dropHead()
            didOverflow()
        }
        fifoSeq.append(seq)
        fifoData.append(pack(c))
        fifoDataHigh.append(packHigh(c))
        latchOutput(c)
    }

    func dropHead() {
        guard fifoCount > 0 else { return }
        let seq = fifoSeq[fifoHead]
        if fates[seq - logBase] == .inFIFO { fates[seq - logBase] = .dropped; droppedCount += 1 }
        fifoHead += 1
        headOffset = 0
        compact()
    }

    /// Pops the head entry, marking it read.
    func popHead() {
        guard fifoCount > 0 else { return }
        let seq = fifoSeq[fifoHead]
        if fates[seq - logBase] == .inFIFO { fates[seq - logBase] = .read; readCount += 1; lastReadSeq = seq; transactionPops.append(seq) }
        fifoHead += 1
        headOffset = 0
        compact()
    }

    /// Byte `i` of the head entry (0 when empty).
    func headByte(_ i: Int) -> UInt8 {
        guard fifoCount > 0 else { return 0 }
        if i >= 8 { return UInt8(truncatingIfNeeded: fifoDataHigh[fifoHead] >> (8 * UInt64(i - 8))) }
        return UInt8(truncatingIfNeeded: fifoData[fifoHead] >> (8 * UInt64(i)))
    }

    /// Next byte of a byte-stream FIFO; pops the entry after its last byte.
    func popByte() -> UInt8 {
        guard fifoCount > 0 else { return 0xFF }
        let b = headByte(headOffset)
        headOffset += 1
        if headOffset >= entryBytes { popHead() }
        return b
    }

    /// Bytes left in a byte-stream FIFO.
    var fifoBytes: Int { fifoCount * entryBytes - headOffset }

    public func clearFIFO() {
        while fifoCount > 0 { dropHead() }
        fifoSeq.removeAll(keepingCapacity: true)
        fifoData.removeAll(keepingCapacity: true)
        fifoDataHigh.removeAll(keepingCapacity: true)
        fifoHead = 0
        headOffset = 0
    }

    private func compact() {
        if fifoHead > 4096 && fifoHead * 2 > fifoSeq.count {
            fifoSeq.removeFirst(fifoHead)
            fifoData.removeFirst(fifoHead)
            fifoDataHigh.removeFirst(fifoHead)
            fifoHead = 0
        }
    }

    /// Samples popped during the current transaction (cleared by the bus at its start).
    public var transactionPops: [Int] = []

    /// Marks samples popped by a transaction that failed as lost (the host never got them).
    public func demoteTransactionPops() {
        for seq in transactionPops where fates[seq - logBase] == .read {
            fates[seq - logBase] = .dropped
            readCount -= 1
            droppedCount += 1
        }
        transactionPops.removeAll()
    }

    /// Hands every settled entry of the log — read by the host or dropped, in production order, up to
    /// the oldest one still in the FIFO — to `consume` (sequence number, production time, fate), then
    /// forgets them, so a run of days keeps memory bounded. Call it between bus transactions (a
    /// failed one still demotes its pops to dropped at its end).
    public func discardSettledLog(_ consume: (_ seq: Int, _ time: Int64, _ fate: SampleFate) -> Void) {
        var k = 0
        while k < fates.count, fates[k] != .inFIFO {
            consume(logBase + k, producedTimes[k], fates[k])
            k += 1
        }
        guard k > 0 else { return }
        producedTimes.removeFirst(k)
        producedCounts.removeFirst(k)
        fates.removeFirst(k)
        logBase += k
    }

    /// Bytes held by the ground-truth log and the FIFO model (array capacities): what the emulator
    /// itself keeps, which the fault soak tells apart from the driver's and the loop's memory.
    /// Sizes the ground-truth log for `samples` unsettled samples at once, so a long run does not
    /// reallocate it midway (a soak measures the process's memory; the log is not mujod's).
    public func reserveLog(samples: Int) {
        producedTimes.reserveCapacity(samples)
        producedCounts.reserveCapacity(samples)
        fates.reserveCapacity(samples)
    }

    public var bookkeepingBytes: Int {
        producedTimes.capacity * 8 + producedCounts.capacity * MemoryLayout<SIMD3<Int32>>.stride + fates.capacity
            + (fifoSeq.capacity + fifoData.capacity + fifoDataHigh.capacity + transactionPops.capacity) * 8
    }

    /// Saturating conversion helper: value / scale rounded, clamped to [lo, hi].
    public static func saturate(_ v: SIMD3<Double>, scale: Double, lo: Int32, hi: Int32) -> SIMD3<Int32> {
        func one(_ x: Double) -> Int32 {
            let r = (x / scale).rounded()
            if r <= Double(lo) { return lo }
            if r >= Double(hi) { return hi }
            return Int32(r)
        }
        return SIMD3(one(v.x), one(v.y), one(v.z))
    }

    static func packBE16(_ c: SIMD3<Int32>) -> UInt64 {
        var r: UInt64 = 0
        for (k, v) in [c.x, c.y, c.z].enumerated() {
            let u = UInt16(bitPattern: Int16(truncatingIfNeeded: v))
            r |= UInt64(u >> 8) << (16 * UInt64(k)) | UInt64(u & 0xFF) << (16 * UInt64(k) + 8)
        }
        return r
    }

    static func packLE16(_ c: SIMD3<Int32>) -> UInt64 {
        var r: UInt64 = 0
        for (k, v) in [c.x, c.y, c.z].enumerated() {
            let u = UInt16(bitPattern: Int16(truncatingIfNeeded: v))
            r |= UInt64(u) << (16 * UInt64(k))
        }
        return r
    }
}
