// HOST ONLY. Output files of `mujo eval` (--html, --report): checked before any work, so a long
// evaluation never ends in "cannot write"; written atomically (AtomicFile.swift), so a reader
// never sees half a report and a failure leaves the old one intact.
import Foundation

enum ReportFile {
    /// Throws a CommandFailure naming `option` when `path` cannot be written (AtomicFile.checkWritable).
    static func checkWritable(_ path: String, option: String) throws {
        try AtomicFile.checkWritable(path, option: option, example: option == "--html" ? "report.html" : "report.json")
    }

    /// Writes `data` to a temporary file in the target's directory, then renames it to `path`.
    static func write(_ data: Data, to path: String, option: String) throws {
        try AtomicFile.write([UInt8](data), to: path, option: option)
    }
}
