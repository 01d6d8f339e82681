// Replay of recorded motion from CSV (the format: CSVFormat.swift; the parser: MotionCSVParser.swift).
//
// Public API:
//   final class CSVReplay<S>: MotionSensor   streams the file: fixed 64 KiB chunks through
//                                   SystemCalls.read, lines of at most 4096 bytes, memory bounded
//                                   by those buffers and 256 read-ahead samples, not by the input.
//                                   start() reads ahead the first 256 rows for the rate; read()
//                                   hands out samples (all due ones when realTime, else up to 256
//                                   per call); a time step > 1.5 median periods emits a
//                                   .timestampJump gap; waitForData() is false at the end.
// Errors after the first 256 rows are found while streaming and thrown from read(), after every
// sample before them was handed out.
import CMuJoSystem

/// Plays a CSV recording as a MotionSensor, streaming it: the file is read in fixed chunks through
/// `SystemCalls` and parsed line by line, so memory does not grow with the recording.
public final class CSVReplay<S: SystemCalls>: MotionSensor {
    /// Bytes per `read` call.
    public static var chunkSize: Int { 65536 }

    public let system: S
    public let configuration: CSVReplayConfiguration
    public private(set) var statistics = SensorStatistics()
    /// 1e9 / the median step of the first `csvRateRows` rows; known after start().
    public private(set) var outputDataRate: Double = 0
    public private(set) var hasGyroscope = false
    /// The unit the times were read in (after start()).
    public private(set) var timeUnit: TimeUnit = .seconds
    /// The first sample's time (after start()).
    public private(set) var firstTimestampNanoseconds: Int64? = nil
    /// The last time handed out by read().
    public private(set) var lastTimestampNanoseconds: Int64? = nil

    private var parser: MotionCSVParser
    private var descriptor: Int32 = -1
    private var ownsDescriptor = false
    private let chunk: UnsafeMutableRawBufferPointer
    private var chunkPosition = 0
    private var chunkEnd = 0
    private var endOfInput = false
    /// A line that runs across chunks (at most `csvMaximumLineLength` bytes).
    private let carry: UnsafeMutablePointer<UInt8>
    private var carryCount = 0
    /// Samples parsed but not handed out: the read-ahead rows at start, then at most one.
    private var queue: [MotionSample] = []
    private var queueHead = 0
    /// An error found after samples were handed out in the same read(): thrown by the next one.
    private var failure: SensorError? = nil
    private var period: Int64 = 0
    private var clockStart: Int64 = 0
    private var started = false

    public init(system: S, configuration: CSVReplayConfiguration) {
        self.system = system
        self.configuration = configuration
        parser = MotionCSVParser(path: configuration.displayName, configuration: configuration)
        chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: CSVReplay.chunkSize, alignment: 16)
        carry = UnsafeMutablePointer<UInt8>.allocate(capacity: csvMaximumLineLength + 1)
    }

    deinit {
        closeDescriptor()
        chunk.deallocate()
        carry.deallocate()
    }

    private func closeDescriptor() {
        if ownsDescriptor && descriptor >= 0 { system.close(descriptor) }
        descriptor = -1
        ownsDescriptor = false
    }

    public func start() throws(SensorError) {
        closeDescriptor()
        parser = MotionCSVParser(path: configuration.displayName, configuration: configuration)
        chunkPosition = 0; chunkEnd = 0; carryCount = 0; queueHead = 0
        endOfInput = false; failure = nil; started = false
        firstTimestampNanoseconds = nil; lastTimestampNanoseconds = nil
        queue.removeAll(keepingCapacity: true)
        queue.reserveCapacity(csvRateRows)
        if configuration.isStandardInput {
            descriptor = 0
        } else {
            do { descriptor = try system.open(configuration.path, .readOnly) } catch {
                throw .cannotOpen(path: configuration.path, errno: error)
            }
            ownsDescriptor = true
        }
        while queue.count < csvRateRows, let s = try nextSample() { queue.append(s) }
        guard !queue.isEmpty else { throw parser.noSamples() }
        let median = MotionCSVParser.medianStep(queue[0..<queue.count])
        try parser.checkRate(medianStepNanoseconds: median, rows: queue.count)
        outputDataRate = median > 0 ? 1e9 / Double(median) : 0
        period = outputDataRate > 0 ? Int64(1e9 / outputDataRate) : 0
        hasGyroscope = parser.columns == 7
        timeUnit = parser.resolvedTimeUnit
        firstTimestampNanoseconds = queue[0].timestampNanoseconds
        clockStart = system.monotonicNanoseconds()
        started = true
    }

    /// Fills the chunk; at the end of the input sets `endOfInput`.
    private func fill() throws(SensorError) {
        let n: Int
        do { n = try system.read(descriptor, into: chunk) } catch {
            if error.code == 4 { return }   // EINTR: try again
            throw .io(operation: "reading \(configuration.displayName)", errno: error)
        }
        chunkPosition = 0
        chunkEnd = max(0, n)
        if n <= 0 { endOfInput = true; closeDescriptor() }
    }

    /// The next sample of the stream, nil at its end. One call of the parser (kept out of line).
    private func nextSample() throws(SensorError) -> MotionSample? {
        let base = chunk.baseAddress!.assumingMemoryBound(to: UInt8.self)
        while true {
            let line: UnsafeBufferPointer<UInt8>
            if chunkPosition >= chunkEnd {
                if !endOfInput { try fill(); continue }
                guard carryCount > 0 else { return nil }
                line = UnsafeBufferPointer(start: carry, count: carryCount)   // a last line without '\n'
                carryCount = 0
            } else {
                var newline = chunkPosition
                while newline < chunkEnd && base[newline] != 10 { newline += 1 }
                let piece = newline - chunkPosition
                if carryCount + piece > csvMaximumLineLength { throw parser.refuseLongLine() }
                if carryCount > 0 || newline == chunkEnd {
                    (carry + carryCount).update(from: base + chunkPosition, count: piece)
                    carryCount += piece
                }
                if newline == chunkEnd { chunkPosition = chunkEnd; continue }   // the line goes on in the next chunk
                if carryCount > 0 {
                    line = UnsafeBufferPointer(start: carry, count: carryCount)
                    carryCount = 0
                } else {
                    line = UnsafeBufferPointer(start: base + chunkPosition, count: piece)
                }
                chunkPosition = newline + 1
            }
            if let s = try parser.parse(line: line) { return s }
        }
    }

    /// The next sample without taking it; nil at the end.
    private func peek() throws(SensorError) -> MotionSample? {
        if queueHead < queue.count { return queue[queueHead] }
        queue.removeAll(keepingCapacity: true)
        queueHead = 0
        guard let s = try nextSample() else { return nil }
        queue.append(s)
        return s
    }

    public func read(into events: inout [SensorEvent]) throws(SensorError) {
        if let failure { throw failure }
        guard started, let t0 = firstTimestampNanoseconds else {
            throw .unsupportedSetting("CSVReplay.read called before start(); call start() first")
        }
        var handed = 0
        while true {
            let next: MotionSample?
            do { next = try peek() } catch {
                failure = error
                if handed > 0 { return }   // hand out what came before; the next read() throws
                throw error
            }
            guard let s = next else { break }
            if configuration.realTime {
                if s.timestampNanoseconds - t0 > system.monotonicNanoseconds() - clockStart { break }
            } else if handed >= 256 { break }
            queueHead += 1
            if let prev = lastTimestampNanoseconds, period > 0 {
                let dt = s.timestampNanoseconds - prev
                if dt > period * 3 / 2 {
                    let lost = max(0, Int((Double(dt) / Double(period)).rounded()) - 1)
                    events.append(.gap(SensorGap(reason: .timestampJump, startNanoseconds: prev, endNanoseconds: s.timestampNanoseconds, estimatedLostSamples: lost)))
                    statistics.gaps += 1
                }
            }
            events.append(.sample(s))
            lastTimestampNanoseconds = s.timestampNanoseconds
            statistics.samplesDelivered += 1
            handed += 1
        }
    }

    public func waitForData() throws(SensorError) -> Bool {
        guard started else { return false }
        if failure != nil { return true }   // read() reports it
        let next: MotionSample?
        do { next = try peek() } catch { failure = error; return true }
        guard let s = next, let t0 = firstTimestampNanoseconds else { return false }
        if configuration.realTime {
            let due = s.timestampNanoseconds - t0 + clockStart
            system.sleep(nanoseconds: max(0, due - system.monotonicNanoseconds()))
        }
        return true
    }

    public func stop() { closeDescriptor() }
}
