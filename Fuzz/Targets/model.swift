// libFuzzer target `model`: untrusted .mujo bytes through the board's reader and validator
// (MuJoCore.ModelReader.parse: header, size, CRC, sections, GraphValidator), and whatever it
// accepts through prepare (Recognizer → Interpreter) and one invoke on a window made of the input:
// a file that passes validation must never trap at run time.
// Each input is tried twice: as given (the size and CRC checks), and with the header's size and
// the CRC trailer repaired, so mutations reach the sections instead of dying at the checksum.
import MuJoCore
import MuJoDevice

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    tryModel(bytes)
    if bytes.count >= ModelFormat.headerSize + 4 {
        var repaired = bytes
        let n = UInt32(repaired.count)
        for k in 0..<4 { repaired[16 + k] = UInt8(truncatingIfNeeded: n >> (8 * UInt32(k))) }
        let crc = CRC32.checksum(repaired, count: repaired.count - 4)
        for k in 0..<4 { repaired[repaired.count - 4 + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
        tryModel(repaired)
    }
    return 0
}

func tryModel(_ bytes: [UInt8]) {
    let model: ModelDescription
    do { model = try ModelReader.parse(bytes) } catch { return }
    // A model that would take more than 256 MB of arena is not run here (libFuzzer's RSS limit);
    // the reader bounds every count, so this is about memory, not correctness.
    guard Interpreter(model: model).arenaBytes < 256 << 20 else { return }
    let recognizer: Recognizer
    do { recognizer = try Recognizer(model: model) } catch { return }
    let count = model.inputSpec.window * model.inputSpec.channels.count
    var window = [Float](repeating: 0, count: count)
    for i in 0..<count { window[i] = Float(Int(bytes[i % bytes.count]) - 128) / 16 }
    let passed = window.withUnsafeBufferPointer { recognizer.classify($0.baseAddress!) }
    precondition(passed >= 0 && passed <= model.labels.labels.count)
}
