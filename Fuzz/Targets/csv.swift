// libFuzzer target `csv`: the motion CSV line parser (MuJoSensors.MotionCSVParser, which CSVReplay
// streams every line of a recording or of standard input through) over arbitrary bytes, through
// parseMotionCSV: lines split at '\n', the 4096-byte line cap, the median step of the first rows
// and the rate check (the same calls CSVReplay makes). The first byte picks the --time-unit.
import MuJoSensors

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let units: [TimeUnit?] = [nil, .seconds, .milliseconds, .microseconds, .nanoseconds]
    let unit = units[Int(data[0]) % units.count]
    let body = [UInt8](UnsafeBufferPointer(start: data + 1, count: size - 1))
    let configuration = CSVReplayConfiguration(path: "fuzz.csv", timeUnit: unit)
    do {
        let recording = try parseMotionCSV(body, path: "fuzz.csv", configuration: configuration)
        precondition(!recording.samples.isEmpty)
        for i in 1..<recording.samples.count {
            precondition(recording.samples[i].timestampNanoseconds > recording.samples[i - 1].timestampNanoseconds,
                         "the parser accepted times that do not increase")
        }
    } catch {
        _ = error.message   // every error renders
    }
    return 0
}
