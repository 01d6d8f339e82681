// libFuzzer target `config`: mujod's argv and config-file parser (MuJoDaemon.DaemonOptionsParser).
// The input is split at NUL bytes: the first part is the text of the config file, the rest are
// the arguments (`--config fuzz.conf` is added in front when the first byte is odd), so both the
// flag syntax and the `key = value` lines are mutated, and every value reaches its own parser.
import MuJoDaemon
import MuJoDevice

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    var parts: [String] = []
    var start = 1
    for i in 1...size where i == size || bytes[i] == 0 {
        parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
        start = i + 1
    }
    let configText = parts.isEmpty ? "" : parts.removeFirst()
    var arguments = parts
    if bytes[0] & 1 == 1 { arguments = ["--config", "fuzz.conf"] + arguments }
    do {
        let options = try DaemonOptionsParser.parse(arguments) { path in path == "fuzz.conf" ? configText : nil }
        precondition(options.smooth >= 1 && options.hold >= 1)
        _ = ActivityTrackerSettings(options)
    } catch {
        _ = error.message
    }
    return 0
}
