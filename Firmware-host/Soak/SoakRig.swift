// HOST ONLY (the fault soak). One emulated chip on an emulated bus, mujod's driver and recognition
// loop reading it, faults injected from a seed, and the ledger checking every sample.
import Foundation
import MuJoDaemon
import MuJoDevice
import MuJoEmulators
import MuJoSensors

/// What the sensor wrapper and the output share: the emulated world and its bookkeeping.
final class SoakRig {
    let system: EmulatedSystem
    let chip: EmulatedChip
    let bus = "/dev/i2c-1"
    let ledger: SampleLedger
    var plan: FaultPlan
    let longestVanishSeconds: Double
    let configuredRateHz: Double
    let endNanoseconds: Int64
    let eventsPath: String
    var sink: EventSink? = nil
    /// Lines in the event files already rotated away (counted before each was removed).
    var rotatedLines = 0
    var emitted: [String: Int] = [:]
    var linesEmitted = 0
    var sinkProblems: [String] = []
    var rss = RSSCheckpoints()
    var lastProgress: Int64 = 0
    /// Set by the first read past the end time with the chip answering: the run stops there.
    var endedCleanly = false
    let progress: (String) -> Void

    init(system: EmulatedSystem, chip: EmulatedChip, ledger: SampleLedger, plan: FaultPlan, endNanoseconds: Int64,
         eventsPath: String, configuredRateHz: Double, progress: @escaping (String) -> Void) {
        self.configuredRateHz = configuredRateHz
        self.system = system
        self.chip = chip
        self.ledger = ledger
        self.plan = plan
        longestVanishSeconds = plan.longestVanishSeconds
        self.endNanoseconds = endNanoseconds
        self.eventsPath = eventsPath
        self.progress = progress
        // The soak's own queues sized once, up front, for the longest backlog a fault can leave (a
        // stalled reader or an absent chip: minutes of samples): a reallocation midway would show
        // as growth in the process's RSS that is not mujod's.
        let backlog = Int(configuredRateHz * 600)
        chip.reserveLog(samples: backlog)
        ledger.reserve(samples: backlog)
    }

    /// Between reads: due faults, the ledger, memory checkpoints, progress.
    func beforeWait() {
        if system.now < endNanoseconds { plan.due(at: system.now) { kind, random in inject(kind, &random) } }
        ledger.settle(chip)
        rss.observe(sensorNanoseconds: system.now, bookkeeping: bookkeepingBytes)
        if system.now - lastProgress >= 3_600_000_000_000 {
            lastProgress = system.now
            let f = ledger.figures
            progress("  \(system.now / 3_600_000_000_000) h: \(f.produced) samples, \(f.unexplained) unexplained, RSS \(rss.latest / 1024) KiB (the soak's own bookkeeping \(rss.bookkeepingLatest / 1024) KiB)")
        }
    }

    /// What the emulated chip and the ledger keep to judge every sample (not mujod's memory).
    var bookkeepingBytes: Int { chip.bookkeepingBytes + ledger.bookkeepingBytes }

    private func inject(_ kind: FaultKind, _ random: inout SeededGenerator) {
        let address = chip.address
        // The configured rate, not the chip's present one: a chip away or just reset samples at 0 Hz,
        // and a stall sized from that would last an hour.
        let rate = configuredRateHz
        switch kind {
        case .nackBurst:
            system.nack(bus: bus, address: address, transactions: Int.random(in: 1...12, using: &random),
                        afterTransactions: Int.random(in: 0...4, using: &random))
        case .eio:
            system.eio(bus: bus, address: address, transactions: Int.random(in: 1...3, using: &random))
        case .eioMidBurst:
            system.partialEIO(bus: bus, address: address, transactions: 1,
                              afterBytes: Int.random(in: 1..<(2 * chip.entryBytes), using: &random))
        case .vanishAndReturn:
            let seconds = Double.random(in: 0.2...longestVanishSeconds, using: &random)
            system.disappear(bus: bus, address: address, forNanoseconds: Int64(seconds * 1e9))
        case .fifoOverflow:
            let fill = Double(chip.fifoCapacity) / rate
            system.advance(by: Int64(fill * Double.random(in: 1.2...4, using: &random) * 1e9))
        case .stuckFIFOCount:
            system.stickStatus(bus: bus, address: address, value: UInt8.random(in: 0...255, using: &random),
                               forNanoseconds: Int64(Double.random(in: 0.05...3, using: &random) * 1e9))
        case .logRotation:
            rotateEventLog()
        }
    }

    /// What logrotate does before it sends SIGHUP: the file moves away, mujod reopens its path.
    private func rotateEventLog() {
        let old = eventsPath + ".1"
        rotatedLines += countLines(old)
        try? FileManager.default.removeItem(atPath: old)
        guard rename(eventsPath, old) == 0 else { sinkProblems.append("rename \(eventsPath) failed: errno \(errno)"); return }
        do { try sink?.reopen() } catch { sinkProblems.append("reopen: \(error.message)") }
    }

    /// Every event line written: those rotated away and removed, plus both files left.
    func linesOnDisk() -> Int { rotatedLines + countLines(eventsPath + ".1") + countLines(eventsPath) }

    private func countLines(_ path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        return data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}

/// Resident memory at the first window, after the first hour of sensor time, and at the end; beside
/// each, the bytes the soak itself holds to judge samples (the emulator's ground-truth log and FIFO
/// model, the ledger's queues). Those grow with the longest stretch the soak had to hold unjudged
/// (e.g. a reader stall of minutes: every sample of it logged at once), not with mujod's memory.
struct RSSCheckpoints {
    private(set) var atStart: Int? = nil
    private(set) var afterFirstHour: Int? = nil
    private(set) var latest = 0
    private(set) var peak = 0
    private(set) var bookkeepingAfterFirstHour: Int? = nil
    private(set) var bookkeepingLatest = 0
    private var startedAt: Int64? = nil

    mutating func observe(sensorNanoseconds t: Int64, bookkeeping: Int) {
        latest = Self.residentBytes()
        bookkeepingLatest = bookkeeping
        peak = max(peak, latest)
        if startedAt == nil { startedAt = t; atStart = latest }
        if afterFirstHour == nil, let s = startedAt, t - s >= 3_600_000_000_000 {
            afterFirstHour = latest
            bookkeepingAfterFirstHour = bookkeeping
        }
    }

    /// Growth of the soak's own bookkeeping since the first hour (0 when it shrank).
    var bookkeepingGrowth: Int { max(0, bookkeepingLatest - (bookkeepingAfterFirstHour ?? bookkeepingLatest)) }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// mujod's driver, watched: every delivered sample goes to the ledger; the run ends at its length.
struct SoakSensor: MotionSensor {
    var inner: I2CAccelerometer<EmulatedSystem>
    let rig: SoakRig
    var outputDataRate: Double { inner.outputDataRate }
    var hasGyroscope: Bool { inner.hasGyroscope }
    var statistics: SensorStatistics { inner.statistics }
    mutating func start() throws(SensorError) { try inner.start() }
    mutating func read(into events: inout [SensorEvent]) throws(SensorError) {
        let first = events.count
        let readBefore = rig.chip.readCount
        try inner.read(into: &events)
        var delivered = 0
        for e in events[first...] { if let s = e.sample { rig.ledger.deliver(s); delivered += 1 } }
        // Samples the driver took from the FIFO in this read but did not deliver (it could not
        // trust them): the newest ones the chip handed out.
        let read = rig.chip.readCount - readBefore
        if read > delivered { rig.ledger.discarded(through: rig.chip.lastReadSeq, count: read - delivered) }
        if rig.system.now >= rig.endNanoseconds && !inner.isReopening { rig.endedCleanly = true }
    }
    /// The run ends at a read past the end time that found the chip answering: a loss still under
    /// way (the driver in its reopen loop, a reader stall just over) cannot have been reported yet.
    /// No fault is injected past the end. (Soak, LSM6DSOX seed 3: the run stopped inside an outage,
    /// and the samples the FIFO dropped in it lay in no gap.)
    mutating func waitForData() throws(SensorError) -> Bool {
        if rig.endedCleanly { return false }
        rig.beforeWait()
        return try inner.waitForData()
    }
    mutating func stop() { inner.stop() }
}

/// The session's events: to the ledger, counted, and written as mujod writes them (JSON lines).
struct SoakOutput: SessionOutput {
    var json: JSONLinesOutput
    let rig: SoakRig
    mutating func emit(_ event: SessionEvent, recognizer: Recognizer) {
        rig.ledger.record(event)
        rig.emitted[event.kindName, default: 0] += 1
        json.emit(event, recognizer: recognizer)
    }
}

extension SessionEvent {
    var kindName: String {
        switch self {
        case .start: return "start"
        case .window: return "window"
        case .activity: return "activity"
        case .gap: return "gap"
        case .signal: return "signal"
        case .sensorError: return "sensor_error"
        case .stats: return "stats"
        case .stop: return "stop"
        }
    }
}
