// HOST ONLY. Output files of `mujo eval` (--html, --report): checked before any work, so a long
// evaluation never ends in "cannot write"; written to a temporary file beside the target and
// renamed over it, so a reader never sees half a report and a failure leaves the old one intact.
import Foundation

enum ReportFile {
    /// Throws a CommandFailure naming `option` when `path` cannot be written: a missing directory,
    /// a directory given as the file, or a directory we may not create files in (tested by
    /// creating and removing the temporary file the write will use).
    static func checkWritable(_ path: String, option: String) throws {
        let (directory, temporary) = locations(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw CommandFailure("\(option) \(path): the directory '\(directory)' does not exist; create it or choose another path")
        }
        guard isDirectory.boolValue else {
            throw CommandFailure("\(option) \(path): '\(directory)' is not a directory; choose a path inside a directory")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CommandFailure("\(option) \(path): this is a directory; give a file name, e.g. \(path)/report\(option == "--html" ? ".html" : ".json")")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw CommandFailure("\(option) \(path): cannot create files in '\(directory)' (\(reason)); choose a writable directory")
        }
        close(fd)
        unlink(temporary)
    }

    /// Writes `data` to a temporary file in the target's directory, then renames it to `path`.
    static func write(_ data: Data, to path: String, option: String) throws {
        let (_, temporary) = locations(path)
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            unlink(temporary)
            throw CommandFailure("\(option) \(path): cannot write '\(temporary)': \(error.localizedDescription)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CommandFailure("\(option) \(path): cannot rename the finished report into place (\(reason))")
        }
    }

    /// The target's directory and the temporary file beside it (hidden, with our process id).
    static func locations(_ path: String) -> (directory: String, temporary: String) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
        return (directory, temporary)
    }
}
